// Tokenises one comment-free segment into `key=value` pairs and bare words, in order.
// `key = value` with spaces around `=` is accepted (RFC 8601 allows CFWS there); quoted values are unquoted.
import { BACKSLASH, EQUALS, QUOTE } from '../../headers/char-codes.js';

export type Token = { readonly key: string; readonly value: string } | { readonly key?: undefined; readonly value: string };

const MAX_TOKENS = 64;
const MAX_VALUE_CHARS = 1_024;

function isSpace(c: number): boolean {
  return c === 32 || c === 9 || c === 13 || c === 10;
}


function skipSpace(text: string, i: number): number {
  const n = text.length;
  while (i < n && isSpace(text.charCodeAt(i))) i++;
  return i;
}

/** End of the word starting at i (whitespace, and `=` when asked, ends it). */
function wordEnd(text: string, i: number, stopAtEquals: boolean): number {
  const n = text.length;
  for (; i < n; i++) {
    const c = text.charCodeAt(i);
    if (isSpace(c) || (stopAtEquals && c === EQUALS)) break;
  }
  return i;
}

/** Quoted string at text[i] === '"' → its unescaped content (capped) and the index after it. */
function readQuoted(text: string, i: number): [string, number] {
  const n = text.length;
  i++; // opening quote
  const close = text.indexOf('"', i);
  const escape = text.indexOf('\\', i);
  if (escape === -1 || (close !== -1 && escape > close)) {
    const end = close === -1 ? n : close;
    return [text.slice(i, Math.min(end, i + MAX_VALUE_CHARS)), end + 1];
  }
  let out = '';
  while (i < n && text.charCodeAt(i) !== QUOTE) {
    if (text.charCodeAt(i) === BACKSLASH && i + 1 < n) i++;
    if (out.length < MAX_VALUE_CHARS) out += text.charAt(i);
    i++;
  }
  return [out, i + 1]; // after the closing quote (or past the end)
}

/** One pass with index helpers (no per-call closures: this runs for every resinfo of every message). */
export function tokenizePairs(text: string): Token[] {
  const tokens: Token[] = [];
  const n = text.length;
  let i = 0;
  while (i < n && tokens.length < MAX_TOKENS) {
    i = skipSpace(text, i);
    if (i >= n) break;
    const c = text.charCodeAt(i);
    if (c === QUOTE) {
      const [value, next] = readQuoted(text, i);
      tokens.push({ value });
      i = next;
      continue;
    }
    if (c === EQUALS) {
      // `=value` with no key: keep the value as a bare word
      i = skipSpace(text, i + 1);
      if (text.charCodeAt(i) === QUOTE) {
        const [value, next] = readQuoted(text, i);
        tokens.push({ value });
        i = next;
      } else {
        const end = wordEnd(text, i, false);
        tokens.push({ value: text.slice(i, Math.min(end, i + MAX_VALUE_CHARS)) });
        i = end;
      }
      continue;
    }
    const end = wordEnd(text, i, true);
    const word = text.slice(i, Math.min(end, i + MAX_VALUE_CHARS));
    i = end;
    const j = skipSpace(text, i);
    if (text.charCodeAt(j) === EQUALS) {
      i = skipSpace(text, j + 1);
      let value: string;
      if (text.charCodeAt(i) === QUOTE) {
        const [quoted, next] = readQuoted(text, i);
        value = quoted;
        i = next;
      } else {
        const vend = wordEnd(text, i, false);
        value = text.slice(i, Math.min(vend, i + MAX_VALUE_CHARS));
        i = vend;
      }
      tokens.push({ key: word, value });
    } else {
      tokens.push({ value: word });
    }
  }
  return tokens;
}
