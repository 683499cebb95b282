// The dead-letter document: what Elasticsearch refused (stage indexing) or what could not be parsed (stage
// parsing), why, and everything needed to look at it again: nothing is lost. Shaped for
// mappings/dead-letter-template.json (strict), so only known keys are copied. BulkSink writes both kinds.
import { documentId } from '../document/document-id.js';
import type { OriginInfo } from '../document/types.js';

export interface DeadLetterDocument {
  '@timestamp': string;
  stage: 'indexing' | 'parsing';
  reason: string;
  status: number;
  error: { type: string; message: string };
  document_id: string;
  index: string;
  source?: Partial<OriginInfo>;
  raw_headers?: string;
  /** The document as it was sent, as JSON text (the template stores it unindexed). */
  document?: string;
}

export interface Rejection {
  id: string;
  /** The index the document was meant for. */
  index: string;
  status: number;
  errorType: string;
  reason: string;
  /** Full error text including `caused_by`. */
  message: string;
}

// `reason` is a keyword (ignore_above 1024): keep it searchable; the full text is in error.message.
const MAX_REASON = 1000;
const MAX_MESSAGE = 8000;

export function buildDeadLetter(
  rejection: Rejection,
  options: { documentJson?: string; source?: unknown; rawHeaders?: string; now: Date },
): DeadLetterDocument {
  const doc: DeadLetterDocument = {
    '@timestamp': options.now.toISOString(),
    stage: 'indexing',
    reason: rejection.reason.slice(0, MAX_REASON),
    status: rejection.status,
    error: { type: rejection.errorType, message: rejection.message.slice(0, MAX_MESSAGE) },
    document_id: rejection.id,
    index: rejection.index,
  };
  const source = pickSource(options.source);
  if (source !== undefined) doc.source = source;
  if (options.rawHeaders !== undefined) doc.raw_headers = options.rawHeaders;
  if (options.documentJson !== undefined) doc.document = options.documentJson;
  return doc;
}

/** A message whose parsing threw (a bug: parsing is built never to throw); kept with its raw headers. */
export interface ParseFailure {
  headerBytes: Uint8Array;
  source: OriginInfo;
  error: unknown;
}

const MAX_RAW_HEADER_BYTES = 256 * 1024;

/** `parse-<document id>`: a retried batch creates the same dead letter, not a second one. */
export function parseFailureId(headerBytes: Uint8Array): string {
  return `parse-${documentId(headerBytes)}`;
}

export function buildParseFailureLetter(failure: ParseFailure, now: Date): DeadLetterDocument {
  const err = failure.error;
  const type = err instanceof Error ? err.name : typeof err;
  const message = (err instanceof Error ? err.message : String(err)).slice(0, MAX_MESSAGE);
  const raw = failure.headerBytes;
  const doc: DeadLetterDocument = {
    '@timestamp': now.toISOString(),
    stage: 'parsing',
    reason: `parse failed: ${message}`.slice(0, MAX_REASON),
    status: 0,
    error: { type, message },
    document_id: documentId(raw),
    index: '',
    raw_headers: Buffer.from(raw.buffer, raw.byteOffset, Math.min(raw.byteLength, MAX_RAW_HEADER_BYTES)).toString('latin1'),
  };
  const source = pickSource(failure.source);
  if (source !== undefined) doc.source = source;
  return doc;
}

/** The reason and full message of a bulk item error (`{ type, reason, caused_by: {…} }`). */
export function describeItemError(error: unknown): { errorType: string; reason: string; message: string } {
  const e = asRecord(error);
  const errorType = typeof e?.['type'] === 'string' ? e['type'] : 'unknown';
  const reason = typeof e?.['reason'] === 'string' ? e['reason'] : errorType;
  const parts = [`${errorType}: ${reason}`];
  let cause = asRecord(e?.['caused_by']);
  for (let depth = 0; cause !== undefined && depth < 5; depth++) {
    parts.push(`caused by ${String(cause['type'])}: ${String(cause['reason'])}`);
    cause = asRecord(cause['caused_by']);
  }
  return { errorType, reason, message: parts.join('; ') };
}

const SOURCE_STRINGS = ['kind', 'account', 'mailbox', 'path'] as const;
const SOURCE_NUMBERS = ['uidvalidity', 'uid'] as const;

/** Copy only well-typed OriginInfo fields: a malformed source must not get the dead letter rejected too. */
function pickSource(value: unknown): Partial<OriginInfo> | undefined {
  const s = asRecord(value);
  if (s === undefined) return undefined;
  const out: Record<string, unknown> = {};
  for (const key of SOURCE_STRINGS) if (typeof s[key] === 'string') out[key] = s[key];
  for (const key of SOURCE_NUMBERS) if (Number.isSafeInteger(s[key])) out[key] = s[key];
  return Object.keys(out).length > 0 ? (out as Partial<OriginInfo>) : undefined;
}

function asRecord(value: unknown): Record<string, unknown> | undefined {
  return typeof value === 'object' && value !== null && !Array.isArray(value) ? (value as Record<string, unknown>) : undefined;
}
