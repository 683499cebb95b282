// What travels on the queue: batches of fetched header blocks, never whole messages (docs/principles.md 5).
import { createHash } from 'node:crypto';

/**
 * How header bytes are written as JSON strings on a job. `latin1`: one character per byte (U+0000–U+00FF),
 * which JSON carries almost unchanged for the mostly-ASCII bytes of a header block — about a quarter smaller
 * than base64, and cheaper to encode, to move through Redis and to decode. `base64`: what collectors wrote
 * before `headerEncoding` existed; a job without the field is base64 and is still read.
 */
export type HeaderEncoding = 'latin1' | 'base64';

/** What the collector and replay write now. */
export const HEADER_ENCODING: HeaderEncoding = 'latin1';

/** One message as the collector fetched it: header block and MIME part headers, as strings for JSON. */
export interface FetchedMessage {
  uid: number;
  internalDate?: string;
  size?: number;
  /** The raw header block (BODY[HEADER]), in the job's `headerEncoding`. */
  headers: string;
  /** MIME part headers (BODY[n.MIME]) of multipart messages, IMAP part paths; same encoding. */
  parts: { path: string; headers: string }[];
  /** Replay only, for a message without header fields: its `_id`, the hash of the whole file message. */
  headerlessId?: string;
}

/**
 * A batch of consecutive messages of one mailbox. The batch covers the UID interval
 * (`fromUid`, last message's uid]: every message of the mailbox in that interval is in it, which is
 * what lets the watermark advance over gaps left by expunged UIDs.
 */
export interface MessageBatchJob {
  account: string;
  mailbox: string;
  uidvalidity: number;
  /** Exclusive lower end of the UID interval this batch covers (the previous batch's last UID). */
  fromUid?: number;
  messages: FetchedMessage[];
  /** How `headers` strings are encoded; absent: base64 (jobs of older collectors). */
  headerEncoding?: HeaderEncoding;
  /** When the collector enqueued it (ISO), for end-to-end lag. */
  enqueuedAt?: string;
  /** Set by `mailverdict replay`: the file each message came from (same order); no mailbox, no watermark. */
  files?: string[];
  /**
   * The gateway whose quarantine the mailbox is (config `gateway:`, `replay --gateway`). Optional: jobs queued by
   * an older collector have none and parse as before.
   */
  gateway?: { id: string; hostname?: string };
}

/** Header bytes as a job string (HEADER_ENCODING). */
export function encodeHeaderBytes(bytes: Uint8Array): string {
  return Buffer.from(bytes.buffer, bytes.byteOffset, bytes.byteLength).toString(HEADER_ENCODING);
}

/** The header bytes of a job string; `encoding` is the job's `headerEncoding` (absent: base64). */
export function decodeHeaderBytes(text: string, encoding: HeaderEncoding | undefined): Buffer {
  return Buffer.from(text, encoding === 'latin1' ? 'latin1' : 'base64');
}

/** The UID interval (lo, hi] a batch covers. */
export function batchInterval(job: MessageBatchJob): { lo: number; hi: number } {
  let hi = 0;
  let min = Number.POSITIVE_INFINITY;
  for (const m of job.messages) {
    if (m.uid > hi) hi = m.uid;
    if (m.uid < min) min = m.uid;
  }
  const lo = job.fromUid ?? (Number.isFinite(min) ? min - 1 : 0);
  return { lo: Math.min(lo, hi), hi };
}

/**
 * Deterministic job id: the same batch enqueued twice (collector restart, overlapping reads) is one
 * job while it is in the queue. BullMQ forbids ':' in custom ids, and account/mailbox names may hold
 * anything, so they are hashed.
 */
export function batchJobId(job: Pick<MessageBatchJob, 'account' | 'mailbox' | 'uidvalidity' | 'messages'>): string {
  let first = Number.POSITIVE_INFINITY;
  let last = 0;
  for (const m of job.messages) {
    if (m.uid < first) first = m.uid;
    if (m.uid > last) last = m.uid;
  }
  if (!Number.isFinite(first)) first = 0;
  // JSON keeps the fields apart whatever characters the names contain.
  const who = createHash('sha256')
    .update(JSON.stringify([job.account, job.mailbox, job.uidvalidity]))
    .digest('hex')
    .slice(0, 24);
  return `mb-${who}-${job.uidvalidity}-${first}-${last}`;
}

/**
 * Bytes a message adds to a job's JSON, roughly: the encoded header strings plus a little structure (a latin1
 * string grows a little in JSON — CR/LF escaped, bytes ≥ 0x80 as two UTF-8 bytes — which the limits absorb).
 */
export function fetchedMessageBytes(m: FetchedMessage): number {
  let bytes = 80 + m.headers.length + (m.internalDate?.length ?? 0);
  for (const p of m.parts) bytes += 24 + p.path.length + p.headers.length;
  return bytes;
}
