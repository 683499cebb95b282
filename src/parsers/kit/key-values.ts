// `key=value` scanning shared by SpamAssassin, Proofpoint, Barracuda and others: one left-to-right pass,
// whitespace (or a given separator) between pairs, a bracketed value (`tests=[A=1, B=2]`) kept whole.

const MAX_PAIRS = 128;
const MAX_INPUT = 16_384;

export interface KeyValue {
  key: string;
  value: string;
}

function isSpace(ch: string): boolean {
  return ch === ' ' || ch === '\t' || ch === '\r' || ch === '\n';
}

/**
 * Splits `a=1 b=[x, y] c=z` into pairs. `extraSeparators` (e.g. `,` or `;`) also end a pair outside brackets.
 * Tokens without `=` are returned with an empty key (the value holds the token). Bounded in input and pairs.
 */
export function scanKeyValues(raw: string, extraSeparators = ''): KeyValue[] {
  const text = raw.length > MAX_INPUT ? raw.slice(0, MAX_INPUT) : raw;
  const out: KeyValue[] = [];
  let i = 0;
  while (i < text.length && out.length < MAX_PAIRS) {
    while (i < text.length && (isSpace(text[i] as string) || extraSeparators.includes(text[i] as string))) i++;
    if (i >= text.length) break;
    const start = i;
    let eq = -1;
    let depth = 0;
    for (; i < text.length; i++) {
      const ch = text[i] as string;
      if (ch === '[') depth++;
      else if (ch === ']' && depth > 0) depth--;
      else if (depth === 0 && (isSpace(ch) || extraSeparators.includes(ch))) {
        // `tests=[` … `]` may contain spaces; a pair ends only outside brackets.
        break;
      } else if (ch === '=' && eq < 0 && depth === 0) eq = i;
    }
    const token = text.slice(start, i);
    if (eq < 0) out.push({ key: '', value: token });
    else out.push({ key: text.slice(start, eq).toLowerCase(), value: token.slice(eq - start + 1) });
  }
  return out;
}

/** First value per key (keys lowercased). */
export function keyValueMap(pairs: readonly KeyValue[]): Map<string, string> {
  const map = new Map<string, string>();
  for (const p of pairs) if (p.key !== '' && !map.has(p.key)) map.set(p.key, p.value);
  return map;
}

/** `A, B,C` → ['A','B','C'] (trimmed, empties dropped, bounded). */
export function splitList(raw: string, separator = ',', max = 200): string[] {
  const out: string[] = [];
  for (const part of raw.slice(0, MAX_INPUT).split(separator)) {
    const t = part.trim();
    if (t !== '' && !out.includes(t)) out.push(t);
    if (out.length >= max) break;
  }
  return out;
}
