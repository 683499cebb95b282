import { decodeEncodedWords } from './decode-encoded-words.js';
import { asBuffer, decodeHeaderBytes } from './decode-header-bytes.js';
import type { HeaderLimits } from './limits.js';
import type { HeaderField } from './types.js';

/** Longest field name we look for a colon in; RFC 5322 names are short, a longer run is not a header. */
const MAX_NAME_CHARS = 256;
/** Fields whose value must stay literal (boundary and other parameters are not RFC 2047 text). */
const NO_DECODE = new Set(['content-type']);

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

/**
 * Splits one header section (message or MIME part) into fields: stops at the first empty line,
 * unfolds continuation lines (a fold becomes one space), decodes encoded words, lowercases keys.
 * Accepts LF, CRLF and bare CR line ends; lines without a colon are skipped with a warning.
 */
export function parseHeaderSection(raw: Uint8Array | string, limits: HeaderLimits, warnings: WarningSink): HeaderField[] {
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
  if (text.indexOf('\r') !== -1 && /\r(?!\n)/.test(text)) text = text.replace(/\r\n?/g, '\n');
  return splitText(text, limits, warnings);
}

function cutAtLine(text: string, max: number, warnings: WarningSink): string {
  warnings.add('cap:max_header_bytes');
  const nl = text.lastIndexOf('\n', max - 1);
  return text.slice(0, nl > 0 ? nl + 1 : max);
}

/** One unfolded, decoded field; a fold (line break + indentation) becomes one space. */
function makeField(name: string, first: string, more: string[] | undefined, index: number, maxLine: number, warnings: WarningSink): HeaderField {
  let value = first.trim();
  if (more !== undefined) {
    for (const piece of more) {
      const p = piece.trim();
      if (p.length > 0) value = value.length > 0 ? value + ' ' + p : p;
    }
  }
  if (value.length > maxLine) {
    value = value.slice(0, maxLine);
    warnings.add('cap:max_line_bytes');
  }
  const key = name.toLowerCase();
  if (!NO_DECODE.has(key)) value = decodeEncodedWords(value);
  return { key, originalKey: name, value, index };
}

function splitText(text: string, limits: HeaderLimits, warnings: WarningSink): HeaderField[] {
  const fields: HeaderField[] = [];
  const n = text.length;
  const maxLine = limits.maxLineBytes;
  let name: string | undefined; // current field, undefined when none is open
  let first = '';
  let more: string[] | undefined;
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
        // Bounded by maxHeaderBytes; the joined value is cut to maxLine in makeField.
        if (more === undefined) more = [text.slice(i, end)];
        else more.push(text.slice(i, end));
      } else {
        malformed++;
      }
    } else {
      if (name !== undefined) {
        fields.push(makeField(name, first, more, fields.length, maxLine, warnings));
        name = undefined;
        more = undefined;
      }
      if (fields.length >= limits.maxHeaders) {
        warnings.add('cap:max_headers');
        return fields;
      }
      const colon = findNameColon(text, i, end);
      if (colon < 0) {
        malformed++;
      } else {
        name = text.slice(i, colon);
        if (colon - i > 1 && isWsp(text.charCodeAt(colon - 1))) name = name.trimEnd();
        first = text.slice(colon + 1, end);
      }
    }
    i = nl + 1;
  }
  if (name !== undefined) fields.push(makeField(name, first, more, fields.length, maxLine, warnings));
  if (malformed > 0) warnings.add(`header_without_colon:${malformed}`);
  return fields;
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
  for (let j = start; j < limit; j++) {
    const c = text.charCodeAt(j);
    if (c === 58) return j > start ? j : -1;
    if (c === 32 || c === 9) {
      sawSpace = true;
    } else if (sawSpace || c < 32 || c === 127) {
      return -1;
    }
  }
  return -1;
}
