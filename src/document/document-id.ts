import { Buffer } from 'node:buffer';
import * as crypto from 'node:crypto';

/** One-shot sha256 (crypto.hash, Node ≥ 20.12) with a createHash fallback for older 20.x. */
const sha256Hex: (data: Uint8Array) => string = typeof crypto.hash === 'function'
  ? (data) => crypto.hash('sha256', data, 'hex')
  : (data) => crypto.createHash('sha256').update(data).digest('hex');

/** Reused for the CR-free copy; blocks above KEEP_SCRATCH_BYTES get their own buffer (not kept). */
const KEEP_SCRATCH_BYTES = 1024 * 1024;
let scratch = new Uint8Array(16 * 1024);

/**
 * The deterministic `_id`: sha256 (hex) of the header section with CRLF and bare CR turned into LF
 * and trailing line breaks dropped, so the same message read from a file (section without the empty
 * line) or from IMAP BODY[HEADER] (section with it) gets the same id.
 */
export function documentId(headerBytes: Uint8Array | string): string {
  const buf = typeof headerBytes === 'string'
    ? Buffer.from(headerBytes, 'utf8')
    : Buffer.from(headerBytes.buffer, headerBytes.byteOffset, headerBytes.byteLength);
  const firstCr = buf.indexOf(13);
  if (firstCr === -1) {
    let end = buf.length;
    while (end > 0 && buf[end - 1] === 10) end--;
    return sha256Hex(buf.subarray(0, end));
  }
  // CRLF → LF, lone CR → LF, in one pass over the bytes into a reused buffer (no strings, no garbage).
  const n = buf.length;
  let out = scratch;
  if (out.length < n) {
    out = new Uint8Array(n);
    if (n <= KEEP_SCRATCH_BYTES) scratch = out;
  }
  out.set(buf.subarray(0, firstCr));
  let o = firstCr;
  for (let i = firstCr; i < n; i++) {
    const b = buf[i] as number;
    if (b !== 13) out[o++] = b;
    else if (buf[i + 1] !== 10) out[o++] = 10;
  }
  while (o > 0 && out[o - 1] === 10) o--;
  return sha256Hex(out.subarray(0, o));
}
