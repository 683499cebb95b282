// Multi-part events held in memory until all their parts arrived: for `parse --log` and replays of one file,
// where every part is in the same stream. (The worker keeps parts in Redis instead: they may arrive in
// different batches.) Bounded: at most MAX_PENDING incomplete events; the oldest is given up when full.
import { parseLogParts, type LogInput, type LogResult } from './parse-log.js';

const MAX_PENDING = 10_000;

interface Pending {
  family: string;
  total: number;
  parts: Map<number, LogInput>;
}

export class MemoryPartAssembler {
  private readonly pending = new Map<string, Pending>();
  /** Incomplete events given up because too many were pending. */
  dropped = 0;

  /** Feeds one result; returns the result to emit (parts give nothing until their event is complete). */
  add(result: LogResult, input: LogInput): LogResult | undefined {
    if (result.type !== 'part') return result;
    let entry = this.pending.get(result.key);
    if (entry === undefined) {
      if (this.pending.size >= MAX_PENDING) {
        const oldest = this.pending.keys().next().value as string;
        this.pending.delete(oldest);
        this.dropped++;
      }
      entry = { family: result.family, total: result.total, parts: new Map() };
      this.pending.set(result.key, entry);
    }
    entry.parts.set(result.part, input);
    if (entry.parts.size < entry.total) return undefined;
    this.pending.delete(result.key);
    return parseLogParts(entry.family, [...entry.parts].map(([part, i]) => ({ part, input: i })));
  }

  /** Events still missing parts (reported at the end of a stream, never silently forgotten). */
  get incomplete(): number {
    return this.pending.size;
  }
}
