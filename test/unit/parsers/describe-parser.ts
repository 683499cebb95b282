// The one behaviour suite every vendor parser runs: `describeParser(kasperskyParser, 'test/fixtures/kaspersky')`.
// For each <name>.eml in the directory: the whole pipeline (parseMessage) must produce <name>.json exactly,
// the parser must be detected by name lookup and find something, and every field must exist in the
// index template. Fixtures named `not-*.eml` are negative cases: this parser must find nothing there.
// Every gateway's node is known (hostname) or its absence is a `hostname_unknown:<id>` warning — never silent.
// `<name>.gateway-<id>.json` beside a fixture is the same message parsed with `--gateway <id>`.
// UPDATE_FIXTURES=1 writes missing .json files from the current output (never overwrites) — review them by hand.
import { existsSync, readdirSync, readFileSync, writeFileSync } from 'node:fs';
import { basename, isAbsolute, join, relative, resolve } from 'node:path';
import { fileURLToPath } from 'node:url';
import { describe, expect, it } from 'vitest';
import type { ParsedMessage } from '../../../src/document/types.js';
import { readMessage } from '../../../src/headers/read-message.js';
import { mappingProblems } from '../../../src/mappings/field-paths.js';
import { parseMessage, type ParseContext } from '../../../src/parse/parse-message.js';
import { detectParsers } from '../../../src/parsers/registry.js';
import type { VendorParser } from '../../../src/parsers/types.js';

export const REPO_ROOT = fileURLToPath(new URL('../../../', import.meta.url));
export const FIXTURES_ROOT = join(REPO_ROOT, 'test', 'fixtures');
/** Fixed clock: `now` only matters for messages without any date, and event.created is not compared. */
export const FIXED_NOW = new Date('2026-06-01T00:00:00.000Z');
const TEMPLATE = join(REPO_ROOT, 'mappings', 'mailverdict-template.json');

/** The document as stored in a fixture .json: without the clock/version fields, with `_id`. */
export function fixtureView(parsed: ParsedMessage): Record<string, unknown> {
  const doc = JSON.parse(JSON.stringify(parsed.document)) as Record<string, unknown> & {
    event: Record<string, unknown>;
    mailverdict: { parse: Record<string, unknown> };
  };
  delete doc.event['created'];
  delete doc.event['ingested'];
  delete doc.mailverdict.parse['parser_version'];
  return { _id: parsed.id, ...doc };
}

/** Runs one fixture through the full pipeline, the way `mailverdict parse [--gateway <id>]` would. */
export function parseFixture(dirName: string, emlFile: string, gateway?: string): ParsedMessage {
  const raw = readFileSync(join(FIXTURES_ROOT, dirName, emlFile));
  const context: ParseContext = { origin: { kind: 'file', path: `${dirName}/${emlFile}` }, now: FIXED_NOW };
  if (gateway !== undefined) context.gateway = { id: gateway };
  return parseMessage(raw, context);
}

/** Node problems of one document: a gateway without hostname must be warned about; observer follows the top gateway. */
export function nodeProblems(parsed: ParsedMessage): string[] {
  const doc = parsed.document;
  const mv = doc.mailverdict;
  const problems: string[] = [];
  for (const g of mv.gateways) {
    if (g.hostname === undefined && !mv.parse.warnings.includes(`hostname_unknown:${g.id}`)) problems.push(`${g.id}: no hostname and no warning`);
    if (g.hostname !== undefined && !mv.gateway_nodes.includes(`${g.id}@${g.hostname}`)) problems.push(`${g.id}: node missing from gateway_nodes`);
  }
  const top = mv.gateways.find((g) => g.id === mv.gateway && g.hostname === doc.observer?.hostname);
  if (mv.gateway !== undefined && top === undefined) problems.push(`observer.hostname ${doc.observer?.hostname} is not the top gateway's`);
  if (mv.gateway !== undefined && doc.observer?.hostname === undefined && !mv.parse.warnings.includes(`hostname_unknown:${mv.gateway}`)) {
    problems.push('observer.hostname absent without a warning');
  }
  return problems;
}

function gatewayVariants(dir: string, name: string): string[] {
  const prefix = `${name}.gateway-`;
  return readdirSync(dir).filter((f) => f.startsWith(prefix) && f.endsWith('.json')).map((f) => f.slice(prefix.length, -'.json'.length)).sort();
}

