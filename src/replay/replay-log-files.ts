// `mailverdict replay --log`: gateway log files (plain or gzip) or stdin onto the queue as log batches, the way
// `listen` sends live lines, each line with its file path and byte offset. The workers index them; the _id of a
// log event is the hash of its sending host and event text, so replaying the same file again (or a file holding
// lines already received live) adds nothing.
import type { Queue } from 'bullmq';
import { encodeLogLine } from '../queue/log-batch.js';
import { LogEnqueuer } from '../syslog/log-enqueuer.js';
import { openLogFile, splitLogLines } from '../syslog/read-log-lines.js';

export const LOG_STDIN_ARG = '-';

export interface ReplayLogOptions {
  batchMaxLines: number;
  batchMaxBytes: number;
  maxQueuedBatches: number;
  stdin?: () => AsyncIterable<Uint8Array>;
  onLines?: (lines: number) => void;
  onFileError?: (path: string, message: string) => void;
}

export interface ReplayLogResult {
  lines: number;
  failures: number;
  /** Lines that could not be queued when closing (queue unreachable). */
  notQueued: number;
}

export async function replayLogFiles(paths: readonly string[], queue: Queue, options: ReplayLogOptions): Promise<ReplayLogResult> {
  const enqueuer = new LogEnqueuer(queue, {
    batchMaxLines: options.batchMaxLines, batchMaxBytes: options.batchMaxBytes, flushMs: 200,
    maxQueuedBatches: options.maxQueuedBatches, maxBufferedLines: options.batchMaxLines * 4,
    maxBufferedBytes: options.batchMaxBytes * 4,
  });
  let lines = 0;
  let failures = 0;
  // A file is read only as fast as the queue takes it: wait for room instead of dropping.
  const room = (): Promise<void> => new Promise((resolve) => { const off = enqueuer.onResume(() => { off(); resolve(); }); });
  for (const path of paths) {
    try {
      const stream = path === LOG_STDIN_ARG ? (options.stdin?.() ?? (() => { throw new Error('stdin is not available'); })()) : await openLogFile(path);
      const name = path === LOG_STDIN_ARG ? '<stdin>' : path;
      for await (const line of splitLogLines(stream)) {
        const queued = { raw: encodeLogLine(line.raw), receivedAt: new Date().toISOString(), file: { path: name, offset: line.offset } };
        while (!enqueuer.offer(queued)) await room();
        lines++;
        options.onLines?.(lines);
      }
    } catch (error) {
      failures++;
      options.onFileError?.(path, (error as NodeJS.ErrnoException).code === 'ENOENT' ? 'no such file' : (error as Error).message);
    }
  }
  const notQueued = await enqueuer.close(60_000);
  return { lines, failures, notQueued };
}
