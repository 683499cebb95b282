// X-*-AntiSpam-Info criteria list (docs/gateways.md §1.2, §8.3). Top-level items are separated by ", " but
// braces may hold commas and the DNS classification list joins entries with ";" and inner commas:
//   LuaCore: 502 502 69dee8…, {rep_avail}, {Tracking_content_type, plain}, gmail.com:5.0.1,7.1.1; 127.0.0.199:7.1.2, FromAlignment: s
// One linear pass with a brace-depth counter; no regular expressions over the whole value.

export interface ClassificationEntry {
  host: string;
  codes: string[];
}

export interface AntiSpamInfo {
  /** Contents of `{…}` tags, e.g. `Tracking_content_type, plain`, `black address: 185.246.220.87`. */
  tags: string[];
  luaCore?: string;
  /** KSE item `Lua profiles 163644 [May 13 2021]` (database release, not a criterion). */
  luaProfiles?: string;
  classification: ClassificationEntry[];
  /** `Key: value` items (`FromAlignment: s`; KSE `Status: not_detected`, `Rate: 0`). */
  pairs: { key: string; value: string }[];
  /** Items that fit none of the above (kept as criteria). */
  other: string[];
  unbalanced: boolean;
  truncated: boolean;
}

const MAX_CHARS = 16_384;
const MAX_ITEMS = 256;
const MAX_ITEM_CHARS = 512;

/** Splits at ", " (comma + whitespace) outside braces. */
export function splitInfoItems(value: string): { items: string[]; unbalanced: boolean; truncated: boolean } {
  let truncated = value.length > MAX_CHARS;
  const text = truncated ? value.slice(0, MAX_CHARS) : value;
  const items: string[] = [];
  let depth = 0;
  let start = 0;
  for (let i = 0; i < text.length; i++) {
    const c = text.charCodeAt(i);
    if (c === 123 /* { */) depth++;
    else if (c === 125 /* } */) { if (depth > 0) depth--; }
    else if (c === 44 /* , */ && depth === 0) {
      const next = text.charCodeAt(i + 1);
      if (next === 32 || next === 9 || Number.isNaN(next)) {
        push(text.slice(start, i));
        start = i + 1;
        if (items.length >= MAX_ITEMS) { truncated = true; start = text.length; break; }
      }
    }
  }
  if (start < text.length) push(text.slice(start));
  return { items, unbalanced: depth !== 0, truncated };

  function push(raw: string): void {
    const item = raw.trim();
    if (item.length > 0) items.push(item.length > MAX_ITEM_CHARS ? item.slice(0, MAX_ITEM_CHARS) : item);
  }
}

function isCode(s: string): boolean {
  // `7.1.1`, `5.0.1`, `1`
  if (s.length === 0 || s.length > 20) return false;
  for (let i = 0; i < s.length; i++) {
    const c = s.charCodeAt(i);
    if (c !== 46 && (c < 48 || c > 57)) return false;
  }
  return true;
}

/** `gmail.com:5.0.1,7.1.1` → entry; undefined when the text is not `<host>:<code>[,<code>]`. */
function classificationEntry(text: string): ClassificationEntry | undefined {
  const colon = text.lastIndexOf(':');
  if (colon <= 0) return undefined;
  const host = text.slice(0, colon).trim();
  // `ApMailHostAddress: 100.64.160.123` is a Key: value item: codes follow the colon directly.
  const after = text.charCodeAt(colon + 1);
  if (after < 48 || after > 57 || Number.isNaN(after)) return undefined;
  if (!host.includes('.') || host.includes(' ') || host.includes('{') || host.includes('}')) return undefined;
  const codes = text.slice(colon + 1).split(',', 16).map((c) => c.trim()).filter((c) => c !== '');
  if (codes.length === 0 || !codes.every(isCode)) return undefined;
  return { host, codes };
}

function classificationList(item: string): ClassificationEntry[] | undefined {
  const entries: ClassificationEntry[] = [];
  for (const part of item.split(';', 64)) {
    const trimmed = part.trim();
    if (trimmed === '') continue;
    const entry = classificationEntry(trimmed);
    if (entry === undefined) return undefined;
    entries.push(entry);
  }
  return entries.length > 0 ? entries : undefined;
}

/** Item that begins with codes only (`7.1.1; 127.0.0.199:7.1.2`): the tail of a list cut at an inner ", ". */
function continuesClassification(item: string): boolean {
  const semi = item.indexOf(';');
  const head = (semi < 0 ? item : item.slice(0, semi)).trim();
  return isCode(head) && head.includes('.');
}

export function parseAntiSpamInfo(values: readonly string[]): AntiSpamInfo {
  const out: AntiSpamInfo = { tags: [], classification: [], pairs: [], other: [], unbalanced: false, truncated: false };
  let lastWasClassification = false;
  for (const value of values) {
    const split = splitInfoItems(value);
    out.unbalanced ||= split.unbalanced;
    out.truncated ||= split.truncated;
    for (const item of split.items) {
      if (lastWasClassification && continuesClassification(item)) {
        const last = out.classification[out.classification.length - 1];
        const semi = item.indexOf(';');
        const head = (semi < 0 ? item : item.slice(0, semi)).trim();
        last?.codes.push(head);
        const rest = semi < 0 ? undefined : classificationList(item.slice(semi + 1));
        if (rest) out.classification.push(...rest);
        continue;
      }
      lastWasClassification = false;
      if (item.charCodeAt(0) === 123 /* { */) {
        const closed = item.charCodeAt(item.length - 1) === 125;
        out.tags.push(item.slice(1, closed ? -1 : undefined).trim());
        continue;
      }
      if (item.toLowerCase().startsWith('luacore:')) {
        out.luaCore = item.slice('luacore:'.length).trim();
        continue;
      }
      if (item.toLowerCase().startsWith('lua profiles ')) {
        out.luaProfiles = item.slice('lua profiles '.length).trim();
        continue;
      }
      const list = classificationList(item);
      if (list) {
        out.classification.push(...list);
        lastWasClassification = true;
        continue;
      }
      const colon = item.indexOf(': ');
      if (colon > 0 && !item.slice(0, colon).includes('{')) {
        out.pairs.push({ key: item.slice(0, colon).trim(), value: item.slice(colon + 2).trim() });
        continue;
      }
      out.other.push(item);
    }
  }
  return out;
}
