// Property test: thousands of mutated header blocks built from every fixture .eml. For each: no throw,
// a well-formed document that fits the index template with canonical enum values, and bounded time.
// Deterministic (seeded); a failure prints the seed and the case number to reproduce it.
import { readdirSync, readFileSync } from 'node:fs';
import { join } from 'node:path';
import { describe, expect, it } from 'vitest';
import { AUTH_RESULTS, AV_STATUSES, SCAN_STATUSES, SPAM_VERDICTS, THREAT_STATUSES } from '../../src/document/enums.js';
import type { MailverdictDocument } from '../../src/document/types.js';
import { mappingProblems } from '../../src/mappings/field-paths.js';
import { parseMessage } from '../../src/parse/parse-message.js';
import { FIXED_NOW, FIXTURES_ROOT, REPO_ROOT } from './parsers/describe-parser.js';

const CASES = 12_000;
const SEED = Number(process.env['FUZZ_SEED'] ?? 20260413);
/** Generous bound per message (not a speed target): catches hangs and quadratic blow-ups. */
const MAX_MS_PER_MESSAGE = 250;

function rng(seed: number): () => number {
  let s = seed >>> 0;
  return () => {
    // mulberry32
    s = (s + 0x6d2b79f5) >>> 0;
    let t = s;
    t = Math.imul(t ^ (t >>> 15), t | 1);
    t ^= t + Math.imul(t ^ (t >>> 7), t | 61);
    return ((t ^ (t >>> 14)) >>> 0) / 4294967296;
  };
}

function loadCorpus(): Buffer[] {
  const out: Buffer[] = [];
  for (const dir of readdirSync(FIXTURES_ROOT, { withFileTypes: true })) {
    if (!dir.isDirectory()) continue;
    for (const f of readdirSync(join(FIXTURES_ROOT, dir.name)).filter((x) => x.endsWith('.eml')).sort()) {
      const raw = readFileSync(join(FIXTURES_ROOT, dir.name, f));
      if (raw.length <= 64 * 1024) out.push(raw); // the big hostile ones are covered by hostile.test.ts
    }
  }
  return out;
}

const INSERTS = [
  '\r\n ', '\n\t', '\r\n', '\n', '\r', '{', '}', '{{{', '}}}', '(', ')', '((', '))', ';', ';;', ',', ', ', '=', '"', '\\', '<', '>',
  ':', ': ', '[', ']', '#', '\0', '\u00ff', '=?utf-8?B?w6TDtsO8?=', '=?utf-8?Q?a=5Fb?=', '=?', '?=', '=?x?Q?', 'bases: ',
  'not scanned, ', 'version ', 'spf=pass ', 'dkim=fail (a; b) ', 'i=1; ', 'LuaCore: 1 1 x, ', ' #123', '2026/04/13 06:49:00',
  '\r\nX-KSMG-AntiSpam-Status: spam\r\n', '\r\nX-IMAIL-SPAM-VALHELO: (1)\r\n', '\r\nAuthentication-Results: x; spf=fail\r\n',
  '\r\nContent-Type: multipart/mixed; boundary=b\r\n\r\n--b\r\nX-KSMG-AntiVirus-Status: Infected\r\n\r\n--b--\r\n',
];