/** The checks every fixture gets, whichever suite runs it. */
function describeDocumentChecks(dir: string, dirName: string, file: string, update: boolean): void {
  const name = basename(file, '.eml');
  const jsonPath = join(dir, `${name}.json`);

  it('parses to the expected document', () => {
    const actual = fixtureView(parseFixture(dirName, file));
    if (!existsSync(jsonPath)) {
      if (!update) throw new Error(`missing ${relative(REPO_ROOT, jsonPath)}: run with UPDATE_FIXTURES=1, then review it by hand`);
      writeFileSync(jsonPath, `${JSON.stringify(actual, null, 2)}\n`);
      return;
    }
    const expected = JSON.parse(readFileSync(jsonPath, 'utf8')) as unknown;
    expect(actual).toEqual(expected);
  });

  for (const gateway of gatewayVariants(dir, name)) {
    it(`parses with --gateway ${gateway} to the expected document`, () => {
      const expected = JSON.parse(readFileSync(join(dir, `${name}.gateway-${gateway}.json`), 'utf8')) as unknown;
      expect(fixtureView(parseFixture(dirName, file, gateway))).toEqual(expected);
    });
  }

  it('names every gateway node or warns that it is unknown', () => {
    expect(nodeProblems(parseFixture(dirName, file))).toEqual([]);
  });

  it('uses only fields mapped in mappings/mailverdict-template.json', () => {
    if (!existsSync(TEMPLATE)) throw new Error('mappings/mailverdict-template.json is missing');
    const template = JSON.parse(readFileSync(TEMPLATE, 'utf8')) as unknown;
    const doc = JSON.parse(JSON.stringify(parseFixture(dirName, file).document)) as unknown;
    expect(mappingProblems(doc, template)).toEqual([]);
  });
}

/**
 * Messages several gateways stamped (no single parser owns them): the same document checks, plus every
 * gateway id listed in the expected document must be reported by the registry.
 */
export function describeMessages(fixturesDir: string): void {
  const dir = isAbsolute(fixturesDir) ? fixturesDir : resolve(REPO_ROOT, fixturesDir);
  const dirName = relative(FIXTURES_ROOT, dir).split('\\').join('/');
  const files = emlFiles(dir);
  const update = process.env['UPDATE_FIXTURES'] === '1';
  describe(`messages (${dirName})`, () => {
    it('has fixtures', () => expect(files.length).toBeGreaterThan(0));
    describe.each(files)('%s', (file) => describeDocumentChecks(dir, dirName, file, update));
  });
}

function emlFiles(dir: string): string[] {
  return existsSync(dir) ? readdirSync(dir).filter((f) => f.endsWith('.eml')).sort() : [];
}

function parseDirect(parser: VendorParser, raw: Uint8Array): { ids: string[]; auth: number } {
  const out = parser.parse(readMessage(raw).block);
  return { ids: out.gateways.map((g) => g.id), auth: out.auth?.length ?? 0 };
}

export function describeParser(parser: VendorParser, fixturesDir: string): void {
  const dir = isAbsolute(fixturesDir) ? fixturesDir : resolve(REPO_ROOT, fixturesDir);
  const dirName = relative(FIXTURES_ROOT, dir).split('\\').join('/');
  const files = emlFiles(dir);
  const update = process.env['UPDATE_FIXTURES'] === '1';

  describe(`parser ${parser.id} (${dirName})`, () => {
    it('has fixtures and declares lowercase header names', () => {
      expect(files.length).toBeGreaterThan(0);
      for (const n of [...parser.headerNames, ...parser.headerPrefixes]) expect(n).toBe(n.toLowerCase());
    });

    describe.each(files)('%s', (file) => {
      const name = basename(file, '.eml');
      const negative = name.startsWith('not-');

      describeDocumentChecks(dir, dirName, file, update);

      it(negative ? 'is not claimed by this parser' : 'is detected by name lookup and recognised', () => {
        const raw = readFileSync(join(dir, file));
        const { block } = readMessage(raw);
        const detected = detectParsers(block, [parser]).length === 1;
        const found = parseDirect(parser, raw);
        if (negative) {
          expect(found.ids).toEqual([]);
        } else {
          expect(detected).toBe(true);
          expect(found.ids.length + found.auth).toBeGreaterThan(0);
        }
      });
    });

    it('yields its gateway ids on no fixture of another directory unless that fixture expects them', () => {
      const ownIds = new Set<string>();
      for (const file of files) for (const id of parseDirect(parser, readFileSync(join(dir, file))).ids) ownIds.add(id);
      const others = existsSync(FIXTURES_ROOT)
        ? readdirSync(FIXTURES_ROOT, { withFileTypes: true }).filter((d) => d.isDirectory() && d.name !== dirName).map((d) => d.name)
        : [];
      const unexpected: string[] = [];
      for (const other of others) {
        for (const file of emlFiles(join(FIXTURES_ROOT, other))) {
          const jsonPath = join(FIXTURES_ROOT, other, file.replace(/\.eml$/, '.json'));
          if (!existsSync(jsonPath)) continue; // that directory's own suite reports the missing file
          const expected = JSON.parse(readFileSync(jsonPath, 'utf8')) as { mailverdict?: { gateways?: { id: string }[] } };
          const expectedIds = new Set((expected.mailverdict?.gateways ?? []).map((g) => g.id));
          for (const id of parseDirect(parser, readFileSync(join(FIXTURES_ROOT, other, file))).ids) {
            if (ownIds.has(id) && !expectedIds.has(id)) unexpected.push(`${other}/${file}: ${id}`);
          }
        }
      }
      expect(unexpected).toEqual([]);
    });
  });
}
