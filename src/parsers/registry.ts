// The one list of vendor parsers. Adding a vendor family = one line here (plus its file and fixtures).
import type { HeaderBlock } from '../headers/types.js';
import { authenticationResultsParser } from './authentication-results.js';
import { commtouchParser } from './commtouch.js';
import { exchangeSclParser } from './exchange-scl.js';
import { imailParser } from './imail.js';
import { kasperskyParser } from './kaspersky.js';
import type { GatewayResult } from '../document/types.js';
import type { AuthFinding, ParserOutput, VendorParser } from './types.js';

export const PARSERS: readonly VendorParser[] = [
  kasperskyParser,
  imailParser,
  commtouchParser,
  exchangeSclParser,
  authenticationResultsParser,
];

interface DetectionIndex {
  /** Exact lowercase header name → parser indices. */
  names: Map<string, number[]>;
  /** Prefix length → (prefix → parser indices); a name is checked once per distinct length. */
  prefixes: Map<number, Map<string, number[]>>;
}

function addTo<K>(map: Map<K, number[]>, key: K, index: number): void {
  const list = map.get(key);
  if (list === undefined) map.set(key, [index]);
  else if (!list.includes(index)) list.push(index);
}

/** Builds the name/prefix lookup for a parser list (exported for tests with their own list). */
export function buildDetectionIndex(parsers: readonly VendorParser[]): DetectionIndex {
  const names = new Map<string, number[]>();
  const prefixes = new Map<number, Map<string, number[]>>();
  parsers.forEach((parser, index) => {
    for (const name of parser.headerNames) addTo(names, name.toLowerCase(), index);
    for (const prefix of parser.headerPrefixes) {
      if (prefix.length === 0) continue;
      let bucket = prefixes.get(prefix.length);
      if (bucket === undefined) prefixes.set(prefix.length, (bucket = new Map()));
      addTo(bucket, prefix.toLowerCase(), index);
    }
  });
  return { names, prefixes };
}

const DEFAULT_INDEX = buildDetectionIndex(PARSERS);

/**
 * The parsers whose headers occur in the block (message or MIME part headers), in registry order.
 * Each distinct name costs one map lookup plus one per distinct prefix length — never a scan of values.
 */
export function detectParsers(
  block: HeaderBlock,
  parsers: readonly VendorParser[] = PARSERS,
  index: DetectionIndex = parsers === PARSERS ? DEFAULT_INDEX : buildDetectionIndex(parsers),
): VendorParser[] {
  const hit = new Array<boolean>(parsers.length).fill(false);
  let remaining = parsers.length;
  const visit = (name: string): void => {
    const exact = index.names.get(name);
    if (exact !== undefined) {
      for (const i of exact) if (!hit[i]) { hit[i] = true; remaining--; }
    }
    for (const [length, bucket] of index.prefixes) {
      if (name.length < length) continue;
      const found = bucket.get(name.slice(0, length));
      if (found !== undefined) for (const i of found) if (!hit[i]) { hit[i] = true; remaining--; }
    }
  };
  for (const name of block.byName.keys()) {
    visit(name);
    if (remaining === 0) break;
  }
  if (remaining > 0 && block.parts.length > 0) {
    const seen = new Set<string>();
    for (const part of block.parts) {
      for (const field of part.fields) {
        if (seen.has(field.key) || block.byName.has(field.key)) continue;
        seen.add(field.key);
        visit(field.key);
      }
    }
  }
  return parsers.filter((_, i) => hit[i]);
}

/**
 * Runs every detected parser and merges their outputs. A parser that throws (it should not) does not
 * stop the others: its failure becomes the warning `parser_error:<id>`.
 */
export function runParsers(block: HeaderBlock, parsers: readonly VendorParser[] = PARSERS): ParserOutput {
  const gateways: GatewayResult[] = [];
  const auth: AuthFinding[] = [];
  const warnings: string[] = [];
  for (const parser of detectParsers(block, parsers)) {
    try {
      const out = parser.parse(block);
      gateways.push(...out.gateways);
      if (out.auth !== undefined) auth.push(...out.auth);
      warnings.push(...out.warnings);
    } catch {
      warnings.push(`parser_error:${parser.id}`);
    }
  }
  gateways.sort((a, b) => a.position - b.position);
  auth.sort((a, b) => a.position - b.position);
  return { gateways, auth, warnings };
}
