// Errors thrown by the sink. Like elasticsearch-js they carry `meta` (what failed, bounded and safe to log)
// and `cause`; unlike a raw client error they never carry request headers, so no API key or password can
// reach a log line, a BullMQ job's failedReason or a document.
import { errors } from '@elastic/elasticsearch';

/** Bounded set: usable as a metric label. */
export type SinkErrorCode =
  | 'transient_index_failure'
  | 'index_request_failed'
  | 'dead_letter_rejected'
  | 'ca_file_unreadable'
  | 'invalid_index_prefix'
  | 'invalid_config'
  | 'index_template_invalid'
  | 'elasticsearch_request_failed';

export interface SinkErrorMeta {
  statusCode?: number;
  /** Elasticsearch error type (`es_rejected_execution_exception`) or client error name (`ConnectionError`). */
  errorType?: string;
  attempts?: number;
  /** Documents still not written when giving up. */
  pending?: number;
  index?: string;
  [key: string]: unknown;
}

export class SinkError extends Error {
  readonly code: SinkErrorCode;
  readonly meta: SinkErrorMeta;

  constructor(code: SinkErrorCode, message: string, options: { meta?: SinkErrorMeta; cause?: unknown } = {}) {
    super(redactSecrets(message), options.cause === undefined ? undefined : { cause: safeCause(options.cause) });
    this.name = new.target.name;
    this.code = code;
    this.meta = options.meta ?? {};
  }
}

/** Elasticsearch could not take the batch now (connection, timeout, 429, 5xx) even after retries: retry the job later. */
export class TransientIndexError extends SinkError {
  constructor(message: string, options: { meta?: SinkErrorMeta; cause?: unknown } = {}) {
    super('transient_index_failure', message, options);
  }
}

/** Elasticsearch refused the request itself (401/403, malformed request): retrying the same request will not help. */
export class IndexRequestError extends SinkError {
  constructor(message: string, options: { meta?: SinkErrorMeta; cause?: unknown } = {}) {
    super('index_request_failed', message, options);
  }
}

/** `user:password@` in URLs and Authorization-style credentials in free text. */
export function redactSecrets(text: string): string {
  let out = text;
  // URL userinfo: scheme://user:pass@host → scheme://[redacted]@host (bounded scan, no backtracking regex)
  let from = 0;
  for (let guard = 0; guard < 100; guard++) {
    const scheme = out.indexOf('://', from);
    if (scheme === -1) break;
    const start = scheme + 3;
    let end = start;
    while (end < out.length && !'/@ \t\n"\''.includes(out[end] ?? ' ')) end++;
    if (out[end] === '@' && end > start) {
      out = `${out.slice(0, start)}[redacted]${out.slice(end)}`;
      from = start + '[redacted]'.length;
    } else {
      from = start;
    }
  }
  return out.replace(/\b(ApiKey|Basic|Bearer)\s+[A-Za-z0-9+/=._~-]+/g, '$1 [redacted]');
}

/**
 * A copy of an error that is safe to keep as `cause`: name, message (redacted), code/status and stack,
 * but not the client's `meta` (which holds the request headers, i.e. the credentials).
 */
export function safeCause(err: unknown): Error {
  if (err instanceof SinkError) return err;
  if (!(err instanceof Error)) return new Error(redactSecrets(String(err)));
  const copy = new Error(redactSecrets(err.message));
  copy.name = err.name;
  if (err.stack !== undefined) copy.stack = redactSecrets(err.stack);
  const status = statusCodeOf(err);
  if (status !== undefined) (copy as Error & { statusCode?: number }).statusCode = status;
  const code = (err as { code?: unknown }).code;
  if (typeof code === 'string') (copy as Error & { code?: string }).code = code;
  return copy;
}

// Both engines' clients put the HTTP status and the parsed body on `meta` of their ResponseError.
export function statusCodeOf(err: unknown): number | undefined {
  if (err instanceof errors.ResponseError) return err.meta.statusCode;
  const status = (err as { meta?: { statusCode?: unknown } } | undefined)?.meta?.statusCode;
  return typeof status === 'number' ? status : undefined;
}

/** Short type for meta/metrics: the Elasticsearch error type of a response, else the client error's name. */
export function errorTypeOf(err: unknown): string {
  if (statusCodeOf(err) !== undefined) {
    const body = (err as { meta?: { body?: { error?: { type?: unknown } } } }).meta?.body;
    if (typeof body?.error?.type === 'string') return body.error.type;
  }
  return err instanceof Error ? err.name : typeof err;
}
