// Reads messages from files (.eml, directories, mbox, Maildir) and hands them on in batches bounded by
// count and bytes, reporting progress and per-file problems; where they go (queue or Elasticsearch) is the
// target's business. Memory stays bounded by one batch.
import { stat } from 'node:fs/promises';
import { listMessageFiles, readMessagesFromPath, type FileReadError } from '../files/read-messages.js';

export interface ReplayMessage {
  path: string;
  /** n-th message of its file (mbox), 0 otherwise. */
  index: number;
  raw: Uint8Array;
}

export interface ReplayTarget {
  send(batch: readonly ReplayMessage[]): Promise<void>;
}

export interface ReplayOptions {
  target: ReplayTarget;
  batchMaxMessages: number;
  batchMaxBytes: number;
  maxMessageBytes?: number;
  /** Messages read so far and bytes of them (for the progress against `totalBytes`). */
  onProgress?: (messages: number, bytes: number) => Promise<void> | void;
  onError?: (error: FileReadError) => Promise<void> | void;
  /** When it aborts, reading stops after the message in hand (the result says `stopped`). */
  signal?: AbortSignal;
}

export interface ReplayReadResult {
  messages: number;
  bytes: number;
  errors: number;
  batches: number;
  /** The signal ended the reading before every path was read. */
  stopped: boolean;
}

export async function replayPaths(paths: readonly string[], options: ReplayOptions): Promise<ReplayReadResult> {
  const result: ReplayReadResult = { messages: 0, bytes: 0, errors: 0, batches: 0, stopped: false };
  let batch: ReplayMessage[] = [];
  let batchBytes = 0;
  const flush = async (): Promise<void> => {
    if (batch.length === 0) return;
    const out = batch;
    batch = [];
    batchBytes = 0;
    await options.target.send(out);
    result.batches++;
  };
  reading: for (const path of paths) {
    const read = options.maxMessageBytes === undefined ? readMessagesFromPath(path) : readMessagesFromPath(path, { maxMessageBytes: options.maxMessageBytes });
    for await (const record of read) {
      if (options.signal?.aborted === true) {
        result.stopped = true;
        break reading;
      }
      if (record.kind === 'error') {
        result.errors++;
        await options.onError?.(record);
        continue;
      }
      if (batch.length > 0 && batchBytes + record.raw.byteLength > options.batchMaxBytes) await flush();
      batch.push({ path: record.path, index: record.index, raw: record.raw });
      batchBytes += record.raw.byteLength;
      result.messages++;
      result.bytes += record.raw.byteLength;
      if (batch.length >= options.batchMaxMessages) await flush();
      await options.onProgress?.(result.messages, result.bytes);
    }
  }
  await flush();
  return result;
}

/** Bytes under the given paths (message files of directories, Maildirs), for progress; unreadable = 0. */
export async function totalBytes(paths: readonly string[]): Promise<number> {
  let total = 0;
  for (const path of paths) {
    try {
      const s = await stat(path);
      if (!s.isDirectory()) {
        total += s.size;
        continue;
      }
      for (const file of (await listMessageFiles(path)).files) total += (await stat(file).catch(() => ({ size: 0 }))).size;
    } catch {
      // Reported as an error record when it is read.
    }
  }
  return total;
}
