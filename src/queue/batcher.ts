// Groups fetched messages into job-sized batches bounded by count and bytes (docs/principles.md 5).
import { fetchedMessageBytes, type FetchedMessage } from './message-batch.js';

export interface BatchLimits {
  batchMaxMessages: number;
  batchMaxBytes: number;
}

/**
 * Accumulates messages; `add` hands back every batch that is full. A single
 * message bigger than batchMaxBytes still travels, alone.
 */
export class Batcher {
  private current: FetchedMessage[] = [];
  private bytes = 0;
  private readonly maxMessages: number;
  private readonly maxBytes: number;

  constructor(limits: BatchLimits) {
    this.maxMessages = Math.max(1, Math.floor(limits.batchMaxMessages));
    this.maxBytes = Math.max(1, Math.floor(limits.batchMaxBytes));
  }

  get size(): number {
    return this.current.length;
  }

  /** Adds a message; returns the batches it completed (zero, one, or two when limits are tiny). */
  add(message: FetchedMessage): FetchedMessage[][] {
    const bytes = fetchedMessageBytes(message);
    const done: FetchedMessage[][] = [];
    if (this.current.length > 0 && this.bytes + bytes > this.maxBytes) done.push(this.flush());
    this.current.push(message);
    this.bytes += bytes;
    if (this.current.length >= this.maxMessages || this.bytes >= this.maxBytes) done.push(this.flush());
    return done;
  }

  /** The pending partial batch (possibly empty), leaving the batcher empty. */
  flush(): FetchedMessage[] {
    const out = this.current;
    this.current = [];
    this.bytes = 0;
    return out;
  }
}
