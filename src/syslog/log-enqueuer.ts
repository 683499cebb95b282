// Collects received log lines into batches bounded by count and bytes and puts them on
// the BullMQ queue. Backpressure: while the queue holds maxQueuedBatches or more unfinished jobs (waiting,
// active, or delayed for a retry) nothing is added; received lines then wait in a bounded buffer, and once that is full `offer` says no — TCP
// connections pause reading, UDP datagrams are counted as dropped (the caller decides; nothing is silent).
import type { Queue } from 'bullmq';
import { batchJobOptions } from '../queue/job-options.js';
import { LOG_BATCH_JOB, LOG_LINE_ENCODING, logBatchJobId, queuedLineBytes, type LogBatchJob, type QueuedLogLine } from '../queue/log-batch.js';

export interface LogEnqueuerOptions {
  batchMaxLines: number;
  batchMaxBytes: number;
  /** A partial batch is sent after this long. */
  flushMs: number;
  /** No batch is added while this many jobs are unfinished in the queue. */
  maxQueuedBatches: number;
  /** Lines held in memory (not yet on the queue) before `offer` refuses more. */
  maxBufferedLines: number;
  maxBufferedBytes: number;
  /** How often a full queue is checked again. */
  pollMs?: number;
  onEnqueued?: (lines: number) => void;
  onError?: (error: unknown) => void;
}

export class LogEnqueuer {
  private pending: QueuedLogLine[] = [];
  private pendingBytes = 0;
  private readonly resumeListeners = new Set<() => void>();
  private wake: (() => void) | undefined;
  private closing = false;
  private abandoned = false;
  private readonly loop: Promise<void>;
  private timer: NodeJS.Timeout | undefined;
  /** True while the queue was found full at the last check. */
  queueFull = false;
  enqueuedLines = 0;

  constructor(private readonly queue: Queue, private readonly options: LogEnqueuerOptions) {
    this.loop = this.run();
  }

  /** True when the buffer cannot take more lines now. */
  get full(): boolean {
    return this.pending.length >= this.options.maxBufferedLines || this.pendingBytes >= this.options.maxBufferedBytes;
  }

  get buffered(): number {
    return this.pending.length;
  }

  /** Takes one line; false (line not taken) when the buffer is full or the enqueuer is closing. */
  offer(line: QueuedLogLine): boolean {
    if (this.closing || this.full) return false;
    this.pending.push(line);
    this.pendingBytes += queuedLineBytes(line);
    if (this.pending.length >= this.options.batchMaxLines || this.pendingBytes >= this.options.batchMaxBytes) this.kick();
    else this.timer ??= setTimeout(() => { this.timer = undefined; this.kick(); }, this.options.flushMs);
    return true;
  }

  /** Called once each time the buffer has room again after being full. */
  onResume(listener: () => void): () => void {
    this.resumeListeners.add(listener);
    return () => this.resumeListeners.delete(listener);
  }

  /**
   * Sends what is buffered (waiting for queue room if needed) and stops. After `timeoutMs` (Redis away, queue
   * full) it gives up: resolves to the number of lines that could not be queued, for the caller to report.
   */
  async close(timeoutMs = 30_000): Promise<number> {
    this.closing = true;
    this.kick();
    let timer: NodeJS.Timeout | undefined;
    const gaveUp = await Promise.race([
      this.loop.then(() => false),
      new Promise<boolean>((resolve) => { timer = setTimeout(() => resolve(true), timeoutMs); }),
    ]);
    clearTimeout(timer);
    if (this.timer !== undefined) clearTimeout(this.timer);
    if (!gaveUp) return 0;
    this.abandoned = true;
    this.kick();
    const lost = this.pending.length;
    this.pending = [];
    this.pendingBytes = 0;
    return lost;
  }

  private kick(): void {
    const wake = this.wake;
    this.wake = undefined;
    wake?.();
  }

  private takeBatch(): QueuedLogLine[] {
    let bytes = 0;
    let n = 0;
    while (n < this.pending.length && n < this.options.batchMaxLines) {
      const b = queuedLineBytes(this.pending[n] as QueuedLogLine);
      if (n > 0 && bytes + b > this.options.batchMaxBytes) break;
      bytes += b;
      n++;
    }
    const batch = this.pending.splice(0, n);
    this.pendingBytes -= bytes;
    return batch;
  }

  private async run(): Promise<void> {
    for (;;) {
      if (this.abandoned) return;
      const ready = this.pending.length >= this.options.batchMaxLines || this.pendingBytes >= this.options.batchMaxBytes
        || (this.pending.length > 0 && (this.timer === undefined || this.closing));
      if (!ready) {
        if (this.closing && this.pending.length === 0) return;
        await new Promise<void>((resolve) => { this.wake = resolve; });
        continue;
      }
      try {
        // Every batch not yet done counts: a batch failing while Elasticsearch is away moves between active
        // and delayed (waiting for its retry), and the backlog is all of them.
        this.queueFull = (await this.queue.getJobCountByTypes('waiting', 'delayed', 'prioritized', 'active')) >= this.options.maxQueuedBatches;
        if (this.queueFull) {
          await sleep(this.options.pollMs ?? 200);
          continue;
        }
        const wasFull = this.full;
        const lines = this.takeBatch();
        const job: LogBatchJob = { kind: 'log', lines, encoding: LOG_LINE_ENCODING, enqueuedAt: new Date().toISOString() };
        try {
          await this.queue.add(LOG_BATCH_JOB, job, batchJobOptions(logBatchJobId(job)));
        } catch (error) {
          // Put the batch back in front: it is retried, never lost.
          this.pending.unshift(...lines);
          for (const l of lines) this.pendingBytes += queuedLineBytes(l);
          throw error;
        }
        this.enqueuedLines += lines.length;
        this.options.onEnqueued?.(lines.length);
        if (wasFull && !this.full) for (const listener of [...this.resumeListeners]) listener();
      } catch (error) {
        this.options.onError?.(error);
        await sleep(this.options.pollMs ?? 200);
      }
    }
  }
}

function sleep(ms: number): Promise<void> {
  return new Promise((resolve) => setTimeout(resolve, ms));
}
