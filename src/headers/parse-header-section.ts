import { Buffer } from 'node:buffer';
import { decodeEncodedWords } from './decode-encoded-words.js';
import { asBuffer, decodeHeaderBytes } from './decode-header-bytes.js';
import type { HeaderLimits } from './limits.js';
import type { HeaderField } from './types.js';

/** Longest field name we look for a colon in; RFC 5322 names are short, a longer run is not a header. */
const MAX_NAME_CHARS = 256;
/** The one field whose value must stay literal (boundary and other parameters are not RFC 2047 text). */
const NO_DECODE = 'content-type';
/** Distinct field names remembered with their lowercase form; hostile input cannot grow it past this. */
const MAX_CACHED_NAMES = 4096;

/** Collects warnings once per code, so hostile input cannot grow the list without bound. */
export class WarningSink {
  readonly list: string[];
  /** Created on the first warning: most sections have none. */
  private seen: Set<string> | undefined;
  constructor(list: string[] = []) {
    this.list = list;
    if (list.length > 0) this.seen = new Set(list);
  }
  add(warning: string): void {
    if (this.seen === undefined) this.seen = new Set();
    else if (this.seen.has(warning)) return;
    this.seen.add(warning);
    this.list.push(warning);
  }
}

export interface ParseSectionOptions {
  /**
   * Values are unfolded and decoded on first read (message headers: most values — DKIM signatures,
   * ARC seals, lower Received hops — are never read). Default false: plain objects, as for MIME parts.
   */
  lazy?: boolean;
}

/**
 * Splits one header section (message or MIME part) into fields: stops at the first empty line,
 * unfolds continuation lines (a fold becomes one space), decodes encoded words, lowercases keys.
 * Accepts LF, CRLF and bare CR line ends; lines without a colon are skipped with a warning.
 * One pass over the text finds line ends and names; values are cut out only when built or read.
 */
export function parseHeaderSection(
  raw: Uint8Array | string,
  limits: HeaderLimits,
  warnings: WarningSink,
  options?: ParseSectionOptions,
): HeaderField[] {
  let text: string;
  if (typeof raw === 'string') {
    text = raw.length > limits.maxHeaderBytes ? cutAtLine(raw, limits.maxHeaderBytes, warnings) : raw;
  } else {
    let bytes = raw;
    if (bytes.length > limits.maxHeaderBytes) {
      const buf = asBuffer(bytes);
      const nl = buf.lastIndexOf(10, limits.maxHeaderBytes - 1);
      bytes = buf.subarray(0, nl > 0 ? nl + 1 : limits.maxHeaderBytes);
      warnings.add('cap:max_header_bytes');
    }
    text = decodeHeaderBytes(bytes);
  }
  // Bare CR line ends are rare; normalise only then, so CRLF and LF input pay nothing extra.
  if (hasBareCr(text)) text = text.replace(/\r\n?/g, '\n');
  return splitText(text, limits, warnings, options?.lazy === true);
}

/** A CR not followed by LF: one native search per CR (so per line in CRLF text, none in LF text). */
function hasBareCr(text: string): boolean {
  let cr = text.indexOf('\r');
  while (cr !== -1) {
    if (text.charCodeAt(cr + 1) !== 10) return true;
    cr = text.indexOf('\r', cr + 2);
  }
  return false;
}

function cutAtLine(text: string, max: number, warnings: WarningSink): string {
  warnings.add('cap:max_header_bytes');
  const nl = text.lastIndexOf('\n', max - 1);
  return text.slice(0, nl > 0 ? nl + 1 : max);
}

interface KnownName {
  readonly originalKey: string;
  readonly key: string;
}

/**
 * Names seen before, by a hash of their characters computed while looking for the colon: a known
 * name (the same few hundred recur in every message) costs no slice, no lowercasing and no string
 * hashing — one integer lookup and one compare. A hash collision simply is not cached.
 */
const knownNames = new Map<number, KnownName>();
/** Hash of the name whose colon findNameColon found last (set there, read right after). */
let nameHash = 0;

