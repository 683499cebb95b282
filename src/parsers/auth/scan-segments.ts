// Splits a structured header value on `;` the way RFC 8601 / RFC 7208 mean it: `;` inside a CFWS comment
// (`dkim=pass (1024-bit key; unprotected)`) or inside a quoted string does not split. One linear pass with
// a paren-depth counter — no regular expressions, so no input can make it backtrack.
import { BACKSLASH, CLOSE, OPEN, QUOTE } from '../../headers/char-codes.js';

export interface Segment {
  /** Segment with comments replaced by one space (quoted strings kept, quotes included). */
  readonly text: string;
  /** Top-level comments of this segment, outer parentheses removed. */
  readonly comments: readonly string[];
  /** The segment as written, trimmed. */
  readonly raw: string;
}

export interface ScanResult {
  readonly segments: Segment[];
  /** A comment or quoted string was still open at the end of the value. */
  readonly unbalanced: boolean;
  /** Input or segment count was capped. */
  readonly truncated: boolean;
}

export const MAX_SCAN_CHARS = 65_536;
const MAX_SEGMENTS = 64;
const MAX_COMMENT_CHARS = 1_024;


function appendCapped(comment: string, piece: string): string {
  const room = MAX_COMMENT_CHARS - comment.length;
  if (room <= 0 || piece === '') return comment;
  return comment + (piece.length > room ? piece.slice(0, room) : piece);
}

/**
 * Copies runs of ordinary characters with one slice each (not character by character): the scan is
 * on the hot path of every message carrying Authentication-Results.
 */
export function scanSegments(value: string, separator = ';'): ScanResult {
  const truncatedInput = value.length > MAX_SCAN_CHARS;
  const input = truncatedInput ? value.slice(0, MAX_SCAN_CHARS) : value;
  const n = input.length;
  const sep = separator.charCodeAt(0);
  const segments: Segment[] = [];
  let text = '';
  let comment = '';
  let comments: string[] = [];
  let start = 0; // first char of the current segment
  let run = 0; // first char not yet copied into text (or comment, inside one)
  let depth = 0;
  let inQuote = false;

  const flush = (end: number): void => {
    const raw = input.slice(start, end).trim();
    const trimmed = text.trim();
    if (raw !== '' || trimmed !== '') segments.push({ text: trimmed, comments, raw });
    text = '';
    comments = [];
  };

  for (let i = 0; i < n; i++) {
    const c = input.charCodeAt(i);
    if (depth > 0) {
      if (c === BACKSLASH && i + 1 < n) {
        // quoted-pair inside a comment: the backslash is dropped, the next character kept
        comment = appendCapped(appendCapped(comment, input.slice(run, i)), input.charAt(i + 1));
        i++;
        run = i + 1;
      } else if (c === OPEN) {
        depth++;
      } else if (c === CLOSE) {
        depth--;
        if (depth === 0) {
          comment = appendCapped(comment, input.slice(run, i));
          comments.push(comment.trim());
          comment = '';
          text += ' ';
          run = i + 1;
        }
      }
      continue;
    }
    if (c === BACKSLASH && i + 1 < n) {
      i++; // quoted-pair outside comments: both characters stay in the text
      continue;
    }
    if (inQuote) {
      if (c === QUOTE) inQuote = false;
      continue;
    }
    if (c === QUOTE) {
      inQuote = true;
    } else if (c === OPEN) {
      text += input.slice(run, i);
      depth = 1;
      run = i + 1;
    } else if (c === CLOSE) {
      text += input.slice(run, i) + ' '; // stray closer: dropped
      run = i + 1;
    } else if (c === sep) {
      text += input.slice(run, i);
      flush(i);
      start = i + 1;
      run = i + 1;
      if (segments.length >= MAX_SEGMENTS) return { segments, unbalanced: false, truncated: true };
    }
  }
  const unbalanced = depth > 0 || inQuote;
  if (depth > 0) {
    comment = appendCapped(comment, input.slice(run, n));
    if (comment.trim() !== '') comments.push(comment.trim());
  } else {
    text += input.slice(run, n);
  }
  flush(n);
  return { segments, unbalanced, truncated: truncatedInput };
}
