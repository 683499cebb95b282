import { collectMimeParts, multipartBoundary } from './collect-mime-parts.js';
import { asBuffer } from './decode-header-bytes.js';
import { findHeaderEnd } from './find-header-end.js';
import { resolveLimits, type HeaderLimits } from './limits.js';
import { makeHeaderBlock } from './make-header-block.js';
import { parseHeaderSection, WarningSink } from './parse-header-section.js';
import type { HeaderBlock, MimePartHeaders } from './types.js';

export interface ReadMessageResult {
  /** The whole header section as written (up to, not including, the empty line); the `_id` input. */
  headerBytes: Uint8Array;
  block: HeaderBlock;
}

/**
 * A whole raw message → its header block plus the header sections of its MIME parts.
 * Bodies are only searched for boundaries, never decoded.
 */
export function readMessage(raw: Uint8Array, limits?: Partial<HeaderLimits>): ReadMessageResult {
  const lim = resolveLimits(limits);
  const buf = asBuffer(raw);
  const warnings = new WarningSink();
  const { headerEnd, bodyStart } = findHeaderEnd(buf);
  const headerBytes = buf.subarray(0, headerEnd);
  const fields = parseHeaderSection(headerBytes, lim, warnings, { lazy: true });
  let parts: MimePartHeaders[] = [];
  if (bodyStart < buf.length) {
    let contentType: string | undefined;
    for (const f of fields) {
      if (f.key === 'content-type') {
        contentType = f.value;
        break;
      }
    }
    const boundary = multipartBoundary(contentType, warnings);
    if (boundary !== undefined) parts = collectMimeParts(buf, bodyStart, boundary, lim, warnings);
  }
  return { headerBytes, block: makeHeaderBlock(fields, parts, warnings.list) };
}
