// `key=value key2="quoted value"` as FortiMail and Sophos Firewall write it, and KSMG 2.1's standard format
// (`key="value": key2="value"`). One left-to-right pass; a quoted value may hold spaces, `=`, the separator,
// and `\"`. Bounded: hostile lines cost at most MAX_INPUT characters.

const MAX_INPUT = 256 * 1024;
const MAX_PAIRS = 512;

export interface QuotedPairs {
  /** Lowercased keys; first value wins. */
  values: Map<string, string>;
  /** Tokens that were not `key=value` (kept for warnings). */
  stray: string[];
  /** A quote was opened and never closed (a truncated line). */
  unterminated: boolean;
}

export function parseQuotedPairs(raw: string, separator = ' '): QuotedPairs {
  const text = raw.length > MAX_INPUT ? raw.slice(0, MAX_INPUT) : raw;
  const values = new Map<string, string>();
  const stray: string[] = [];
  let unterminated = false;
  let i = 0;
  const isSep = (ch: string | undefined): boolean => ch === ' ' || ch === '\t' || ch === separator;
  while (i < text.length && values.size < MAX_PAIRS) {
    while (i < text.length && isSep(text[i])) i++;
    if (i >= text.length) break;
    const start = i;
    while (i < text.length && text[i] !== '=' && !isSep(text[i])) i++;
    if (text[i] !== '=') {
      if (stray.length < 20) stray.push(text.slice(start, i).slice(0, 80));
      continue;
    }
    const key = text.slice(start, i).toLowerCase();
    i++;
    let value = '';
    if (text[i] === '"') {
      i++;
      let closed = false;
      while (i < text.length) {
        const ch = text[i] as string;
        if (ch === '\\' && (text[i + 1] === '"' || text[i + 1] === '\\')) {
          value += text[i + 1];
          i += 2;
          continue;
        }
        if (ch === '"') {
          closed = true;
          i++;
          break;
        }
        value += ch;
        i++;
      }
      if (!closed) unterminated = true;
    } else {
      const vs = i;
      while (i < text.length && !isSep(text[i])) i++;
      value = text.slice(vs, i);
    }
    if (key !== '' && !values.has(key)) values.set(key, value);
  }
  return { values, stray, unterminated };
}
