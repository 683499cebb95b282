// X-TM-AS-Result / X-TMASE-Result (docs/gateways.md §5.11, §8.10): `-` separates fields AND is the minus sign, so a
// negative score shows as `--`. Tokenised by hand (no backtracking regex):
//   Yes-5.339-5.0-31-1     No--24.777400-5.000000-31     No-10--8.713600-8.000000     : Yes--19.362400-0-31-1

export interface TmResult {
  flag?: string;
  leading?: number;
  score?: number;
  threshold?: number;
  category?: number;
  trendType?: number;
}

const MAX_FIELDS = 8;

function isNumber(text: string): boolean {
  if (text === '' || text.length > 32) return false;
  let dot = false;
  let digits = 0;
  for (let i = text[0] === '-' ? 1 : 0; i < text.length; i++) {
    const ch = text[i] as string;
    if (ch >= '0' && ch <= '9') digits++;
    else if (ch === '.' && !dot) dot = true;
    else return false;
  }
  return digits > 0;
}

/** Splits on `-`; an empty piece means the next number is negative. Undefined when a piece is not a number. */
export function splitSigned(text: string): string[] | undefined {
  const pieces = text.split('-', MAX_FIELDS * 2 + 2);
  const out: string[] = [];
  let negative = false;
  for (const piece of pieces) {
    if (piece === '') {
      if (negative) return undefined; // `---`
      negative = true;
      continue;
    }
    const n = negative ? `-${piece}` : piece;
    negative = false;
    if (!isNumber(n)) return undefined;
    out.push(n);
    if (out.length > MAX_FIELDS) return undefined;
  }
  return negative ? undefined : out;
}

/** `[<Yes|No>-]<fields…>`; the SMEX-14 form has an extra leading integer field before score and threshold. */
export function parseTmResult(raw: string, withFlag: boolean): TmResult | undefined {
  let text = raw.trim();
  if (text.startsWith(':')) text = text.slice(1).trim(); // ISVW writes a stray `: `
  const out: TmResult = {};
  if (withFlag) {
    const dash = text.indexOf('-');
    if (dash <= 0) return undefined;
    out.flag = text.slice(0, dash);
    text = text.slice(dash + 1);
  }
  const fields = splitSigned(text);
  if (fields === undefined || fields.length < 2) return undefined;
  const nums = fields.map(Number);
  // Leading-field form: integer, then two decimals (`10--8.713600-8.000000`).
  const leading = fields.length >= 3 && !(fields[0] as string).includes('.') && (fields[1] as string).includes('.') && (fields[2] as string).includes('.');
  const at = leading ? 1 : 0;
  if (leading) out.leading = nums[0] as number;
  out.score = nums[at] as number;
  if (nums[at + 1] !== undefined) out.threshold = nums[at + 1] as number;
  if (nums[at + 2] !== undefined) out.category = nums[at + 2] as number;
  if (nums[at + 3] !== undefined) out.trendType = nums[at + 3] as number;
  return out;
}
