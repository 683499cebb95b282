// The one behaviour suite every log parser runs: `describeLogParser(rspamdParser, 'test/fixtures/logs/rspamd')`.
// For each <name>.log: every line goes through the whole log path (parseLogInput + part assembly) and the
// results must equal <name>.json (an array: event documents without clock/version fields, `{"other": "family/kind"}`
// for counted non-event lines). Lines of a fixture are this parser's own (`not-*.log`: it must detect none of them),
// every document field must be mapped, and the parser detects no line of another family's fixtures.
// UPDATE_FIXTURES=1 writes missing .json files from the current output (never overwrites) — review them by hand.
import { existsSync, readdirSync, readFileSync, writeFileSync } from 'node:fs';
import { basename, join, relative, resolve } from 'node:path';
import { describe, expect, it } from 'vitest';
import type { ParsedLogEvent } from '../../../src/document/log-document.js';
import { MemoryPartAssembler } from '../../../src/parse/log-parts.js';
import { mappingProblems } from '../../../src/mappings/field-paths.js';
import { parseLogInput, type LogResult } from '../../../src/parse/parse-log.js';
import type { LogParser } from '../../../src/log-parsers/types.js';
import { parseSyslog } from '../../../src/syslog/parse-syslog.js';
import { FIXED_NOW, FIXTURES_ROOT, REPO_ROOT } from '../parsers/describe-parser.js';

const LOG_FIXTURES = join(FIXTURES_ROOT, 'logs');
const TEMPLATE = join(REPO_ROOT, 'mappings', 'mailverdict-template.json');

export function logFixtureView(parsed: ParsedLogEvent): Record<string, unknown> {
  const doc = JSON.parse(JSON.stringify(parsed.document)) as { event: Record<string, unknown>; mailverdict: { parse: Record<string, unknown> } };
  delete doc.event['created'];
  delete doc.event['ingested'];
  delete doc.mailverdict.parse['parser_version'];
  return { _id: parsed.id, ...doc };
}

function fixtureLines(path: string): string[] {
  return readFileSync(path, 'utf8').split('\n').filter((l) => l !== '' && !l.startsWith('#'));
}

/** Runs a fixture file like `mailverdict parse --log` does. */
export function runLogFixture(path: string): { views: unknown[]; events: ParsedLogEvent[]; results: LogResult[] } {
  const assembler = new MemoryPartAssembler();
  const views: unknown[] = [];
  const events: ParsedLogEvent[] = [];
  const results: LogResult[] = [];
  const rel = relative(REPO_ROOT, path);
  let offset = 0;
  for (const line of readFileSync(path, 'utf8').split('\n')) {
    const lineOffset = offset;
    offset += Buffer.byteLength(line) + 1;
    if (line === '' || line.startsWith('#')) continue;
    const input = { raw: line, file: { path: rel, offset: lineOffset }, now: FIXED_NOW };
    const out = assembler.add(parseLogInput(input), input);
    if (out === undefined) continue;
    results.push(out);
    if (out.type === 'event') {
      events.push(out.parsed);
      views.push(logFixtureView(out.parsed));
    } else if (out.type === 'other') {
      views.push({ other: `${out.family}/${out.kind}` });
    }
  }
  if (assembler.incomplete > 0) views.push({ incomplete: assembler.incomplete });
  return { views, events, results };
}

function logFiles(dir: string): string[] {
  return existsSync(dir) ? readdirSync(dir).filter((f) => f.endsWith('.log')).sort() : [];
}

function detects(parser: LogParser, line: string): boolean {
  const h = parseSyslog(line, FIXED_NOW);
  return parser.detect({ message: h.message, appName: h.appName, hostname: h.hostname, timestamp: h.timestamp, now: FIXED_NOW });
}

export function describeLogParser(parser: LogParser, fixturesDir: string): void {
  const dir = resolve(REPO_ROOT, fixturesDir);
  const dirName = relative(LOG_FIXTURES, dir);
  const files = logFiles(dir);
  const update = process.env['UPDATE_FIXTURES'] === '1';

  describe(`log parser ${parser.id} (${dirName})`, () => {
    it('has fixtures', () => {
      expect(files.length).toBeGreaterThan(0);
    });

    describe.each(files)('%s', (file) => {
      const path = join(dir, file);
      const jsonPath = join(dir, `${basename(file, '.log')}.json`);
      const negative = file.startsWith('not-');

      it('parses to the expected results', () => {
        const { views } = runLogFixture(path);
        if (!existsSync(jsonPath)) {
          if (!update) throw new Error(`missing ${relative(REPO_ROOT, jsonPath)}: run with UPDATE_FIXTURES=1, then review it by hand`);
          writeFileSync(jsonPath, `${JSON.stringify(views, null, 2)}\n`);
          return;
        }
        expect(views).toEqual(JSON.parse(readFileSync(jsonPath, 'utf8')));
      });

      it(negative ? 'has no line this parser detects' : 'is this parser\'s: every line detected, every event from this family', () => {
        const lines = fixtureLines(path);
        if (negative) {
          expect(lines.filter((l) => detects(parser, l))).toEqual([]);
          return;
        }
        expect(lines.filter((l) => !detects(parser, l))).toEqual([]);
        for (const e of runLogFixture(path).events) expect(e.document.mailverdict.log.family).toBe(parser.id);
      });

      it('uses only fields mapped in mappings/mailverdict-template.json', () => {
        const template = JSON.parse(readFileSync(TEMPLATE, 'utf8')) as unknown;
        for (const e of runLogFixture(path).events) expect(mappingProblems(JSON.parse(JSON.stringify(e.document)), template)).toEqual([]);
      });
    });

    it('detects no line of another family\'s fixtures', () => {
      const others = readdirSync(LOG_FIXTURES, { withFileTypes: true }).filter((d) => d.isDirectory() && join(LOG_FIXTURES, d.name) !== dir);
      const claimed: string[] = [];
      for (const other of others) {
        for (const file of logFiles(join(LOG_FIXTURES, other.name))) {
          if (file.startsWith('not-')) continue;
          for (const line of fixtureLines(join(LOG_FIXTURES, other.name, file))) if (detects(parser, line)) claimed.push(`${other.name}/${file}: ${line.slice(0, 80)}`);
        }
      }
      expect(claimed).toEqual([]);
    });
  });
}
