import { existsSync, readdirSync } from 'node:fs';
import { describe, expect, it } from 'vitest';
import { splitHeaderBlock } from '../../../src/headers/split-header-block.js';
import { detectParsers, PARSERS, runParsers } from '../../../src/parsers/registry.js';
import type { ParserOutput, VendorParser } from '../../../src/parsers/types.js';

function fake(id: string, headerNames: string[], headerPrefixes: string[], parse?: () => ParserOutput): VendorParser & { calls: number } {
  const p = {
    id, headerNames, headerPrefixes, calls: 0,
    parse(): ParserOutput {
      p.calls++;
      return parse ? parse() : { gateways: [{ id, vendor: 'V', product: id, position: 0, headers: {}, warnings: [] }], warnings: [`${id}:ran`] };
    },
  };
  return p;
}

describe('registry', () => {
  it('registers every agreed vendor parser once', () => {
    const ids = PARSERS.map((p) => p.id);
    expect(new Set(ids).size).toBe(ids.length);
    expect(ids).toEqual(expect.arrayContaining(['kaspersky', 'imail', 'ctch', 'exchange', 'authres']));
  });

  it('registers every VendorParser exported by a src/parsers/*.ts file', async () => {
    const dir = new URL('../../../src/parsers/', import.meta.url);
    const files = readdirSync(dir).filter((f) => f.endsWith('.ts') && f !== 'registry.ts' && f !== 'types.ts');
    const missing: string[] = [];
    const found = new Set<unknown>();
    for (const file of files) {
      const mod = (await import(new URL(file, dir).href)) as Record<string, unknown>;
      for (const [name, value] of Object.entries(mod)) {
        const p = value as Partial<VendorParser> | null;
        if (p !== null && typeof p === 'object' && typeof p.parse === 'function' && Array.isArray(p.headerNames)) {
          found.add(p);
          if (!PARSERS.includes(p as VendorParser)) missing.push(`${file}:${name}`);
        }
      }
    }
    expect(missing).toEqual([]);
    expect(found.size).toBe(PARSERS.length);
  });

  it('names each parser\'s file, fixture folder and test after its registry id; a registered parser without fixtures fails', async () => {
    const root = new URL('../../../', import.meta.url);
    const dir = new URL('src/parsers/', root);
    const misnamed: string[] = [];
    for (const file of readdirSync(dir).filter((f) => f.endsWith('.ts'))) {
      const mod = (await import(new URL(file, dir).href)) as Record<string, unknown>;
      for (const value of Object.values(mod)) {
        if (PARSERS.includes(value as VendorParser) && file !== `${(value as VendorParser).id}.ts`) misnamed.push(`${file} registers '${(value as VendorParser).id}'`);
      }
    }
    expect(misnamed).toEqual([]);
    const fixtures = new URL('test/fixtures/', root);
    const withoutFixtures = PARSERS.map((p) => p.id).filter((id) => {
      const folder = new URL(`${id}/`, fixtures);
      return !existsSync(folder) || !readdirSync(folder).some((f) => f.endsWith('.eml'));
    });
    expect(withoutFixtures).toEqual([]);
    expect(PARSERS.map((p) => p.id).filter((id) => !existsSync(new URL(`test/unit/parsers/${id}.test.ts`, root)))).toEqual([]);
    // Fixture folders that belong to no single parser: hostile input for every parser, mixes of several gateways,
    // and the log parsers' fixtures (their own registry and suite: test/unit/log-parsers).
    const shared = new Set(['hostile', 'multi-gateway', 'logs']);
    const orphans = readdirSync(fixtures, { withFileTypes: true })
      .filter((e) => e.isDirectory() && !shared.has(e.name) && !PARSERS.some((p) => p.id === e.name)).map((e) => e.name);
    expect(orphans).toEqual([]);
  });

  it('detects by exact name and by prefix, case-insensitively, never from values', () => {
    const a = fake('a', ['x-exact'], []);
    const b = fake('b', [], ['x-pre-']);
    const c = fake('c', ['x-other'], ['x-zzz-']);
    const block = splitHeaderBlock('X-EXACT: 1\nx-Pre-Thing: 2\nSubject: X-Other: x-zzz-y\n');
    expect(detectParsers(block, [a, b, c]).map((p) => p.id)).toEqual(['a', 'b']);
  });

  it('detects headers that only occur in MIME parts', () => {
    const b = fake('b', [], ['x-pre-']);
    const block = splitHeaderBlock('Subject: s\n', { parts: [{ path: '1', raw: 'X-Pre-Status: Infected\n' }] });
    expect(detectParsers(block, [b]).map((p) => p.id)).toEqual(['b']);
  });

  it('runs only detected parsers and merges their output sorted by position', () => {
    const a = fake('a', ['x-a'], [], () => ({ gateways: [{ id: 'a', vendor: 'V', product: 'A', position: 3, headers: {}, warnings: [] }], auth: [{ auth: {}, position: 4 }], warnings: ['a:w'] }));
    const b = fake('b', ['x-b'], [], () => ({ gateways: [{ id: 'b', vendor: 'V', product: 'B', position: 1, headers: {}, warnings: [] }], auth: [{ auth: {}, position: 2 }], warnings: ['b:w'] }));
    const idle = fake('idle', ['x-none'], []);
    const out = runParsers(splitHeaderBlock('X-A: 1\nX-B: 2\n'), [a, b, idle]);
    expect(out.gateways.map((g) => g.id)).toEqual(['b', 'a']);
    expect(out.auth?.map((f) => f.position)).toEqual([2, 4]);
    expect(out.warnings).toEqual(['a:w', 'b:w']);
    expect(idle.calls).toBe(0);
  });

  it('turns a throwing parser into parser_error:<id> and keeps the others', () => {
    const bad = fake('bad', ['x-a'], [], () => {
      throw new Error('boom');
    });
    const good = fake('good', ['x-a'], []);
    const out = runParsers(splitHeaderBlock('X-A: 1\n'), [bad, good]);
    expect(out.warnings).toEqual(['parser_error:bad', 'good:ran']);
    expect(out.gateways.map((g) => g.id)).toEqual(['good']);
  });

  it('real parsers: a Kaspersky block is claimed by the Kaspersky parser, a plain one by none', () => {
    const ksmg = splitHeaderBlock('X-KSMG-AntiSpam-Status: not_detected\nX-KSMG-AntiSpam-Interceptor-Info: scan successful\n');
    expect(detectParsers(ksmg).map((p) => p.id)).toContain('kaspersky');
    expect(detectParsers(splitHeaderBlock('Subject: hello\nFrom: a@b.c\n'))).toEqual([]);
  });
});
