import { describe, expect, it } from 'vitest';
import type { HeaderBlock, HeaderField } from '../../../src/headers/types.js';
import { exchangeSclParser, parseScl } from '../../../src/parsers/exchange.js';
import { describeParser } from './describe-parser.js';

function block(headers: readonly (readonly [string, string])[]): HeaderBlock {
  const fields: HeaderField[] = headers.map(([name, value], index) => ({ key: name.toLowerCase(), originalKey: name, value, index }));
  const byName = new Map<string, HeaderField[]>();
  for (const f of fields) byName.set(f.key, [...(byName.get(f.key) ?? []), f]);
  return { fields, byName, parts: [], warnings: [] };
}

describe('parseScl', () => {
  it('accepts -1..10 integers only', () => {
    expect(parseScl('-1')).toBe(-1);
    expect(parseScl(' 9 ')).toBe(9);
    expect(parseScl('10')).toBe(10);
    for (const bad of ['', '-', '11', '-2', '5.0', 'abc', '1e1', '0x1', '-'.repeat(10_000)]) expect(parseScl(bad)).toBeUndefined();
  });
});

describe('exchangeSclParser', () => {
  it.each([
    ['-1', { verdict: 'allowlisted' }, { status: 'skipped', reason: 'allowlist' }],
    ['0', { verdict: 'clean' }, { status: 'complete' }],
    ['1', { verdict: 'clean' }, { status: 'complete' }],
    ['3', { verdict: 'suspect' }, { status: 'complete' }],
    ['5', { verdict: 'spam' }, { status: 'complete' }],
    ['6', { verdict: 'spam' }, { status: 'complete' }],
    ['7', { verdict: 'spam', confidence: 'high' }, { status: 'complete' }],
    ['9', { verdict: 'spam', confidence: 'high' }, { status: 'complete' }],
  ] as const)('SCL %s outside Kaspersky', (raw, spam, scan) => {
    const out = exchangeSclParser.parse(block([['Received', 'x'], ['X-MS-Exchange-Organization-SCL', raw]]));
    const g = out.gateways[0]!;
    expect(g).toMatchObject({ id: 'exchange', position: 1, scl: Number(raw), scan, warnings: [] });
    expect(g.spam).toEqual({ ...spam, raw, score: Number(raw), scale: 'scl_-1_9' });
    expect(g.headers).toEqual({ 'x-ms-exchange-organization-scl': [raw] });
  });

  it('stays silent when Kaspersky headers are present (they read SCL in their own context)', () => {
    for (const name of ['X-KSMG-AntiSpam-Status', 'X-KLMS-AntiSpam-Status', 'X-KSE-AntiSpam-Info']) {
      const out = exchangeSclParser.parse(block([[name, 'not_detected'], ['X-MS-Exchange-Organization-SCL', '-1']]));
      expect(out).toEqual({ gateways: [], warnings: [] });
    }
  });

  it('keeps an unreadable SCL as unknown with a warning', () => {
    const g = exchangeSclParser.parse(block([['X-MS-Exchange-Organization-SCL', 'high']])).gateways[0]!;
    expect(g.spam).toEqual({ verdict: 'unknown', raw: 'high' });
    expect(g.scl).toBeUndefined();
    expect(g.warnings).toEqual(['exchange:bad_scl:high']);
  });

  it('uses the topmost SCL', () => {
    const g = exchangeSclParser.parse(block([['X-MS-Exchange-Organization-SCL', '5'], ['X-MS-Exchange-Organization-SCL', '-1']])).gateways[0]!;
    expect(g.scl).toBe(5);
    expect(g.headers['x-ms-exchange-organization-scl']).toEqual(['5', '-1']);
  });
});

describe('exchangeSclParser Kaspersky context (aliases, legacy, MIME parts)', () => {
  it('is silent for SpamTest, doc-typo aliases and part-only Kaspersky AV status', () => {
    for (const name of ['X-SpamTest-Status', 'X-RLMS-AntiSpam-Status']) {
      expect(exchangeSclParser.parse(block([[name, 'x'], ['X-MS-Exchange-Organization-SCL', '9']])).gateways).toEqual([]);
    }
    const b = block([['X-MS-Exchange-Organization-SCL', '-1']]);
    const withPart: HeaderBlock = {
      ...b,
      parts: [{ path: '2', fields: [{ key: 'x-ksmg-antivirus-status', originalKey: 'X-KSMG-AntiVirus-Status', value: 'Clean, skipped', index: 0 }] }],
    };
    expect(exchangeSclParser.parse(withPart).gateways).toEqual([]);
    expect(exchangeSclParser.parse(b).gateways).toHaveLength(1);
  });
});

describeParser(exchangeSclParser, 'test/fixtures/exchange');
