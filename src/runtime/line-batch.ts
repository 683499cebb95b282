// Lines gathered for one flush: `mailverdict parse` writes a whole chunk's documents at once. A sink that takes
// bytes gets them encoded straight into small pools (one native copy per line), handed over pool by pool:
// turning one big joined string into bytes costs several times more, one write per line costs a system call
// each, and a pool far larger than 64 KiB is fresh memory every time (mmap'd by malloc: page faults, cache misses).
import { Buffer } from 'node:buffer';
import type { TextSink } from './text-sink.js';

/** Bytes per pool (below malloc's 128 KiB mmap threshold, so pools reuse warm memory); a longer line gets its own. */
const POOL_BYTES = 64 * 1024;
/** UTF-8 needs at most 3 bytes per UTF-16 code unit (a surrogate pair: 4 bytes for 2 units). */
const MAX_BYTES_PER_UNIT = 3;
const LF = 0x0a;

export class LineBatch {
  private text = '';
  private pool: Buffer | undefined;
  /** The pending bytes of the current pool are pool[start, end); bytes before start were handed over. */
  private start = 0;
  private end = 0;
  /** Filled pools' pending bytes, in order, waiting for flush(). */
  private ready: Buffer[] = [];

  constructor(private readonly sink: TextSink) {}

  /** Adds `line` and a newline. */
  add(line: string): void {
    if (this.sink.writeBytes === undefined) {
      this.text += `${line}\n`;
      return;
    }
    const need = line.length * MAX_BYTES_PER_UNIT + 1;
    let pool = this.pool;
    if (pool === undefined || pool.length - this.end < need) pool = this.nextPool(need);
    this.end += pool.write(line, this.end, 'utf8');
    pool[this.end++] = LF;
  }

  /** Writes what was added since the last flush (nothing when nothing was). */
  async flush(): Promise<void> {
    const writeBytes = this.sink.writeBytes?.bind(this.sink);
    if (writeBytes === undefined) {
      if (this.text === '') return;
      const text = this.text;
      this.text = '';
      await this.sink.write(text);
      return;
    }
    this.takePending();
    const ready = this.ready;
    this.ready = [];
    for (const bytes of ready) await writeBytes(bytes);
  }

  /** The current pool's pending bytes join `ready`; the sink may hold them until written, so they are never reused. */
  private takePending(): void {
    if (this.pool === undefined || this.end === this.start) return;
    this.ready.push(this.pool.subarray(this.start, this.end));
    this.start = this.end;
  }

  private nextPool(need: number): Buffer {
    this.takePending();
    const pool = Buffer.allocUnsafe(Math.max(POOL_BYTES, need));
    this.pool = pool;
    this.start = 0;
    this.end = 0;
    return pool;
  }
}
