// Hostile input: every case must still give a document, with the cap warnings that say what was cut,
// within a bounded time. Small cases are committed in test/fixtures/hostile/; big ones are generated here.
import { readdirSync, readFileSync } from 'node:fs';
import { join } from 'node:path';
import { describe, expect, it } from 'vitest';
import type { ParsedMessage } from '../../../src/document/types.js';
import { parseMessage } from '../../../src/parse/parse-message.js';
import { FIXED_NOW, FIXTURES_ROOT } from '../parsers/describe-parser.js';

const HOSTILE = join(FIXTURES_ROOT, 'hostile');
/** Generous: these run on two shared cores next to other test files. A hang or quadratic blow-up is far above. */
const MAX_MS = 1500;

function parseTimed(raw: Uint8Array | string, limits?: Parameters<typeof parseMessage>[2]): { parsed: ParsedMessage; ms: number } {
  const bytes = typeof raw === 'string' ? Buffer.from(raw, 'latin1') : raw;
  const t0 = performance.now();
  const parsed = parseMessage(bytes, { origin: { kind: 'file', path: 'hostile/generated.eml' }, now: FIXED_NOW }, limits);
  const ms = performance.now() - t0;
  expect(parsed.id).toMatch(/^[0-9a-f]{64}$/);
  expect(parsed.document.event.kind).toBe('event');
  JSON.stringify(parsed.document); // must serialise
  expect(ms).toBeLessThan(MAX_MS);
  return { parsed, ms };
}

const fixture = (name: string): Buffer => readFileSync(join(HOSTILE, name));
const ids = (p: ParsedMessage): string[] => p.document.mailverdict.gateways.map((g) => g.id);
const warnings = (p: ParsedMessage): string[] => p.document.mailverdict.parse.warnings;

describe('hostile fixtures (committed)', () => {
  it('every file in test/fixtures/hostile gives a document in bounded time', () => {
    const files = readdirSync(HOSTILE).filter((f) => f.endsWith('.eml'));
    expect(files.length).toBeGreaterThanOrEqual(6);
    for (const f of files) parseTimed(fixture(f));
  });

  it('truncated headers: what is there is still read', () => {
    const { parsed } = parseTimed(fixture('truncated-headers.eml'));
    expect(ids(parsed)).toContain('ksmg');
    expect(parsed.document['@timestamp']).toBe('2026-04-13T03:49:00.000Z');
    expect(parsed.document.mailverdict.spam.verdict).toBe('spam');
  });

  it('binary garbage: lines without a colon are counted, header-looking lines still read', () => {
    const { parsed } = parseTimed(fixture('binary-garbage.eml'));
    expect(warnings(parsed).some((w) => w.startsWith('header_without_colon:'))).toBe(true);
  });

  it('unbalanced braces and parentheses do not stop any parser', () => {
    const { parsed } = parseTimed(fixture('unbalanced-braces.eml'));
    expect(ids(parsed)).toContain('ksmg');
    expect(parsed.document.mailverdict.spam.verdict).toBe('clean');
    expect(warnings(parsed).some((w) => w.startsWith('parser_error:'))).toBe(false);
  });

  it('encoded-word bombs decode where valid and stay bounded', () => {
    const { parsed } = parseTimed(fixture('encoded-word-bomb.eml'));
    expect(parsed.document.email.subject?.startsWith('äöü')).toBe(true);
    expect(parsed.document.mailverdict.spam.verdict).toBe('clean'); // =?utf-8?Q?not=5Fdetected?=
    expect(parsed.document.email.from?.address).toEqual(['a@b.c']);
  });

  it('pathological strings for the vendor grammars: no parser error, bounded time', () => {
    const { parsed } = parseTimed(fixture('pathological-strings.eml'));
    expect(ids(parsed)).toContain('ksmg');
    expect(warnings(parsed).some((w) => w.startsWith('parser_error:'))).toBe(false);
  });

  it('no body separator, colon-less lines, a leading continuation line', () => {
    const { parsed } = parseTimed(fixture('no-separator.eml'));
    expect(ids(parsed)).toEqual(['ksmg']);
    expect(parsed.document.mailverdict.scan.status).toBe('complete');
    expect(parsed.document.email.subject).toBe('last line without newline');
    expect(warnings(parsed)).toContain('header_without_colon:4');
  });
});

const KSMG_TOP = 'Received: from a by b; Mon, 13 Apr 2026 06:49:00 +0000\r\nX-KSMG-AntiSpam-Status: spam\r\nX-KSMG-AntiSpam-Interceptor-Info: scan successful\r\n';

