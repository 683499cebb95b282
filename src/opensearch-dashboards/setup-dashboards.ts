// `mailverdict setup --dashboards <url>` with an OpenSearch store: imports dashboards/opensearch/mailverdict.ndjson
// into OpenSearch Dashboards (POST /api/saved_objects/_import?overwrite=true, multipart `file`, `osd-xsrf` header).
// overwrite=true makes it idempotent: fixed ids are replaced, never duplicated. OpenSearch Dashboards signs users
// in against OpenSearch, so the store's username/password are used when set.
import { readFile } from 'node:fs/promises';
import { withIndexPrefix } from '../kibana/import-saved-objects.js';
import { parseNdjson } from '../kibana/saved-objects.js';
import { packageFile } from '../package-file.js';

export const OSD_DASHBOARDS_FILE = packageFile('dashboards', 'opensearch', 'mailverdict.ndjson');

export interface OsdConnection {
  url: string;
  username?: string | undefined;
  password?: string | undefined;
  timeoutMs?: number;
}

export class OsdImportError extends Error {
  constructor(message: string, readonly status: number) {
    super(message);
    this.name = 'OsdImportError';
  }
}

export async function setupOpenSearchDashboards(
  connection: OsdConnection, indexPrefix: string, ndjson?: string,
): Promise<{ importedObjects: number }> {
  const text = withIndexPrefix(ndjson ?? await readFile(OSD_DASHBOARDS_FILE, 'utf8'), indexPrefix);
  parseNdjson(text); // refuse to send a file the import would reject line by line
  const form = new FormData();
  form.append('file', new Blob([text], { type: 'application/ndjson' }), 'mailverdict.ndjson');
  const headers: Record<string, string> = { 'osd-xsrf': 'mailverdict', accept: 'application/json' };
  if (connection.username !== undefined) {
    headers['authorization'] = `Basic ${Buffer.from(`${connection.username}:${connection.password ?? ''}`).toString('base64')}`;
  }
  const url = new URL('api/saved_objects/_import?overwrite=true', connection.url.endsWith('/') ? connection.url : `${connection.url}/`);
  let res: Response;
  try {
    res = await fetch(url, { method: 'POST', headers, body: form, signal: AbortSignal.timeout(connection.timeoutMs ?? 30_000) });
  } catch (err) {
    throw new OsdImportError(`OpenSearch Dashboards at ${url.origin} unreachable: ${(err as Error).message}`, 0);
  }
  const body = (await res.json().catch(() => ({}))) as { success?: boolean; successCount?: number; errors?: { id: string; type: string; error: unknown }[]; message?: string };
  if (res.status !== 200) throw new OsdImportError(`saved objects import failed: HTTP ${res.status} ${body.message ?? ''}`.trim(), res.status);
  if (body.success !== true || (body.errors ?? []).length > 0) {
    const first = (body.errors ?? []).slice(0, 5).map((e) => `${e.type}:${e.id} ${JSON.stringify(e.error)}`).join('; ');
    throw new OsdImportError(`saved objects import: ${(body.errors ?? []).length} objects failed: ${first}`, res.status);
  }
  return { importedObjects: body.successCount ?? 0 };
}
