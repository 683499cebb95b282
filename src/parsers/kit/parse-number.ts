// Strict decimal number parsing for vendor scores. Number() alone accepts `0x1f`, `1e9`, `Infinity` and
// blank strings; vendor scores are plain signed decimals, so anything else is "not a score".

const MAX_NUMBER_CHARS = 32;

/** `-2.6`, `+3`, `14.40`, `.5` → number; anything else (or longer than 32 chars) → undefined. */
export function parseDecimal(raw: string): number | undefined {
  const text = raw.trim();
  if (text === '' || text.length > MAX_NUMBER_CHARS) return undefined;
  let i = text[0] === '-' || text[0] === '+' ? 1 : 0;
  let digits = 0;
  let dot = false;
  for (; i < text.length; i++) {
    const ch = text[i] as string;
    if (ch >= '0' && ch <= '9') digits++;
    else if (ch === '.' && !dot) dot = true;
    else return undefined;
  }
  if (digits === 0) return undefined;
  const n = Number(text);
  return Number.isFinite(n) ? n : undefined;
}

/** Like parseDecimal but integers only. */
export function parseInteger(raw: string): number | undefined {
  const n = parseDecimal(raw);
  return n !== undefined && Number.isInteger(n) && !raw.includes('.') ? n : undefined;
}