function mutate(base: Buffer, corpus: Buffer[], r: () => number): Buffer {
  let b = base;
  const pick = <T,>(list: readonly T[]): T => list[Math.floor(r() * list.length)] as T;
  const at = (): number => Math.floor(r() * (b.length + 1));
  const rounds = 1 + Math.floor(r() * 4);
  for (let k = 0; k < rounds; k++) {
    switch (Math.floor(r() * 7)) {
      case 0: { // byte flips
        b = Buffer.from(b);
        const flips = 1 + Math.floor(r() * 8);
        for (let i = 0; i < flips && b.length > 0; i++) b[Math.floor(r() * b.length)] = Math.floor(r() * 256);
        break;
      }
      case 1: // truncation
        b = b.subarray(0, at());
        break;
      case 2: { // duplicate a range (repeated headers, long values)
        const s = at();
        const e = Math.min(b.length, s + Math.floor(r() * 400));
        const times = 1 + Math.floor(r() * 20);
        b = Buffer.concat([b.subarray(0, e), ...Array.from({ length: times }, () => b.subarray(s, e)), b.subarray(e)]);
        break;
      }
      case 3: { // splice with another fixture
        const other = pick(corpus);
        b = Buffer.concat([b.subarray(0, at()), other.subarray(Math.floor(r() * other.length))]);
        break;
      }
      case 4: case 5: { // inserted folds, braces, semicolons, encoded words, vendor fragments
        const n = 1 + Math.floor(r() * 6);
        for (let i = 0; i < n; i++) {
          const p = at();
          b = Buffer.concat([b.subarray(0, p), Buffer.from(pick(INSERTS), 'utf8'), b.subarray(p)]);
        }
        break;
      }
      default: { // line ending swaps
        const s = b.toString('latin1');
        b = Buffer.from(r() < 0.5 ? s.replace(/\r\n/g, '\n') : s.replace(/\r?\n/g, '\r'), 'latin1');
      }
    }
  }
  return b;
}

const ENUMS: [string, readonly string[], (d: MailverdictDocument) => (string | undefined)[]][] = [
  ['spam.verdict', SPAM_VERDICTS, (d) => [d.mailverdict.spam.verdict, ...d.mailverdict.gateways.map((g) => g.spam?.verdict)]],
  ['scan.status', SCAN_STATUSES, (d) => [d.mailverdict.scan.status, ...d.mailverdict.gateways.map((g) => g.scan?.status)]],
  ['auth', AUTH_RESULTS, (d) => [d.mailverdict.auth.spf?.result, d.mailverdict.auth.dkim?.result, d.mailverdict.auth.dmarc?.result]],
  ['av.status', AV_STATUSES, (d) => d.mailverdict.gateways.map((g) => g.av?.status)],
  ['threat', THREAT_STATUSES, (d) => d.mailverdict.gateways.flatMap((g) => [g.phishing?.status, g.links?.status, g.sandbox?.status])],
];

describe('fuzz: mutated header blocks', () => {
  it(`${CASES} mutated messages: no throw, a valid document each time, bounded time`, () => {
    const corpus = loadCorpus();
    expect(corpus.length).toBeGreaterThan(20);
    const template = JSON.parse(readFileSync(join(REPO_ROOT, 'mappings', 'mailverdict-template.json'), 'utf8')) as unknown;
    const r = rng(SEED);
    let worstMs = 0;
    let worstCase = -1;
    const problems: string[] = [];
    for (let i = 0; i < CASES; i++) {
      const input = mutate(corpus[i % corpus.length] as Buffer, corpus, r);
      const t0 = performance.now();
      let doc: MailverdictDocument;
      try {
        const parsed = parseMessage(input, { origin: { kind: 'file', path: `fuzz/${i}.eml` }, now: FIXED_NOW });
        doc = parsed.document;
        if (!/^[0-9a-f]{64}$/.test(parsed.id)) problems.push(`case ${i}: bad id`);
      } catch (err) {
        throw new Error(`seed ${SEED} case ${i} threw: ${String(err)}`);
      }
      const ms = performance.now() - t0;
      if (ms > worstMs) {
        worstMs = ms;
        worstCase = i;
      }
      if (Number.isNaN(Date.parse(doc['@timestamp']))) problems.push(`case ${i}: bad @timestamp ${doc['@timestamp']}`);
      for (const [name, allowed, get] of ENUMS) {
        for (const v of get(doc)) if (v !== undefined && !allowed.includes(v)) problems.push(`case ${i}: ${name}=${v}`);
      }
      // Sampled: the mapping walk is the slowest check and the mutations repeat in kind.
      if (i % 2 === 0) for (const p of mappingProblems(JSON.parse(JSON.stringify(doc)) as unknown, template)) problems.push(`case ${i}: ${p}`);
      if (problems.length > 20) break;
    }
    expect(problems, `seed ${SEED}`).toEqual([]);
    expect(worstMs, `seed ${SEED} slowest case ${worstCase}`).toBeLessThan(MAX_MS_PER_MESSAGE);
  });
});
