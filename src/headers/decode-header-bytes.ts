import { Buffer, isAscii, isUtf8 } from 'node:buffer';

/** A Buffer view on the same memory (no copy). */
export function asBuffer(bytes: Uint8Array): Buffer {
  return Buffer.isBuffer(bytes) ? bytes : Buffer.from(bytes.buffer, bytes.byteOffset, bytes.byteLength);
}

/**
 * Header bytes → text. ASCII (the common case) with the cheapest native decode; UTF-8 when the bytes
 * are valid UTF-8;
 * otherwise line by line, so one line of raw 8-bit latin1 does not garble its valid UTF-8 neighbours.
 * LF never occurs inside a UTF-8 sequence, so splitting on it is safe.
 */
export function decodeHeaderBytes(bytes: Uint8Array): string {
  const buf = asBuffer(bytes);
  if (isAscii(buf)) return buf.toString('latin1'); // same text as utf8 for ASCII, about twice as fast
  if (isUtf8(buf)) return buf.toString('utf8');
  const pieces: string[] = [];
  const len = buf.length;
  let i = 0;
  while (i < len) {
    const nl = buf.indexOf(10, i);
    const end = nl === -1 ? len : nl + 1;
    const line = buf.subarray(i, end);
    pieces.push(isUtf8(line) ? line.toString('utf8') : line.toString('latin1'));
    i = end;
  }
  return pieces.join('');
}
