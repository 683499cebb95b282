// Splits a byte stream into messages: an mbox (first line "From ") into one message per "From " line that starts
// a line after a blank line (mboxrd: ">From " lines lose one ">"), anything else into one message. Fed chunk by
// chunk so a multi-GB mbox never sits in memory: at most one message (capped) plus one chunk is held.
//   From MAILER-DAEMON Thu May  2 10:00:00 2024

const LF = 0x0a;
const CR = 0x0d;
const GT = 0x3e;
const FROM_ = Buffer.from('From ');
/** Bytes of a line needed to tell a separator, an escaped ">From " or a blank line; longer lines stream through. */
const CLASSIFY_BYTES = 1024;

export type SplitRecord =
  | { kind: 'message'; index: number; raw: Uint8Array }
  | { kind: 'error'; index: number; code: 'too_large' | 'empty'; message: string };

export class MessageSplitter {
  private mode: 'detect' | 'single' | 'mbox' = 'detect';
  private detectBuf: Buffer[] = [];
  private detectBytes = 0;
  private index = 0;
  private parts: Uint8Array[] = [];
  private bytes = 0;
  private overflow = false;
  private inMessage = false;
  /** A blank line is held back: before a separator it belongs to the mbox format, not to the message. */
  private heldBlank: Uint8Array | undefined;
  private prevBlank = true;
  private head: Buffer[] = [];
  private headBytes = 0;
  /** After the first CLASSIFY_BYTES of a long line: where the rest of that line goes. */
  private rest: 'none' | 'content' | 'drop' = 'none';
  private out: SplitRecord[] = [];

  constructor(private readonly maxMessageBytes: number) {}

  /** True once a single-message input is over the cap: the caller may stop reading. */
  get done(): boolean {
    return this.mode === 'single' && this.overflow;
  }

  push(chunk: Uint8Array): SplitRecord[] {
    if (this.mode === 'detect') {
      this.detectBuf.push(Buffer.from(chunk.buffer, chunk.byteOffset, chunk.byteLength));
      this.detectBytes += chunk.byteLength;
      if (this.detectBytes < FROM_.length) return [];
      this.decide();
      return this.drain();
    }
    this.feed(Buffer.from(chunk.buffer, chunk.byteOffset, chunk.byteLength));
    return this.drain();
  }

  end(): SplitRecord[] {
    if (this.mode === 'detect') this.decide();
    if (this.mode === 'mbox') {
      if (this.headBytes > 0) this.classify(true);
      this.heldBlank = undefined;
    }
    this.finish();
    return this.drain();
  }

  private decide(): void {
    const first = Buffer.concat(this.detectBuf);
    this.detectBuf = [];
    this.mode = first.subarray(0, FROM_.length).equals(FROM_) ? 'mbox' : 'single';
    if (this.mode === 'single') this.inMessage = true;
    if (first.length > 0) this.feed(first);
  }

  private drain(): SplitRecord[] {
    const out = this.out;
    this.out = [];
    return out;
  }

  private feed(chunk: Buffer): void {
    if (this.mode === 'single') {
      this.append(chunk);
      return;
    }
    // Whole short lines of this chunk are classified in place and gathered into one run of bytes
    // [runStart, runEnd), appended at once when something breaks it: one slice per run, not per line.
    // A blank line held back inside the chunk sits at [runEnd, blankEnd) (blankEnd > runEnd only then).
    const n = chunk.length;
    let runStart = 0;
    let runEnd = 0;
    let blankEnd = 0;
    let pos = 0;
    while (pos < n) {
      const lf = chunk.indexOf(LF, pos);
      const lineEnd = lf < 0 ? n : lf + 1;
      if (lf >= 0 && lineEnd - pos <= CLASSIFY_BYTES && this.rest === 'none' && this.headBytes === 0) {
        const len = lineEnd - pos;
        if (this.prevBlank && len >= FROM_.length && isFromLine(chunk, pos)) {
          // A separator: the run so far ends the message; a blank line held before it is dropped.
          this.appendRun(chunk, runStart, runEnd);
          this.heldBlank = undefined;
          this.finish();
          this.inMessage = true;
          this.prevBlank = false;
          runStart = runEnd = blankEnd = lineEnd;
          pos = lineEnd;
          continue;
        }
        if (this.heldBlank !== undefined) {
          // Held from the previous chunk: the run is still empty here, so order is kept.
          this.append(this.heldBlank);
          this.heldBlank = undefined;
        }
        const blank = len === 1 || (len === 2 && chunk[pos] === CR);
        this.prevBlank = blank;
        if (blankEnd > runEnd) runEnd = blankEnd; // the held blank line was not before a separator
        if (blank) {
          blankEnd = lineEnd;
        } else if (chunk[pos] === GT && isEscapedFrom(chunk, pos, lineEnd)) {
          this.appendRun(chunk, runStart, runEnd);
          runStart = pos + 1;
          runEnd = blankEnd = lineEnd;
        } else {
          runEnd = blankEnd = lineEnd;
        }
        pos = lineEnd;
        continue;
      }
      // Any other line goes through classify(): first hand over what the fast path holds.
      this.settleRun(chunk, runStart, runEnd, blankEnd);
      runStart = runEnd = blankEnd = lineEnd;
      if (this.rest !== 'none') {
        if (this.rest === 'content') this.append(chunk.subarray(pos, lineEnd));
        if (lf >= 0) {
          this.rest = 'none';
          this.prevBlank = false;
        }
        pos = lineEnd;
        continue;
      }
      const take = Math.min(lineEnd, pos + (CLASSIFY_BYTES - this.headBytes));
      this.head.push(chunk.subarray(pos, take));
      this.headBytes += take - pos;
      pos = take;
      runStart = runEnd = blankEnd = take;
      const complete = chunk[take - 1] === LF;
      if (complete || this.headBytes >= CLASSIFY_BYTES) this.classify(complete);
    }
    this.settleRun(chunk, runStart, runEnd, blankEnd);
  }

