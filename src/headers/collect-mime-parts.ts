import { Buffer } from 'node:buffer';
import libmime from 'libmime';
import { findHeaderEnd } from './find-header-end.js';
import type { HeaderLimits } from './limits.js';
import { parseHeaderSection, type WarningSink } from './parse-header-section.js';
import type { HeaderField, MimePartHeaders } from './types.js';

/** RFC 2046 allows 70 characters; anything much longer is not a boundary worth searching for. */
const MAX_BOUNDARY_CHARS = 200;

/** The boundary of a multipart Content-Type value, or undefined when it is not multipart. */
export function multipartBoundary(contentType: string | undefined, warnings: WarningSink): string | undefined {
  if (contentType === undefined) return undefined;
  // Cheap pre-check before the structured parse: most messages are not multipart.
  if (contentType.length < 10 || contentType.slice(0, 10).toLowerCase() !== 'multipart/') {
    if (!/^\s*multipart\//i.test(contentType.slice(0, 40))) return undefined;
  }
  let boundary: string | undefined;
  try {
    const parsed = libmime.parseHeaderValue(contentType.length > 4096 ? contentType.slice(0, 4096) : contentType);
    const b = parsed.params['boundary'];
    boundary = typeof b === 'string' ? b : undefined;
  } catch {
    boundary = undefined;
  }
  if (boundary === undefined || boundary.length === 0 || boundary.length > MAX_BOUNDARY_CHARS) {
    warnings.add('mime:bad_boundary');
    return undefined;
  }
  return boundary;
}

function contentTypeOf(fields: readonly HeaderField[]): string | undefined {
  for (const f of fields) if (f.key === 'content-type') return f.value;
  return undefined;
}

interface WalkState {
  buf: Buffer;
  limits: HeaderLimits;
  warnings: WarningSink;
  parts: MimePartHeaders[];
  stopped: boolean;
}

/**
 * Collects the header sections of the MIME parts of a multipart body, depth first in document
 * order, with IMAP part paths ("1", "1.2", …). Bodies are never decoded: boundaries are found with
 * a native substring search over at most maxBodyScanBytes.
 */
export function collectMimeParts(
  buf: Buffer,
  bodyStart: number,
  boundary: string,
  limits: HeaderLimits,
  warnings: WarningSink,
): MimePartHeaders[] {
  let end = buf.length;
  if (end - bodyStart > limits.maxBodyScanBytes) {
    end = bodyStart + limits.maxBodyScanBytes;
    warnings.add('cap:max_body_scan_bytes');
  }
  const state: WalkState = { buf, limits, warnings, parts: [], stopped: false };
  walk(state, bodyStart, end, boundary, '', 1);
  return state.parts;
}

function walk(state: WalkState, start: number, end: number, boundary: string, prefix: string, depth: number): void {
  const { buf, limits, warnings } = state;
  const delimiter = Buffer.from('--' + boundary, 'utf8');
  const view = buf.subarray(0, end);
  let pos = start;
  let partStart = -1; // first byte of the current part's content, -1 before the first delimiter
  let index = 0;
  while (!state.stopped) {
    const at = view.indexOf(delimiter, pos);
    if (at === -1) break;
    pos = at + 1;
    const prev = at > start ? buf[at - 1] : 10;
    if (prev !== 10 && prev !== 13) continue; // not at a line start
    let j = at + delimiter.length;
    const close = j + 1 < end && buf[j] === 45 && buf[j + 1] === 45;
    if (close) j += 2;
    while (j < end && (buf[j] === 32 || buf[j] === 9)) j++;
    if (j < end && buf[j] !== 10 && buf[j] !== 13) continue; // a longer boundary, not ours
    if (partStart !== -1) {
      // The line break before the delimiter belongs to the delimiter.
      let contentEnd = at;
      if (contentEnd > partStart && buf[contentEnd - 1] === 10) contentEnd--;
      if (contentEnd > partStart && buf[contentEnd - 1] === 13) contentEnd--;
      addPart(state, partStart, contentEnd, prefix + String(++index), depth);
    }
    if (close) return;
    if (j < end && buf[j] === 13) j++;
    if (j < end && buf[j] === 10) j++;
    partStart = j;
    pos = j;
  }
  // Unterminated multipart (truncated message): the last part runs to the end of the range.
  if (partStart !== -1 && !state.stopped && partStart < end) addPart(state, partStart, end, prefix + String(++index), depth);
}

function addPart(state: WalkState, start: number, end: number, path: string, depth: number): void {
  const { buf, limits, warnings } = state;
  if (state.parts.length >= limits.maxParts) {
    warnings.add('cap:max_parts');
    state.stopped = true;
    return;
  }
  const bounds = findHeaderEnd(buf, start, end);
  const fields = parseHeaderSection(buf.subarray(start, bounds.headerEnd), limits, warnings);
  state.parts.push({ path, fields });
  const inner = multipartBoundary(contentTypeOf(fields), warnings);
  if (inner === undefined) return;
  if (depth >= limits.maxDepth) {
    warnings.add('cap:max_depth');
    return;
  }
  walk(state, bounds.bodyStart, end, inner, path + '.', depth + 1);
}
