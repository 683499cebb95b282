import type { Buffer } from 'node:buffer';

export interface HeaderBounds {
  /** End of the header section: after the newline of its last line, before the empty line. */
  headerEnd: number;
  /** First byte of the body (after the empty line); `end` when there is none. */
  bodyStart: number;
}

const LF_LF = Uint8Array.of(10, 10);
const LF_CRLF = Uint8Array.of(10, 13, 10);
const CR_CR = Uint8Array.of(13, 13);

/**
 * Finds the empty line that ends a header section in buf[start, end) with native substring
 * searches (LF LF, LF CRLF; CR CR only when the section has no LF at all).
 * No empty line → the whole range is header and there is no body.
 */
export function findHeaderEnd(buf: Buffer, start = 0, end = buf.length): HeaderBounds {
  if (start >= end) return { headerEnd: end, bodyStart: end };
  // A section that starts with an empty line has no headers.
  const b0 = buf[start];
  if (b0 === 10) return { headerEnd: start, bodyStart: start + 1 };
  if (b0 === 13) {
    if (start + 1 < end && buf[start + 1] === 10) return { headerEnd: start, bodyStart: start + 2 };
    return { headerEnd: start, bodyStart: start + 1 };
  }
  const view = end === buf.length ? buf : buf.subarray(0, end);
  // Search the likely terminator first (by the first line's ending), then the other one only before
  // it: a CRLF message is not scanned to the end of its body for an LF LF that is not there.
  const firstLf = view.indexOf(10, start);
  const crlf = firstLf > start && buf[firstLf - 1] === 13;
  let a: number;
  let b: number;
  if (crlf) {
    b = view.indexOf(LF_CRLF, start);
    a = (b === -1 ? view : view.subarray(0, b + 2)).indexOf(LF_LF, start);
  } else {
    a = view.indexOf(LF_LF, start);
    b = (a === -1 ? view : view.subarray(0, a + 3)).indexOf(LF_CRLF, start);
  }
  if (a !== -1 && (b === -1 || a <= b)) return { headerEnd: a + 1, bodyStart: a + 2 };
  if (b !== -1) return { headerEnd: b + 1, bodyStart: b + 3 };
  if (view.indexOf(10, start) === -1) {
    const c = view.indexOf(CR_CR, start);
    if (c !== -1) return { headerEnd: c + 1, bodyStart: c + 2 };
  }
  return { headerEnd: end, bodyStart: end };
}
