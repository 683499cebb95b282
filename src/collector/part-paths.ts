// Which MIME part headers to fetch: the IMAP part paths of a multipart message's parts, depth first,
// matching what the header reader collects from a whole message (src/headers/collect-mime-parts.ts):
// it does not descend into message/rfc822 parts, and stops at the same part and depth caps.
import type { MessageStructureObject } from 'imapflow';
import { DEFAULT_HEADER_LIMITS } from '../headers/limits.js';

export function mimePartPaths(
  structure: MessageStructureObject | undefined,
  maxParts = DEFAULT_HEADER_LIMITS.maxParts,
  maxDepth = DEFAULT_HEADER_LIMITS.maxDepth,
): string[] {
  const out: string[] = [];
  if (structure === undefined || !isMultipart(structure)) return out;
  const walk = (node: MessageStructureObject, depth: number): void => {
    for (const child of node.childNodes ?? []) {
      if (out.length >= maxParts) return;
      if (child.part === undefined) continue;
      out.push(child.part);
      if (isMultipart(child) && depth < maxDepth) walk(child, depth + 1);
    }
  };
  walk(structure, 1);
  return out;
}

function isMultipart(node: MessageStructureObject): boolean {
  return typeof node.type === 'string' && node.type.toLowerCase().startsWith('multipart/');
}