function nameAt(text: string, start: number, colon: number, hash: number): KnownName {
  const known = knownNames.get(hash);
  if (known !== undefined && known.originalKey.length === colon - start && text.startsWith(known.originalKey, start)) return known;
  const originalKey = text.slice(start, colon);
  if (known !== undefined || knownNames.size >= MAX_CACHED_NAMES) return { originalKey, key: originalKey.toLowerCase() };
  // A slice may keep its whole message text alive; the cached name gets its own copy.
  const own = Buffer.from(originalKey, 'utf8').toString('utf8');
  const entry = { originalKey: own, key: own.toLowerCase() };
  knownNames.set(hash, entry);
  return entry;
}

/**
 * Where one field sits in its section's text (offsets into that text), kept as plain numbers (no
 * object per field): start = right after the colon; firstEnd = end of the first line (CR excluded,
 * cut at maxLine); contStart = start of the first continuation line, -1 when not folded; lastEnd =
 * end of the field's last line (CR excluded, cut at maxLine).
 */

/**
 * The unfolded, decoded value: each line trimmed, empty continuation lines dropped, pieces joined
 * with one space. `lastEnd - start <= maxLine` guarantees the joined value needs no cut (every
 * separator replaces at least a line break), so a lazy value can never owe a warning.
 */
function buildValue(
  text: string,
  key: string,
  start: number,
  firstEnd: number,
  contStart: number,
  lastEnd: number,
  maxLine: number,
  warnings: WarningSink | undefined,
): string {
  let value = text.slice(start, firstEnd).trim();
  if (contStart !== -1) {
    const n = text.length;
    let p = contStart;
    while (p < lastEnd) {
      let nl = text.indexOf('\n', p);
      if (nl === -1) nl = n;
      let e = nl;
      if (e > p && text.charCodeAt(e - 1) === 13) e--;
      if (e - p > maxLine) e = p + maxLine;
      const piece = text.slice(p, e).trim();
      if (piece.length > 0) value = value.length > 0 ? value + ' ' + piece : piece;
      p = nl + 1;
    }
  }
  if (value.length > maxLine) {
    value = value.slice(0, maxLine);
    warnings?.add('cap:max_line_bytes');
  }
  return key === NO_DECODE ? value : decodeEncodedWords(value);
}

/** A message header field whose value is unfolded and decoded on first read, then kept. */
class LazyField implements HeaderField {
  readonly key: string;
  readonly originalKey: string;
  readonly index: number;
  #text: string;
  #start: number;
  #firstEnd: number;
  #contStart: number;
  #lastEnd: number;
  #maxLine: number;
  #value: string | undefined;

  constructor(key: string, originalKey: string, index: number, text: string, start: number, firstEnd: number, contStart: number, lastEnd: number, maxLine: number) {
    this.key = key;
    this.originalKey = originalKey;
    this.index = index;
    this.#text = text;
    this.#start = start;
    this.#firstEnd = firstEnd;
    this.#contStart = contStart;
    this.#lastEnd = lastEnd;
    this.#maxLine = maxLine;
    this.#value = undefined;
  }

