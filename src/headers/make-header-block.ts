import type { HeaderBlock, HeaderField, MimePartHeaders } from './types.js';

/** Wraps split fields into a HeaderBlock with its name index (every occurrence, top first). */
export function makeHeaderBlock(
  fields: readonly HeaderField[],
  parts: readonly MimePartHeaders[],
  warnings: readonly string[],
): HeaderBlock {
  const byName = new Map<string, HeaderField[]>();
  for (const field of fields) {
    const list = byName.get(field.key);
    if (list === undefined) byName.set(field.key, [field]);
    else list.push(field);
  }
  return { fields, byName, parts, warnings };
}
