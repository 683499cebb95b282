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

/** Points the data views at another index prefix ("mailverdict-2*" → "<prefix>-2*"). */
export function withIndexPrefix(ndjson: string, indexPrefix: string): string {
  if (indexPrefix === 'mailverdict') return ndjson;
  return parseNdjson(ndjson).map((o) => {
    if (o.type === 'index-pattern' && typeof o.attributes['title'] === 'string') {
      o.attributes['title'] = o.attributes['title'].replace(/^mailverdict-/, `${indexPrefix}-`);
    }
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
