// IMail test arguments: a parenthesised, comma-separated tuple, `(v6net,514313bf02441ffa,65.77.130.111)`.
// The last field may itself hold commas (a phrase, a reason), so splitting stops at `maxFields`.
// Plain index scanning: no regular expressions over the value.

export interface Tuple {
  readonly fields: string[];
  /** `(` without a closing `)`, or the reverse. */
  readonly unbalanced: boolean;
  /** The value carried no parentheses at all. */
  readonly bare: boolean;
}

const MAX_VALUE_CHARS = 4_096;

export function splitTuple(value: string, maxFields: number): Tuple {
  const text = (value.length > MAX_VALUE_CHARS ? value.slice(0, MAX_VALUE_CHARS) : value).trim();
  if (text === '') return { fields: [], unbalanced: false, bare: true };
  const open = text.indexOf('(');
  const close = text.lastIndexOf(')');
  let inner: string;
  let unbalanced = false;
  let bare = false;
  if (open >= 0 && close > open) inner = text.slice(open + 1, close);
  else if (open >= 0) {
    inner = text.slice(open + 1);
    unbalanced = true;
  } else if (close >= 0) {
    inner = text.slice(0, close);
    unbalanced = true;
  } else {
    inner = text;
    bare = true;
  }
  const fields: string[] = [];
  let from = 0;
  const limit = Math.max(1, maxFields);
  while (fields.length < limit - 1) {
    const comma = inner.indexOf(',', from);
    if (comma < 0) break;
    fields.push(inner.slice(from, comma).trim());
    from = comma + 1;
  }
  fields.push(inner.slice(from).trim());
  if (fields.length === 1 && fields[0] === '') fields.length = 0;
  return { fields, unbalanced, bare };
}

/** IMail's queue/message id: 8–9 (any up to 20) decimal digits, or 16 hex digits. */
export function isImailMessageId(field: string): boolean {
  const n = field.length;
  if (n === 0 || n > 20) return false;
  let decimal = true;
  let hex = true;
  for (let i = 0; i < n; i++) {
    const c = field.charCodeAt(i);
    const digit = c >= 48 && c <= 57;
    const hexLetter = (c >= 97 && c <= 102) || (c >= 65 && c <= 70);
    if (!digit) decimal = false;
    if (!digit && !hexLetter) hex = false;
  }
  return decimal || (hex && n === 16);
}
