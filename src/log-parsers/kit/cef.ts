// ArcSight Common Event Format (CEF:0): `CEF:Version|Vendor|Product|Version|Class|Name|Severity|Extension`.
// Header fields escape `|` and `\` with a backslash; the extension is `key=value` pairs separated by spaces,
// where a value runs until the next ` key=` and escapes `=`, `\`, and line breaks (`\n`, `\r`).

/** Extensions longer than this are cut (with `truncated` set): a hostile 1 MB line stays cheap. */
const MAX_EXTENSION_CHARS = 256 * 1024;
const MAX_PAIRS = 512;

export interface CefEvent {
  version: string;
  vendor: string;
  product: string;
  productVersion: string;
  eventClass: string;
  name: string;
  severity: string;
  /** Extension keys as written (case kept: CEF keys are case-sensitive); first value wins. */
  extension: Map<string, string>;
  /** The extension text as received (for reassembly of multi-part events). */
  rawExtension: string;
  /** Problems met: missing header fields, cut extension. */
  problems: string[];
}

/** Where `CEF:` starts in a syslog message, or -1. */
export function findCef(message: string): number {
  if (message.startsWith('CEF:')) return 0;
  const at = message.indexOf('CEF:');
  return at > 0 && at < 256 ? at : -1;
}

/** Parses `CEF:…` (the text from `CEF:` on). Never throws; a truncated header gives problems and empty fields. */
export function parseCef(text: string): CefEvent {
  const problems: string[] = [];
  const header: string[] = [];
  let field = '';
  let i = 4; // after "CEF:"
  for (; i < text.length && header.length < 7; i++) {
    const ch = text[i] as string;
    if (ch === '\\' && i + 1 < text.length && (text[i + 1] === '|' || text[i + 1] === '\\')) {
      field += text[i + 1];
      i++;
    } else if (ch === '|') {
      header.push(field);
      field = '';
    } else {
      field += ch;
    }
  }
  if (header.length < 7) {
    problems.push('cef_header_truncated');
    header.push(field);
    while (header.length < 7) header.push('');
    i = text.length;
  }
  let rawExtension = text.slice(i);
  if (rawExtension.length > MAX_EXTENSION_CHARS) {
    rawExtension = rawExtension.slice(0, MAX_EXTENSION_CHARS);
    problems.push('cef_extension_truncated');
  }
  const [version, vendor, product, productVersion, eventClass, name, severity] = header as [string, string, string, string, string, string, string];
  return {
    version, vendor, product, productVersion, eventClass, name, severity,
    extension: parseCefExtension(rawExtension),
    rawExtension,
    problems,
  };
}

function isKeyChar(code: number): boolean {
  return (code >= 48 && code <= 57) || (code >= 65 && code <= 90) || (code >= 97 && code <= 122) || code === 95 || code === 46 || code === 45;
}

/** Start of the key in ` key=` at or after `from`, or -1: keys are [A-Za-z0-9_.-]+ preceded by a space. */
function nextKeyStart(text: string, from: number): { start: number; eq: number } | undefined {
  let i = from;
  while (i < text.length) {
    const space = text.indexOf(' ', i);
    if (space < 0) return undefined;
    let j = space + 1;
    while (j < text.length && text[j] === ' ') j++;
    let k = j;
    while (k < text.length && isKeyChar(text.charCodeAt(k))) k++;
    if (k > j && text[k] === '=' && text[j - 1] !== '\\') return { start: j, eq: k };
    i = space + 1;
  }
  return undefined;
}

function unescapeValue(raw: string): string {
  if (!raw.includes('\\')) return raw;
  let out = '';
  for (let i = 0; i < raw.length; i++) {
    const ch = raw[i] as string;
    if (ch === '\\' && i + 1 < raw.length) {
      const next = raw[i + 1] as string;
      if (next === 'n') out += '\n';
      else if (next === 'r') out += '\r';
      else out += next;
      i++;
    } else {
      out += ch;
    }
  }
  return out;
}

/** `a=1 b=two words c=x\=y` → Map{a:'1', b:'two words', c:'x=y'}; quoted values lose their quotes. */
export function parseCefExtension(text: string): Map<string, string> {
  const out = new Map<string, string>();
  let i = 0;
  while (i < text.length && text[i] === ' ') i++;
  let k = i;
  while (k < text.length && isKeyChar(text.charCodeAt(k))) k++;
  if (k === i || text[k] !== '=') {
    const first = nextKeyStart(text, i);
    if (first === undefined) return out;
    i = first.start;
    k = first.eq;
  }
  while (out.size < MAX_PAIRS) {
    const key = text.slice(i, k);
    const next = nextKeyStart(text, k + 1);
    const end = next === undefined ? text.length : next.start;
    let value = text.slice(k + 1, end).trimEnd();
    if (value.length >= 2 && value.startsWith('"') && value.endsWith('"')) value = value.slice(1, -1);
    if (!out.has(key)) out.set(key, unescapeValue(value));
    if (next === undefined) break;
    i = next.start;
    k = next.eq;
  }
  return out;
}

/** Value of a custom field by its label (`cs1Label=MessageId cs1=…`), case-insensitive on the label. */
export function labelled(ext: ReadonlyMap<string, string>, label: string): string | undefined {
  const wanted = label.toLowerCase();
  for (const [key, value] of ext) {
    if (!key.endsWith('Label') || value.toLowerCase() !== wanted) continue;
    const field = ext.get(key.slice(0, -'Label'.length));
    if (field !== undefined) return field;
  }
  return undefined;
}
