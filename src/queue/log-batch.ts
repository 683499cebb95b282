// What travels on the queue for gateway logs: batches of raw lines exactly as received (a line may be any
// bytes, so each is written one character per byte: see HeaderEncoding), with where each came from. Workers
// parse them (parsing happens once, in the worker, with the same code as `parse --log`).
import { createHash } from 'node:crypto';
import { decodeHeaderBytes, type HeaderEncoding } from './message-batch.js';

export const LOG_BATCH_JOB = 'log-batch';

export interface QueuedLogLine {
  /** The raw frame or file line, without its line break, in the job's `encoding`. */
  raw: string;
  /** Address of the sender (live input). */
  peer?: string;
  /** When it was received or read (ISO): event.created, and the reference for year-less dates. */
  receivedAt: string;
  file?: { path: string; offset: number };
}

export interface LogBatchJob {
  kind: 'log';
  lines: QueuedLogLine[];
  /** How `raw` strings are encoded; absent: base64 (jobs of older listeners). */
  encoding?: HeaderEncoding;
  enqueuedAt?: string;
}

/** What `listen` and `replay` write now: latin1, a quarter smaller than base64 and cheaper at both ends. */
export const LOG_LINE_ENCODING: HeaderEncoding = 'latin1';

/** A raw line as a job string (LOG_LINE_ENCODING). */
export function encodeLogLine(bytes: Uint8Array): string {
  return Buffer.from(bytes.buffer, bytes.byteOffset, bytes.byteLength).toString(LOG_LINE_ENCODING);
}

/** The bytes of a job's line; `encoding` is the job's (absent: base64). */
export function decodeLogLine(raw: string, encoding: HeaderEncoding | undefined): Buffer {
  return decodeHeaderBytes(raw, encoding);
}

/** Bytes a line adds to a job's JSON. */
export function queuedLineBytes(line: QueuedLogLine): number {
  return 64 + line.raw.length + (line.peer?.length ?? 0) + (line.file === undefined ? 0 : line.file.path.length + 24);
}

/**
 * Job id from the batch's content: the same batch enqueued twice (a retried add after a lost reply) is one
 * job while queued. Different batches never collide: receive times and offsets are part of the content.
 */
export function logBatchJobId(job: LogBatchJob): string {
  const hash = createHash('sha256');
  for (const line of job.lines) hash.update(`${line.receivedAt}\u0000${line.peer ?? ''}\u0000${line.file?.path ?? ''}\u0000${line.file?.offset ?? ''}\u0000${line.raw}\n`);
  return `log-${hash.digest('hex').slice(0, 40)}`;
}