  get value(): string {
    let v = this.#value;
    if (v === undefined) {
      v = buildValue(this.#text, this.key, this.#start, this.#firstEnd, this.#contStart, this.#lastEnd, this.#maxLine, undefined);
      this.#value = v;
    }
    return v;
  }

  /** Serialises like a plain field. */
  toJSON(): HeaderField {
    return { key: this.key, originalKey: this.originalKey, value: this.value, index: this.index };
  }
}

/** Closes the current field: a lazy one when its value cannot owe a cap warning, else built now. */
function pushField(
  fields: HeaderField[],
  text: string,
  key: string,
  originalKey: string,
  start: number,
  firstEnd: number,
  contStart: number,
  lastEnd: number,
  lazy: boolean,
  maxLine: number,
  warnings: WarningSink,
): void {
  const index = fields.length;
  if (lazy && lastEnd - start <= maxLine) {
    fields.push(new LazyField(key, originalKey, index, text, start, firstEnd, contStart, lastEnd, maxLine));
  } else {
    fields.push({ key, originalKey, value: buildValue(text, key, start, firstEnd, contStart, lastEnd, maxLine, warnings), index });
  }
}

function splitText(text: string, limits: HeaderLimits, warnings: WarningSink, lazy: boolean): HeaderField[] {
  const fields: HeaderField[] = [];
  const n = text.length;
  const maxLine = limits.maxLineBytes;
  let name: string | undefined; // current field, undefined when none is open
  let key = '';
  let start = 0;
  let firstEnd = 0;
  let contStart = -1;
  let lastEnd = 0;
  let malformed = 0;
  let i = 0;

  while (i < n) {
    let nl = text.indexOf('\n', i);
    if (nl === -1) nl = n;
    let end = nl;
    if (end > i && text.charCodeAt(end - 1) === 13) end--;
    if (end === i) break; // empty line: end of the header section
    if (end - i > maxLine) {
      end = i + maxLine;
      warnings.add('cap:max_line_bytes');
    }
    const c = text.charCodeAt(i);
    if (c === 32 || c === 9) {
      if (name !== undefined) {
        if (contStart === -1) contStart = i;
        lastEnd = end;
      } else {
        malformed++;
      }
    } else {
      if (name !== undefined) pushField(fields, text, key, name, start, firstEnd, contStart, lastEnd, lazy, maxLine, warnings);
      name = undefined;
      if (fields.length >= limits.maxHeaders) {
        warnings.add('cap:max_headers');
        return fields;
      }
      const colon = findNameColon(text, i, end);
      if (colon < 0) {
        const bare = bareName(text, i, end);
        if (bare === undefined) malformed++;
        else fields.push({ key: bare.replace(/[ \t]/g, '').toLowerCase(), originalKey: bare, value: '', index: fields.length });
      } else {
        if (colon - i > 1 && isWsp(text.charCodeAt(colon - 1))) {
          name = text.slice(i, colon).trimEnd(); // obsolete `Name :`: rare, not cached
          key = name.toLowerCase();
        } else {
          const known = nameAt(text, i, colon, nameHash);
          name = known.originalKey;
          key = known.key;
        }
        start = colon + 1;
        firstEnd = end;
        contStart = -1;
        lastEnd = end;
      }
    }
    i = nl + 1;
  }
  if (name !== undefined) pushField(fields, text, key, name, start, firstEnd, contStart, lastEnd, lazy, maxLine, warnings);
  if (malformed > 0) warnings.add(`header_without_colon:${malformed}`);
  return fields;
}

/**
 * An extension field written as a bare name, no colon and no value — IMail documents its SPF result so
 * (`X-IMail-SPAM-SPF-Fail`, `X-IMail-SPAM-SPF- Pass`: blanks only after a hyphen). Such a line becomes a field
 * with an empty value, its key without the blanks; any other line without a colon stays malformed.
 */
const BARE_NAME = /^X-[A-Za-z0-9_]+(?:-[ \t]*[A-Za-z0-9_]+)*-?$/i;

function bareName(text: string, start: number, end: number): string | undefined {
  if (end - start > MAX_NAME_CHARS) return undefined;
  const c = text.charCodeAt(start);
  if (c !== 88 && c !== 120) return undefined; // X / x
  const line = text.slice(start, end).trimEnd();
  return BARE_NAME.test(line) ? line : undefined;
}

function isWsp(c: number): boolean {
  return c === 32 || c === 9;
}

/**
 * Index of the colon ending a field name in text[start, end), or -1 when the line is not a field:
 * no colon, empty name, or a name with inner whitespace/control characters. Whitespace between
 * name and colon (obsolete `Subject : x`) is tolerated.
 */
function findNameColon(text: string, start: number, end: number): number {
  const limit = Math.min(end, start + MAX_NAME_CHARS);
  let sawSpace = false;
  let h = 0;
  for (let j = start; j < limit; j++) {
    const c = text.charCodeAt(j);
    if (c === 58) {
      nameHash = h;
      return j > start ? j : -1;
    }
    h = (Math.imul(h, 31) + c) | 0;
    if (c === 32 || c === 9) {
      sawSpace = true;
    } else if (sawSpace || c < 32 || c === 127) {
      return -1;
    }
  }
  return -1;
}
