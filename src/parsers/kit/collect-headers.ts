// Shared plumbing for the gateway families beyond Kaspersky/IMail: gather one family's headers by exact
// name or prefix (distinct names from byName, never a scan of values), bounded per name.
import type { HeaderBlock, HeaderField } from '../../headers/types.js';

/** Bound on occurrences kept per name: 10,000 repeated headers must not cost 10,000 parses. */
export const MAX_PER_NAME = 20;
/** Bound on a warning's detail (the document caps warnings again). */
export const MAX_DETAIL = 80;
/** Bound on a raw value copied into a normalized field. */
export const MAX_RAW = 512;

export interface FamilyFields {
  /** Lowercased name → occurrences, topmost first (bounded). */
  readonly byName: Map<string, HeaderField[]>;
  /** Lowercased name → raw values, for GatewayResult.headers. */
  readonly headers: Record<string, string[]>;
  /** Smallest index of any collected field; Infinity when nothing was found. */
  readonly position: number;
}

/** Collects every header whose lowercased name is in `names` or starts with one of `prefixes`. */
export function collectFamily(block: HeaderBlock, names: ReadonlySet<string>, prefixes: readonly string[] = []): FamilyFields {
  const byName = new Map<string, HeaderField[]>();
  const headers: Record<string, string[]> = {};
  let position = Number.POSITIVE_INFINITY;
  for (const [name, list] of block.byName) {
    if (!names.has(name) && !prefixes.some((p) => name.startsWith(p))) continue;
    const kept = list.slice(0, MAX_PER_NAME);
    byName.set(name, kept);
    headers[name] = kept.map((f) => f.value);
    position = Math.min(position, kept[0]?.index ?? position);
  }
  return { byName, headers, position };
}

/** Topmost occurrence of a name in a collected family. */
export function first(family: FamilyFields, name: string): HeaderField | undefined {
  return family.byName.get(name)?.[0];
}

export function clip(text: string, max = MAX_DETAIL): string {
  return text.length > max ? text.slice(0, max) : text;
}

export function addUnique(list: string[], value: string, max = 200): void {
  if (value !== '' && list.length < max && !list.includes(value)) list.push(value);
}