describe('hostile input (generated)', () => {
  it('1 MB header block: cut at maxHeaderBytes, verdict above the cut still read', () => {
    let filler = '';
    for (let i = 0; filler.length < 1024 * 1024; i++) filler += `X-Filler-${i % 50}: ${'v'.repeat(90)}\r\n`;
    const { parsed } = parseTimed(`${KSMG_TOP}${filler}\r\nbody`);
    expect(warnings(parsed)).toContain('cap:max_header_bytes');
    expect(parsed.document.mailverdict.spam.verdict).toBe('spam');
  });

  it('10,000 headers: cut at maxHeaders', () => {
    const many = Array.from({ length: 10_000 }, (_, i) => `X-H${i}: ${i}`).join('\r\n');
    const { parsed } = parseTimed(`${KSMG_TOP}${many}\r\n\r\n`);
    expect(warnings(parsed)).toContain('cap:max_headers');
    expect(ids(parsed)).toEqual(['ksmg']);
  });

  it('10,000 repeated vendor and auth headers stay bounded', () => {
    const rep = [
      'X-KSMG-AntiSpam-Info: LuaCore: 1 1 abc, {Tracking_x, y}, a.com:1.1;b.com:2.2',
      'Authentication-Results: mx; spf=pass smtp.mailfrom=x; dkim=fail (1024-bit key; x) header.d=y',
      'X-IMAIL-SPAM-VALHELO: (1234)',
      'Received-SPF: pass (x) receiver=mx; client-ip=1.2.3.4',
    ];
    const many = Array.from({ length: 10_000 }, (_, i) => rep[i % rep.length]).join('\r\n');
    const { parsed } = parseTimed(`${KSMG_TOP}${many}\r\n\r\n`);
    expect(warnings(parsed)).toContain('cap:max_headers');
    expect(ids(parsed)).toContain('ksmg');
  });

  it('one 100 KB line is cut at maxLineBytes; one 1 MB line falls beyond maxHeaderBytes', () => {
    const long = parseTimed(`${KSMG_TOP}X-KSMG-AntiSpam-Info: ${'{a, '.repeat(25_000)}\r\nSubject: after\r\n\r\n`).parsed;
    expect(warnings(long)).toContain('cap:max_line_bytes');
    expect(long.document.email.subject).toBe('after');
    const huge = parseTimed(`${KSMG_TOP}X-KSMG-AntiSpam-Info: ${'{a, '.repeat(250_000)}\r\n\r\n`).parsed;
    expect(warnings(huge)).toContain('cap:max_header_bytes');
    expect(huge.document.mailverdict.spam.verdict).toBe('spam');
  });

  it('multipart nested 50 deep: cut at maxDepth', () => {
    let body = 'leaf';
    for (let d = 49; d >= 0; d--) body = `--b${d}\r\nContent-Type: multipart/mixed; boundary=b${d + 1}\r\n\r\n${body}\r\n--b${d}--\r\n`;
    const { parsed } = parseTimed(`${KSMG_TOP}Content-Type: multipart/mixed; boundary=b0\r\n\r\n${body}`);
    expect(warnings(parsed)).toContain('cap:max_depth');
  });

  it('2,000 parts: cut at maxParts', () => {
    const parts = Array.from({ length: 2000 }, (_, i) => `--b\r\nX-KSMG-AntiVirus-Status: Infected\r\nContent-Type: text/plain\r\n\r\npart ${i}\r\n`).join('');
    const { parsed } = parseTimed(`${KSMG_TOP}Content-Type: multipart/mixed; boundary=b\r\n\r\n${parts}--b--\r\n`);
    expect(warnings(parsed)).toContain('cap:max_parts');
  });

  it('a body beyond maxBodyScanBytes is not searched', () => {
    const head = Buffer.from(`${KSMG_TOP}Content-Type: multipart/mixed; boundary=b\r\n\r\n--b\r\nContent-Type: text/plain\r\n\r\n`);
    const filler = Buffer.alloc(17 * 1024 * 1024, 0x61);
    const tail = Buffer.from('\r\n--b\r\nX-KSMG-AntiVirus-Status: Infected\r\n\r\nx\r\n--b--\r\n');
    const { parsed } = parseTimed(Buffer.concat([head, filler, tail]));
    expect(warnings(parsed)).toContain('cap:max_body_scan_bytes');
  });

  it('pathological values under every vendor header name the fixtures use', () => {
    const names = new Set<string>();
    for (const dir of readdirSync(FIXTURES_ROOT)) {
      if (dir === 'hostile') continue;
      for (const f of readdirSync(join(FIXTURES_ROOT, dir)).filter((x) => x.endsWith('.eml'))) {
        for (const line of readFileSync(join(FIXTURES_ROOT, dir, f), 'latin1').split(/\r?\n/)) {
          const m = /^([A-Za-z][A-Za-z0-9_-]{0,80}):/.exec(line);
          if (m?.[1] !== undefined) names.add(m[1]);
        }
      }
    }
    const n = 6000;
    const values = [
      ' '.repeat(n) + 'x', ','.repeat(n), ';'.repeat(n), '{'.repeat(n), '}'.repeat(n), '('.repeat(n), ')'.repeat(n),
      '"'.repeat(n + 1), '='.repeat(n), '9'.repeat(n), '-'.repeat(n), '['.repeat(n), '#'.repeat(n), ':'.repeat(n),
      'a=b '.repeat(n / 4), '1, '.repeat(n / 3), 'x.'.repeat(n / 2), '(a,'.repeat(n / 3), '{a, '.repeat(n / 4),
      'not scanned, '.repeat(n / 13), 'bases: '.repeat(n / 7), '2026/04/13 '.repeat(n / 11), '\t'.repeat(n) + ',',
      'spf=pass ('.repeat(n / 10), 'i=1; '.repeat(n / 5), '=?utf-8?q?'.repeat(n / 10),
    ];
    let worst = 0;
    let worstCase = '';
    for (const name of names) {
      for (const v of values) {
        const { ms } = parseTimed(`${name}: ${v}\r\n${name}: ${v.slice(0, 100)}\r\n\r\n`);
        if (ms > worst) {
          worst = ms;
          worstCase = `${name}: ${v.slice(0, 20)}…`;
        }
      }
    }
    expect(names.size).toBeGreaterThan(20);
    expect(worst, worstCase).toBeLessThan(250);
  });
});
