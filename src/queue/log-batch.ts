// What travels on the queue for gateway logs: batches of raw lines exactly as received (base64: a line may be
// any bytes), with where each came from. Workers parse them (parsing happens once, in
// the worker, with the same code as `parse --log`).
import { createHash } from 'node:crypto';

export const LOG_BATCH_JOB = 'log-batch';

export interface QueuedLogLine {
  /** base64 of the raw frame or file line, without its line break */
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
  enqueuedAt?: string;
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
