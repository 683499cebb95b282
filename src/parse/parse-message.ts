import { buildDocument, type ParseContext } from './build-document.js';
import { isBlankHeaderSection, rawMessageId } from '../document/document-id.js';
import type { ParsedMessage } from '../document/types.js';
import type { HeaderLimits } from '../headers/limits.js';
import { readMessage } from '../headers/read-message.js';
import { splitHeaderBlock } from '../headers/split-header-block.js';

export type { ParseContext } from './build-document.js';

/** A whole raw message (file, mbox entry) → its document. Never throws on bad input. */
export function parseMessage(raw: Uint8Array, context: ParseContext, limits?: Partial<HeaderLimits>): ParsedMessage {
  const { headerBytes, block } = readMessage(raw, limits);
  if (context.headerlessId === undefined && isBlankHeaderSection(headerBytes)) {
    return buildDocument(block, headerBytes, { ...context, headerlessId: rawMessageId(raw) });
  }
  return buildDocument(block, headerBytes, context);
}

/**
 * What the IMAP collector fetched (BODY[HEADER] plus BODY[n.MIME] part headers) → its document.
 * Gives the same `_id` as parseMessage on the full message.
 */
export function parseFetched(
  headerBytes: Uint8Array,
  parts: readonly { path: string; raw: Uint8Array | string }[],
  context: ParseContext,
  limits?: Partial<HeaderLimits>,
): ParsedMessage {
  const options = limits === undefined ? { parts } : { parts, limits };
  return buildDocument(splitHeaderBlock(headerBytes, options), headerBytes, context);
}
