// Splits a structured header value on `;` the way RFC 8601 / RFC 7208 mean it: `;` inside a CFWS comment
// (`dkim=pass (1024-bit key; unprotected)`) or inside a quoted string does not split. One linear pass with
// a paren-depth counter — no regular expressions, so no input can make it backtrack.

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

export function scanSegments(value: string, separator = ';'): ScanResult {
  const truncatedInput = value.length > MAX_SCAN_CHARS;
  const input = truncatedInput ? value.slice(0, MAX_SCAN_CHARS) : value;
  const segments: Segment[] = [];
  let text = '';
  let comment = '';
  let comments: string[] = [];
  let start = 0;
  let depth = 0;
  let inQuote = false;
  let truncated = truncatedInput;

  const flush = (end: number): void => {
    const raw = input.slice(start, end).trim();
    const trimmed = text.trim();
    if (raw !== '' || trimmed !== '') segments.push({ text: trimmed, comments, raw });
    text = '';
    comments = [];
  };

  for (let i = 0; i < input.length; i++) {
    const ch = input[i] as string;
    if (ch === '\\' && i + 1 < input.length) {
      // quoted-pair: the next character is literal wherever it stands
      const next = input[i + 1] as string;
      if (depth > 0) {
        if (comment.length < MAX_COMMENT_CHARS) comment += next;
      } else {
        text += ch + next;
      }
      i++;
      continue;
    }
    if (depth > 0) {
      if (ch === '(') depth++;
      else if (ch === ')') depth--;
      if (depth === 0) {
        comments.push(comment.trim());
        comment = '';
        text += ' ';
      } else if (comment.length < MAX_COMMENT_CHARS) {
        comment += ch;
      }
      continue;
    }
    if (inQuote) {
      text += ch;
      if (ch === '"') inQuote = false;
      continue;
    }
    if (ch === '"') {
      inQuote = true;
      text += ch;
    } else if (ch === '(') {
      depth = 1;
    } else if (ch === ')') {
      text += ' '; // stray closer: drop it
    } else if (ch === separator) {
      flush(i);
      start = i + 1;
      if (segments.length >= MAX_SEGMENTS) {
        truncated = true;
        return { segments, unbalanced: false, truncated };
      }
    } else {
      text += ch;
    }
  }
  const unbalanced = depth > 0 || inQuote;
  if (depth > 0 && comment.trim() !== '') comments.push(comment.trim());
  flush(input.length);
  return { segments, unbalanced, truncated };
}
