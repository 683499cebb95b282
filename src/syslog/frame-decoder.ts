// Syslog over a byte stream (RFC 6587): each frame is either octet-counted (`<len> <frame>`, RFC 5425 / 6587
// 3.4.1) or ends with LF (non-transparent framing, 3.4.2; a trailing CR is dropped). The method is decided
// per frame by its first byte, as rsyslog does. A frame over maxFrameBytes is cut there and the rest of it
// skipped (`oversized` counts them): a sender without line breaks cannot grow memory.

export interface Frame {
  bytes: Buffer;
  /** The frame was longer than maxFrameBytes and was cut. */
  truncated: boolean;
}

const LF = 10;
const CR = 13;
const SPACE = 32;
/** Octet counts longer than this many digits are not octet counts (they would exceed any frame limit). */
const MAX_COUNT_DIGITS = 9;

export class FrameDecoder {
  private buffer: Buffer = Buffer.alloc(0);
  /** Bytes of an oversized octet-counted frame still to skip. */
  private skipBytes = 0;
  /** Skipping the rest of an oversized LF frame, until its LF. */
  private skipToLf = false;
  oversized = 0;

  constructor(private readonly maxFrameBytes: number) {}

  /** Feeds bytes; returns the frames they completed. */
  push(chunk: Buffer): Frame[] {
    const frames: Frame[] = [];
    let data = this.buffer.length === 0 ? chunk : Buffer.concat([this.buffer, chunk]);
    this.buffer = Buffer.alloc(0);
    for (;;) {
      if (this.skipBytes > 0) {
        const n = Math.min(this.skipBytes, data.length);
        this.skipBytes -= n;
        data = data.subarray(n);
        if (this.skipBytes > 0) return frames;
        continue;
      }
      if (this.skipToLf) {
        const lf = data.indexOf(LF);
        if (lf < 0) return frames;
        this.skipToLf = false;
        data = data.subarray(lf + 1);
        continue;
      }
      if (data.length === 0) return frames;
      const first = data[0] as number;
      if (first === LF || first === CR) {
        data = data.subarray(1);
        continue;
      }
      if (first >= 48 && first <= 57) {
        const space = data.subarray(0, MAX_COUNT_DIGITS + 1).indexOf(SPACE);
        const digits = space > 0 ? data.subarray(0, space) : undefined;
        if (digits !== undefined && /^[1-9]\d*$/.test(digits.toString('latin1'))) {
          const length = Number(digits.toString('latin1'));
          const start = space + 1;
          if (length > this.maxFrameBytes) {
            this.oversized++;
            const available = Math.min(data.length - start, length);
            frames.push({ bytes: Buffer.from(data.subarray(start, start + Math.min(available, this.maxFrameBytes))), truncated: true });
            this.skipBytes = length - available;
            data = data.subarray(start + available);
            // The kept head is what we could see now; the rest of the frame is skipped as it arrives.
            continue;
          }
          if (data.length - start < length) break;
          frames.push({ bytes: Buffer.from(data.subarray(start, start + length)), truncated: false });
          data = data.subarray(start + length);
          continue;
        }
        if (digits === undefined && data.length <= MAX_COUNT_DIGITS && /^\d+$/.test(data.toString('latin1'))) break; // count still arriving
      }
      const lf = data.indexOf(LF);
      if (lf < 0) {
        if (data.length > this.maxFrameBytes) {
          this.oversized++;
          frames.push({ bytes: Buffer.from(data.subarray(0, this.maxFrameBytes)), truncated: true });
          this.skipToLf = true;
          data = Buffer.alloc(0);
          continue;
        }
        break;
      }
      let end = lf;
      if (end > 0 && data[end - 1] === CR) end--;
      if (end > this.maxFrameBytes) {
        this.oversized++;
        frames.push({ bytes: Buffer.from(data.subarray(0, this.maxFrameBytes)), truncated: true });
      } else {
        frames.push({ bytes: Buffer.from(data.subarray(0, end)), truncated: false });
      }
      data = data.subarray(lf + 1);
    }
    this.buffer = Buffer.from(data);
    return frames;
  }

  /** The unterminated frame left when the connection closed (a sender may omit the last LF). */
  end(): Frame[] {
    const rest = this.buffer;
    this.buffer = Buffer.alloc(0);
    if (rest.length === 0 || this.skipBytes > 0 || this.skipToLf) return [];
    return [{ bytes: rest.subarray(0, this.maxFrameBytes), truncated: rest.length > this.maxFrameBytes }];
  }
}
