// Tokenises one comment-free segment into `key=value` pairs and bare words, in order.
// `key = value` with spaces around `=` is accepted (RFC 8601 allows CFWS there); quoted values are unquoted.

export type Token = { readonly key: string; readonly value: string } | { readonly key?: undefined; readonly value: string };

const MAX_TOKENS = 64;
const MAX_VALUE_CHARS = 1_024;

function isSpace(ch: string | undefined): boolean {
  return ch === ' ' || ch === '\t' || ch === '\r' || ch === '\n';
}

export function tokenizePairs(text: string): Token[] {
  const tokens: Token[] = [];
  const n = text.length;
  let i = 0;

  const skipSpace = (): void => {
    while (i < n && isSpace(text[i])) i++;
  };
  const readQuoted = (): string => {
    i++; // opening quote
    let out = '';
    while (i < n && text[i] !== '"') {
      if (text[i] === '\\' && i + 1 < n) i++;
      if (out.length < MAX_VALUE_CHARS) out += text[i];
      i++;
    }
    i++; // closing quote (or end)
    return out;
  };
  const readWord = (stopAtEquals: boolean): string => {
    const from = i;
    while (i < n && !isSpace(text[i]) && !(stopAtEquals && text[i] === '=')) i++;
    return text.slice(from, Math.min(i, from + MAX_VALUE_CHARS));
  };

  while (i < n && tokens.length < MAX_TOKENS) {
    skipSpace();
    if (i >= n) break;
    if (text[i] === '"') {
      tokens.push({ value: readQuoted() });
      continue;
    }
    if (text[i] === '=') {
      // `=value` with no key: keep the value as a bare word
      i++;
      skipSpace();
      tokens.push({ value: text[i] === '"' ? readQuoted() : readWord(false) });
      continue;
    }
    const word = readWord(true);
    let j = i;
    while (j < n && isSpace(text[j])) j++;
    if (text[j] === '=') {
      i = j + 1;
      skipSpace();
      const value = text[i] === '"' ? readQuoted() : readWord(false);
      tokens.push({ key: word, value });
    } else {
      tokens.push({ value: word });
    }
  }
  return tokens;
}
