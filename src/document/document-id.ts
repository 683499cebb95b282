import { Buffer } from 'node:buffer';
import { createHash } from 'node:crypto';

/**
 * The deterministic `_id`: sha256 (hex) of the header section with CRLF and bare CR turned into LF
 * and trailing line breaks dropped, so the same message read from a file (section without the empty
 * line) or from IMAP BODY[HEADER] (section with it) gets the same id.
 */
export function documentId(headerBytes: Uint8Array | string): string {
  let buf = typeof headerBytes === 'string'
    ? Buffer.from(headerBytes, 'utf8')
    : Buffer.from(headerBytes.buffer, headerBytes.byteOffset, headerBytes.byteLength);
  if (buf.indexOf(13) !== -1) buf = normalizeLineEnds(buf);
  let end = buf.length;
  while (end > 0 && buf[end - 1] === 10) end--;
  return createHash('sha256').update(buf.subarray(0, end)).digest('hex');
}

function normalizeLineEnds(src: Buffer): Buffer {
  const out = Buffer.allocUnsafe(src.length);
  let o = 0;
  const n = src.length;
  for (let i = 0; i < n; i++) {
    const c = src[i] as number;
    if (c === 13) {
      out[o++] = 10;
      if (i + 1 < n && src[i + 1] === 10) i++;
    } else {
      out[o++] = c;
    }
  }
  return out.subarray(0, o);
}
