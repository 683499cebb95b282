import { resolveLimits, type HeaderLimits } from './limits.js';
import { makeHeaderBlock } from './make-header-block.js';
import { parseHeaderSection, WarningSink } from './parse-header-section.js';
import type { HeaderBlock, MimePartHeaders } from './types.js';

export interface SplitHeaderBlockOptions {
  limits?: Partial<HeaderLimits>;
  /** MIME part header sections fetched separately (IMAP BODY[n.MIME]), in part order. */
  parts?: readonly { path: string; raw: Uint8Array | string }[];
}

/**
 * A raw header section → HeaderBlock. Reads up to the first empty line; never throws on bad input
 * (problems become warnings on the block).
 */
export function splitHeaderBlock(raw: Uint8Array | string, options?: SplitHeaderBlockOptions): HeaderBlock {
  const limits = resolveLimits(options?.limits);
  const warnings = new WarningSink();
  const fields = parseHeaderSection(raw, limits, warnings, { lazy: true });
  const parts: MimePartHeaders[] = [];
  const given = options?.parts;
  if (given !== undefined) {
    for (const part of given) {
      if (parts.length >= limits.maxParts) {
        warnings.add('cap:max_parts');
        break;
      }
      parts.push({ path: part.path, fields: parseHeaderSection(part.raw, limits, warnings) });
    }
  }
  return makeHeaderBlock(fields, parts, warnings.list);
}
