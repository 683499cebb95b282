// Index names. Messages go to `<prefix>-YYYY.MM` by the UTC month of their own `@timestamp`, so a message read
// twice (IMAP, mbox, after UIDVALIDITY changed) always lands in the same index and create-only writes dedupe it.

/** Where messages go whose `@timestamp` cannot name a month; deterministic, so re-delivery still dedupes. */
export const UNDATED_SUFFIX = 'undated';

// The messages template matches `<prefix>-2*`: a year outside 2000–2999 would create an index no template covers.
const MIN_YEAR = 2000;
const MAX_YEAR = 2999;

// 2024-05-01T10:00:00Z, 2024-05-01T10:00:00.123+02:00 (what toISOString and ES `strict_date_optional_time` agree on).
const ISO_TIMESTAMP = /^\d{4}-\d{2}-\d{2}T\d{2}:\d{2}(?::\d{2}(?:\.\d{1,9})?)?(?:Z|[+-]\d{2}:\d{2})$/;

export interface IndexTarget {
  index: string;
  /** Set when the fallback index was chosen: the warning to add to the document. */
  warning?: string;
}

export function monthlyIndexName(prefix: string, year: number, month: number): string {
  return `${prefix}-${String(year).padStart(4, '0')}.${String(month).padStart(2, '0')}`;
}

export const undatedIndexName = (prefix: string): string => `${prefix}-${UNDATED_SUFFIX}`;
export const deadLetterIndexName = (prefix: string): string => `${prefix}-deadletter`;
export const alertsIndexName = (prefix: string): string => `${prefix}-alerts`;

/** The index for a document's `@timestamp`, with a warning when it had to fall back. Never throws. */
export function indexTarget(timestamp: unknown, prefix: string): IndexTarget {
  if (typeof timestamp !== 'string' || timestamp.length === 0) {
    return { index: undatedIndexName(prefix), warning: 'index_fallback:missing_timestamp' };
  }
  const ms = ISO_TIMESTAMP.test(timestamp) ? Date.parse(timestamp) : Number.NaN;
  if (!Number.isFinite(ms)) {
    return { index: undatedIndexName(prefix), warning: `index_fallback:bad_timestamp:${timestamp.slice(0, 80)}` };
  }
  const date = new Date(ms);
  const year = date.getUTCFullYear();
  if (year < MIN_YEAR || year > MAX_YEAR) {
    return { index: undatedIndexName(prefix), warning: `index_fallback:year_out_of_range:${year}` };
  }
  return { index: monthlyIndexName(prefix, year, date.getUTCMonth() + 1) };
}

/** `<prefix>-YYYY.MM` of the UTC month of `timestamp`, or `<prefix>-undated` when it names no usable month. */
export function indexFor(timestamp: unknown, prefix: string): string {
  return indexTarget(timestamp, prefix).index;
}

/** `{ year, month }` when `name` is exactly `<prefix>-YYYY.MM` with a real month; anything else → undefined. */
export function parseMonthlyIndex(name: string, prefix: string): { year: number; month: number } | undefined {
  const head = `${prefix}-`;
  if (!name.startsWith(head)) return undefined;
  const rest = name.slice(head.length);
  if (rest.length !== 7 || rest[4] !== '.') return undefined;
  const yearText = rest.slice(0, 4);
  const monthText = rest.slice(5);
  if (!isDigits(yearText) || !isDigits(monthText)) return undefined;
  const year = Number(yearText);
  const month = Number(monthText);
  if (month < 1 || month > 12) return undefined;
  return { year, month };
}

/** Why `prefix` cannot be an index prefix, or undefined when it can (lowercase, no wildcards or separators). */
export function indexPrefixProblem(prefix: string): string | undefined {
  if (prefix.length === 0) return 'must not be empty';
  if (prefix.length > 100) return 'must be at most 100 characters';
  if (prefix !== prefix.toLowerCase()) return 'must be lowercase';
  if (prefix.startsWith('-') || prefix.startsWith('_') || prefix.startsWith('+') || prefix.startsWith('.')) {
    return 'must not start with -, _, + or .';
  }
  for (const ch of prefix) {
    if ('\\/*?"<>| ,#:'.includes(ch)) return `must not contain ${JSON.stringify(ch)}`;
  }
  return undefined;
}

function isDigits(text: string): boolean {
  for (const ch of text) if (ch < '0' || ch > '9') return false;
  return text.length > 0;
}
