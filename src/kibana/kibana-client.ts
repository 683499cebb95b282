// A small Kibana HTTP API client (node:http/https, so a private CA file works without extra dependencies).
// Every request carries `kbn-xsrf` (Kibana refuses API writes without it) and the configured credentials:
// `Authorization: ApiKey <base64 id:key>` or Basic. Errors never include the credentials.
import { readFileSync } from 'node:fs';
import { request as httpRequest, type IncomingHttpHeaders } from 'node:http';
import { request as httpsRequest } from 'node:https';

export interface KibanaConnection {
  url: string;
  /** Encoded API key (the `encoded` value Elasticsearch returns, i.e. base64 of "id:key"). */
  apiKey?: string;
  username?: string;
  password?: string;
  caFile?: string;
  rejectUnauthorized?: boolean;
  /** Kibana space; the default space when unset. */
  spaceId?: string;
  timeoutMs?: number;
}

export interface KibanaResponse {
  status: number;
  body: unknown;
}

export class KibanaError extends Error {
  override readonly name = 'KibanaError';
  constructor(message: string, readonly status?: number, readonly body?: unknown) {
    super(message);
  }
}

const MAX_RESPONSE_BYTES = 16 * 1024 * 1024;

export class KibanaClient {
  private readonly base: URL;
  private readonly ca: Buffer | undefined;

  constructor(private readonly conn: KibanaConnection) {
    this.base = new URL(conn.url.endsWith('/') ? conn.url : `${conn.url}/`);
    this.ca = conn.caFile === undefined ? undefined : readFileSync(conn.caFile);
  }

  /** `path` starts with "/api/…"; the space prefix is added here. */
  pathFor(path: string): URL {
    const space = this.conn.spaceId === undefined || this.conn.spaceId === 'default' ? '' : `s/${encodeURIComponent(this.conn.spaceId)}`;
    return new URL(`${space}${space === '' ? '' : '/'}${path.replace(/^\//, '')}`, this.base);
  }

  authHeaders(): Record<string, string> {
    if (this.conn.apiKey !== undefined) return { authorization: `ApiKey ${this.conn.apiKey}` };
    if (this.conn.username !== undefined) {
      return { authorization: `Basic ${Buffer.from(`${this.conn.username}:${this.conn.password ?? ''}`).toString('base64')}` };
    }
    return {};
  }

  async request(method: string, path: string, body?: { contentType: string; data: Buffer | string }): Promise<KibanaResponse> {
    const url = this.pathFor(path);
    const headers: Record<string, string | number> = { 'kbn-xsrf': 'mailverdict', accept: 'application/json', ...this.authHeaders() };
    if (body !== undefined) {
      headers['content-type'] = body.contentType;
      headers['content-length'] = Buffer.byteLength(body.data);
    }
    const send = url.protocol === 'https:' ? httpsRequest : httpRequest;
    return new Promise<KibanaResponse>((resolve, reject) => {
      const req = send(url, {
        method,
        headers,
        timeout: this.conn.timeoutMs ?? 60_000,
        ...(url.protocol === 'https:' ? { ca: this.ca, rejectUnauthorized: this.conn.rejectUnauthorized ?? true } : {}),
      }, (res) => {
        const chunks: Buffer[] = [];
        let size = 0;
        res.on('data', (c: Buffer) => {
          size += c.length;
          if (size > MAX_RESPONSE_BYTES) {
            req.destroy(new KibanaError(`${method} ${url.pathname}: response larger than ${MAX_RESPONSE_BYTES} bytes`));
            return;
          }
          chunks.push(c);
        });
        res.on('end', () => resolve({ status: res.statusCode ?? 0, body: parseBody(Buffer.concat(chunks).toString('utf8'), res.headers) }));
        res.on('error', reject);
      });
      req.on('timeout', () => req.destroy(new KibanaError(`${method} ${url.pathname}: no answer within ${this.conn.timeoutMs ?? 60_000} ms`)));
      req.on('error', (err) => reject(err instanceof KibanaError ? err : new KibanaError(`${method} ${url.origin}${url.pathname}: ${err.message}`)));
      if (body !== undefined) req.write(body.data);
      req.end();
    });
  }

  async json(method: string, path: string, body?: unknown): Promise<KibanaResponse> {
    return this.request(method, path, body === undefined ? undefined : { contentType: 'application/json', data: JSON.stringify(body) });
  }
}

function parseBody(text: string, headers: IncomingHttpHeaders): unknown {
  if (text === '') return undefined;
  if (String(headers['content-type'] ?? '').includes('json')) {
    try {
      return JSON.parse(text);
    } catch {
      return text;
    }
  }
  return text;
}

/** A readable one-liner of a Kibana error body ({ statusCode, error, message }). */
export function describeKibanaError(res: KibanaResponse): string {
  const b = res.body as { error?: string; message?: string } | undefined;
  return `HTTP ${res.status}${b?.error === undefined ? '' : ` ${b.error}`}${b?.message === undefined ? '' : `: ${b.message}`}`;
}
