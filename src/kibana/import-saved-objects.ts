// Imports the shipped saved objects through Kibana's saved objects import API
// (POST /api/saved_objects/_import?overwrite=true, multipart/form-data with the NDJSON as the `file` field).
// overwrite=true makes it idempotent: the fixed object ids are replaced, never duplicated.
import { randomBytes } from 'node:crypto';
import { describeKibanaError, KibanaError, type KibanaClient } from './kibana-client.js';
import { parseNdjson } from './saved-objects.js';

export interface ImportResult {
  successCount: number;
  errors: { id: string; type: string; error: unknown }[];
}

/**
 * The saved objects of one index prefix: data views point at "<prefix>-2*" etc., and every object id (and every
 * reference to it) becomes "<prefix>-…" instead of "mailverdict-…", so the dashboards of two prefixes live side
 * by side in one Kibana space; dashboard and data view titles name the prefix. The default prefix keeps the
 * shipped ids, so an existing installation is updated in place.
 */
export function withIndexPrefix(ndjson: string, indexPrefix: string): string {
  if (indexPrefix === 'mailverdict') return ndjson;
  const id = (value: string): string => value.replace(/^mailverdict-/, `${indexPrefix}-`);
  return parseNdjson(ndjson).map((o) => {
    o.id = id(o.id);
    o.references = o.references.map((r) => ({ ...r, id: id(r.id) }));
    if (o.type === 'index-pattern' && typeof o.attributes['title'] === 'string') {
      o.attributes['title'] = o.attributes['title'].replace(/^mailverdict-/, `${indexPrefix}-`);
      if (typeof o.attributes['name'] === 'string') o.attributes['name'] = `${o.attributes['name']} (${indexPrefix})`;
    }
    if (o.type === 'dashboard' && typeof o.attributes['title'] === 'string') o.attributes['title'] = `${o.attributes['title']} (${indexPrefix})`;
    return JSON.stringify(o);
  }).join('\n') + '\n';
}

export function multipartBody(fieldName: string, fileName: string, content: string): { contentType: string; data: Buffer } {
  const boundary = `----mailverdict${randomBytes(12).toString('hex')}`;
  const head = `--${boundary}\r\nContent-Disposition: form-data; name="${fieldName}"; filename="${fileName}"\r\nContent-Type: application/ndjson\r\n\r\n`;
  return { contentType: `multipart/form-data; boundary=${boundary}`, data: Buffer.concat([Buffer.from(head), Buffer.from(content), Buffer.from(`\r\n--${boundary}--\r\n`)]) };
}

export async function importSavedObjects(kibana: KibanaClient, ndjson: string): Promise<ImportResult> {
  parseNdjson(ndjson); // refuse to send something Kibana would reject line by line
  const res = await kibana.request('POST', '/api/saved_objects/_import?overwrite=true', multipartBody('file', 'mailverdict.ndjson', ndjson));
  if (res.status !== 200) throw new KibanaError(`saved objects import failed: ${describeKibanaError(res)}`, res.status, res.body);
  const body = res.body as { success?: boolean; successCount?: number; errors?: ImportResult['errors'] };
  const result: ImportResult = { successCount: body.successCount ?? 0, errors: body.errors ?? [] };
  if (body.success !== true || result.errors.length > 0) {
    const first = result.errors.slice(0, 5).map((e) => `${e.type}:${e.id} ${JSON.stringify(e.error)}`).join('; ');
    throw new KibanaError(`saved objects import: ${result.errors.length} objects failed: ${first}`, res.status, res.body);
  }
  return result;
}
