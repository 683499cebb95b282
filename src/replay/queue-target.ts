// Replay through the queue: each batch becomes a MessageBatchJob like the collector's (header block and MIME
// part headers, as the collector encodes them), so the ordinary workers parse and index it and scaling works the same. Files have
// no mailbox: jobs name the pseudo account "replay" and a per-run mailbox, with UIDs numbering the messages
// of the run; no watermark exists for it, so a worker's watermark report for such a job changes nothing.
// `files` names each message's file (a worker that knows it records source.kind "file" and the path).
import { randomBytes } from 'node:crypto';
import type { Queue } from 'bullmq';
import { isBlankHeaderSection, rawMessageId } from '../document/document-id.js';
import { readMessage } from '../headers/read-message.js';
import { batchJobOptions } from '../queue/job-options.js';
import { batchJobId, encodeHeaderBytes, HEADER_ENCODING, type FetchedMessage, type MessageBatchJob } from '../queue/message-batch.js';
import { MESSAGE_BATCH_JOB } from '../queue/queue-names.js';
import type { ReplayMessage, ReplayTarget } from './replay-files.js';
import { sleepUnlessStopped } from './replay-stopped.js';

export const REPLAY_ACCOUNT = 'replay';

export interface ReplayBatchJob extends MessageBatchJob {
  /** The file of each message, same order as `messages`. */
  files: string[];
}

export interface QueueTargetOptions {
  /** Wait while more jobs than this are waiting (the collectors' backpressure). */
  maxWaitingJobs: number;
  pollMs?: number;
  runId?: string;
  /** Ends the wait for queue room (ReplayStopped). */
  signal?: AbortSignal;
  /** `replay --gateway`: travels on each job like a mailbox's configured gateway. */
  gateway?: { id: string };
}

export class QueueTarget implements ReplayTarget {
  readonly runId: string;
  readonly jobIds: string[] = [];
  private nextUid = 1;

  constructor(private readonly queue: Queue, private readonly options: QueueTargetOptions) {
    this.runId = options.runId ?? `run-${new Date().toISOString().replace(/[-:.]/g, '').slice(0, 15)}-${randomBytes(4).toString('hex')}`;
  }

  async send(batch: readonly ReplayMessage[]): Promise<void> {
    const fromUid = this.nextUid - 1;
    const messages: FetchedMessage[] = batch.map((m) => toFetched(m, this.nextUid++));
    const job: ReplayBatchJob = {
      account: REPLAY_ACCOUNT,
      mailbox: this.runId,
      uidvalidity: 0,
      fromUid,
      messages,
      headerEncoding: HEADER_ENCODING,
      enqueuedAt: new Date().toISOString(),
      files: batch.map((m) => m.path),
    };
    if (this.options.gateway !== undefined) job.gateway = this.options.gateway;
    while ((await this.queue.getWaitingCount()) > this.options.maxWaitingJobs) await sleepUnlessStopped(this.options.pollMs ?? 200, this.options.signal);
    const id = batchJobId(job);
    await this.queue.add(MESSAGE_BATCH_JOB, job, batchJobOptions(id));
    this.jobIds.push(id);
  }

  /** Jobs of this run not yet processed (completed jobs leave Redis). */
  async pending(): Promise<number> {
    let n = 0;
    for (const id of this.jobIds) {
      const state = await this.queue.getJobState(id);
      if (state !== 'unknown' && state !== 'completed') n++;
    }
    return n;
  }
}

/** What the collector would have fetched for this message: BODY[HEADER] and each part's MIME header (HEADER_ENCODING). */
export function toFetched(m: ReplayMessage, uid: number): FetchedMessage {
  const { headerBytes, block } = readMessage(m.raw);
  // Part headers are rebuilt from the parsed fields (the reader keeps no raw part bytes); the parsers read
  // names and values, so the rebuilt section gives the same document.
  const parts = block.parts.map((p) => ({
    path: p.path,
    headers: encodeHeaderBytes(Buffer.from(p.fields.map((f) => `${f.originalKey}: ${f.value}\r\n`).join(''), 'utf8')),
  }));
  const fetched: FetchedMessage = {
    uid,
    size: m.raw.byteLength,
    headers: encodeHeaderBytes(headerBytes),
    parts,
  };
  // The worker sees header bytes only: the id of a header-less message travels with it (same as --direct).
  if (isBlankHeaderSection(headerBytes)) fetched.headerlessId = rawMessageId(m.raw);
  return fetched;
}
