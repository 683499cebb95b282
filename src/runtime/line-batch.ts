// Lines gathered for one write: `mailverdict parse` writes a whole chunk's documents at once. A sink that takes
// bytes gets them encoded straight into a shared pool (one native copy per line); turning one big joined string
// into bytes costs several times more, and one write per line costs a system call each.
import { Buffer } from 'node:buffer';
import type { TextSink } from './text-sink.js';

/** Bytes per pool; a line longer than that gets a pool of its own size. */
const POOL_BYTES = 1024 * 1024;
/** UTF-8 needs at most 3 bytes per UTF-16 code unit (a surrogate pair: 4 bytes for 2 units). */
const MAX_BYTES_PER_UNIT = 3;
const LF = 0x0a;

export class LineBatch {
  private text = '';
  private pool: Buffer | undefined;
  /** The pending bytes are pool[start, end); bytes before start belong to earlier writes. */
  private start = 0;
  private end = 0;

  constructor(private readonly sink: TextSink) {}

  /** Adds `line` and a newline. */
  add(line: string): void {
    if (this.sink.writeBytes === undefined) {
      this.text += `${line}\n`;
      return;
    }
    const need = line.length * MAX_BYTES_PER_UNIT + 1;
    let pool = this.pool;
    if (pool === undefined || pool.length - this.end < need) pool = this.newPool(need);
    this.end += pool.write(line, this.end, 'utf8');
    pool[this.end++] = LF;
  }

  /** Writes what was added since the last flush (nothing when nothing was). */
  flush(): void | Promise<void> {
    if (this.sink.writeBytes === undefined) {
      if (this.text === '') return undefined;
      const text = this.text;
      this.text = '';
      return this.sink.write(text);
    }
    if (this.pool === undefined || this.end === this.start) return undefined;
    const bytes = this.pool.subarray(this.start, this.end);
    // The sink may hold `bytes` until written: later lines go after them, never over them.
    this.start = this.end;
    return this.sink.writeBytes(bytes);
  }

  /** A fresh pool with the pending bytes moved to its start; the old one stays with what was written. */
  private newPool(need: number): Buffer {
    const pending = this.end - this.start;
    const pool = Buffer.allocUnsafe(Math.max(POOL_BYTES, pending + need));
    if (this.pool !== undefined && pending > 0) this.pool.copy(pool, 0, this.start, this.end);
    this.pool = pool;
    this.start = 0;
    this.end = pending;
    return pool;
  }
}