  private appendRun(chunk: Buffer, start: number, end: number): void {
    if (end > start) this.append(chunk.subarray(start, end));
  }

  /** Appends the fast path's run and turns a blank line it holds into `heldBlank`, as classify() keeps it. */
  private settleRun(chunk: Buffer, runStart: number, runEnd: number, blankEnd: number): void {
    this.appendRun(chunk, runStart, runEnd);
    if (blankEnd > runEnd) this.heldBlank = Buffer.from(chunk.subarray(runEnd, blankEnd));
  }

  /** Decides what the line in `head` is; `complete` = its newline is in `head` too. */
  private classify(complete: boolean): void {
    const line = this.head.length === 1 ? (this.head[0] as Buffer) : Buffer.concat(this.head);
    this.head = [];
    this.headBytes = 0;
    const blank = complete && (line.length === 1 || (line.length === 2 && line[0] === CR));
    if (this.prevBlank && line.subarray(0, FROM_.length).equals(FROM_)) {
      this.heldBlank = undefined;
      this.finish();
      this.inMessage = true;
      this.prevBlank = false;
      if (!complete) this.rest = 'drop';
      return;
    }
    if (this.heldBlank !== undefined) {
      this.append(this.heldBlank);
      this.heldBlank = undefined;
    }
    this.prevBlank = blank;
    if (blank) {
      this.heldBlank = Buffer.from(line);
      return;
    }
    let start = 0;
    if (line[0] === GT) {
      let i = 0;
      while (i < line.length && line[i] === GT) i++;
      if (line.subarray(i, i + FROM_.length).equals(FROM_)) start = 1;
    }
    this.append(line.subarray(start));
    if (!complete) this.rest = 'content';
  }

  private append(bytes: Uint8Array): void {
    if (!this.inMessage || this.overflow || bytes.length === 0) return;
    if (this.bytes + bytes.length > this.maxMessageBytes) {
      this.overflow = true;
      this.parts = [];
      return;
    }
    this.parts.push(bytes);
    this.bytes += bytes.length;
  }

  private finish(): void {
    if (!this.inMessage) return;
    const index = this.index++;
    if (this.overflow) {
      this.out.push({ kind: 'error', index, code: 'too_large', message: `message is larger than the ${formatBytes(this.maxMessageBytes)} limit; skipped` });
    } else if (this.bytes === 0) {
      this.out.push({ kind: 'error', index, code: 'empty', message: 'message is empty; skipped' });
    } else {
      this.out.push({ kind: 'message', index, raw: Buffer.concat(this.parts, this.bytes) });
    }
    this.parts = [];
    this.bytes = 0;
    this.overflow = false;
    this.inMessage = false;
  }
}

/** buf[pos…] starts with "From ". */
function isFromLine(buf: Buffer, pos: number): boolean {
  return buf[pos] === 0x46 && buf[pos + 1] === 0x72 && buf[pos + 2] === 0x6f && buf[pos + 3] === 0x6d && buf[pos + 4] === 0x20;
}

/** buf[pos, end) is ">…>From …" (mboxrd escaping: one ">" comes off). */
function isEscapedFrom(buf: Buffer, pos: number, end: number): boolean {
  let i = pos;
  while (i < end && buf[i] === GT) i++;
  return end - i >= FROM_.length && isFromLine(buf, i);
}

export function formatBytes(n: number): string {
  if (n >= 1024 * 1024 && n % (1024 * 1024) === 0) return `${n / (1024 * 1024)} MiB`;
  if (n >= 1024 && n % 1024 === 0) return `${n / 1024} KiB`;
  return `${n} bytes`;
}
