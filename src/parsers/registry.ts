// The one list of vendor parsers. Adding a vendor family = one line here (plus its file and fixtures).
import type { HeaderBlock } from '../headers/types.js';
import { authenticationResultsParser } from './authres.js';
import { commtouchParser } from './ctch.js';
import { exchangeSclParser } from './exchange.js';
import { imailParser } from './imail.js';
import { kasperskyParser } from './kaspersky.js';
import { presenceParser } from './presence.js';
import { decludeParser } from './declude.js';
import { fortinetParser } from './fortinet.js';
import { sophosParser } from './sophos.js';
import { mimecastParser } from './mimecast.js';
import { ironportParser } from './ironport.js';
import { trendMicroParser } from './trendmicro.js';
import { barracudaParser } from './barracuda.js';
import { proofpointParser } from './proofpoint.js';
import { exchangeOnlineParser } from './eop.js';
import { rspamdParser } from './rspamd.js';
import { clamavParser } from './clamav.js';
import { spamassassinParser } from './spamassassin.js';
import type { GatewayResult } from '../document/types.js';
import type { AuthFinding, ParserOutput, VendorParser } from './types.js';

export const PARSERS: readonly VendorParser[] = [
  kasperskyParser,
  imailParser,
  commtouchParser,
  exchangeOnlineParser,
  exchangeSclParser,
  authenticationResultsParser,
  spamassassinParser,
  clamavParser,
  rspamdParser,
  proofpointParser,
  barracudaParser,
  trendMicroParser,
  ironportParser,
  mimecastParser,
  sophosParser,
  fortinetParser,
  decludeParser,
  presenceParser,
];

/** Prefixes are grouped by their first KEY_CHARS characters: one slice and one map lookup per name. */
const KEY_CHARS = 4;

interface PrefixEntry {
  prefix: string;
  parsers: number[];
}

interface DetectionIndex {
  /** Exact lowercase header name → parser indices. */
  names: Map<string, number[]>;
  /** First KEY_CHARS chars of a prefix → the prefixes starting so. */
  prefixes: Map<string, PrefixEntry[]>;
  /** Prefixes shorter than KEY_CHARS, checked with startsWith on every name (normally none). */
  shortPrefixes: PrefixEntry[];
}

function addTo<K>(map: Map<K, number[]>, key: K, index: number): void {
  const list = map.get(key);
  if (list === undefined) map.set(key, [index]);
  else if (!list.includes(index)) list.push(index);
}

/** Builds the name/prefix lookup for a parser list (exported for tests with their own list). */
export function buildDetectionIndex(parsers: readonly VendorParser[]): DetectionIndex {
  const names = new Map<string, number[]>();
  const byPrefix = new Map<string, number[]>();
  parsers.forEach((parser, index) => {
    for (const name of parser.headerNames) addTo(names, name.toLowerCase(), index);
    for (const prefix of parser.headerPrefixes) if (prefix.length > 0) addTo(byPrefix, prefix.toLowerCase(), index);
  });
  const prefixes = new Map<string, PrefixEntry[]>();
  const shortPrefixes: PrefixEntry[] = [];
  for (const [prefix, ids] of byPrefix) {
    const entry = { prefix, parsers: ids };
    if (prefix.length < KEY_CHARS) {
      shortPrefixes.push(entry);
      continue;
    }
    const key = prefix.slice(0, KEY_CHARS);
    const list = prefixes.get(key);
    if (list === undefined) prefixes.set(key, [entry]);
    else list.push(entry);
  }
  return { names, prefixes, shortPrefixes };
}

const DEFAULT_INDEX = buildDetectionIndex(PARSERS);

/** Per header name, the default parsers it selects; the same few hundred names recur in every block. */
const MAX_CACHED_NAMES = 4096;
const NO_PARSERS: readonly number[] = [];
const defaultHits = new Map<string, readonly number[]>();

function defaultParsersFor(name: string): readonly number[] {
  const known = defaultHits.get(name);
  if (known !== undefined) return known;
  const hit: boolean[] = PARSERS.map(() => false);
  visitName(name, DEFAULT_INDEX, hit);
  const found: number[] = [];
  for (let i = 0; i < hit.length; i++) if (hit[i]) found.push(i);
  const list = found.length === 0 ? NO_PARSERS : found;
  if (defaultHits.size < MAX_CACHED_NAMES) defaultHits.set(name, list);
  return list;
}

function mark(hit: boolean[], found: readonly number[] | undefined): number {
  if (found === undefined || found.length === 0) return 0;
  let added = 0;
  for (const i of found) {
    if (!hit[i]) {
      hit[i] = true;
      added++;
    }
  }
  return added;
}

function visitName(name: string, index: DetectionIndex, hit: boolean[]): number {
  let added = mark(hit, index.names.get(name));
  if (name.length >= KEY_CHARS) {
    const candidates = index.prefixes.get(name.slice(0, KEY_CHARS));
    if (candidates !== undefined) {
      for (const c of candidates) if (name.startsWith(c.prefix)) added += mark(hit, c.parsers);
    }
  }
  for (const c of index.shortPrefixes) if (name.startsWith(c.prefix)) added += mark(hit, c.parsers);
  return added;
}

/**
 * The parsers whose headers occur in the block (message or MIME part headers), in registry order.
 * Each distinct name costs one map lookup plus, for names starting like a prefix, one per distinct
 * prefix length — never a scan of values.
 */
export function detectParsers(
  block: HeaderBlock,
  parsers: readonly VendorParser[] = PARSERS,
  index: DetectionIndex = parsers === PARSERS ? DEFAULT_INDEX : buildDetectionIndex(parsers),
): VendorParser[] {
  const hit: boolean[] = parsers.map(() => false);
  let remaining = parsers.length;
  if (parsers === PARSERS && index === DEFAULT_INDEX) {
    for (const name of block.byName.keys()) {
      remaining -= mark(hit, defaultParsersFor(name));
      if (remaining === 0) break;
    }
  } else {
    for (const name of block.byName.keys()) {
      remaining -= visitName(name, index, hit);
      if (remaining === 0) break;
    }
  }
  if (remaining > 0) {
    for (const part of block.parts) {
      for (const field of part.fields) remaining -= visitName(field.key, index, hit);
      if (remaining === 0) break;
    }
  }
  const out: VendorParser[] = [];
  for (let i = 0; i < parsers.length; i++) if (hit[i]) out.push(parsers[i] as VendorParser);
  return out;
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
