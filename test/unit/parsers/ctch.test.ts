import { describe, expect, it } from 'vitest';
import type { HeaderBlock, HeaderField } from '../../../src/headers/types.js';
import { commtouchParser, parseRefId } from '../../../src/parsers/ctch.js';
import { describeParser } from './describe-parser.js';

function block(headers: readonly (readonly [string, string])[]): HeaderBlock {
  const fields: HeaderField[] = headers.map(([name, value], index) => ({ key: name.toLowerCase(), originalKey: name, value, index }));
  const byName = new Map<string, HeaderField[]>();
  for (const f of fields) byName.set(f.key, [...(byName.get(f.key) ?? []), f]);
  return { fields, byName, parts: [], warnings: [] };
}

function gateway(headers: readonly (readonly [string, string])[]) {
  const out = commtouchParser.parse(block(headers));
  expect(out.gateways).toHaveLength(1);
  return out.gateways[0]!;
}

describe('parseRefId', () => {
  it('reads old and new RefID layouts', () => {
    expect(Object.fromEntries(parseRefId('str=0001.0A010208.492285A9.0064,ss=4,pt=62280,fgs=12')))
      .toEqual({ str: '0001.0A010208.492285A9.0064', ss: '4', pt: '62280', fgs: '12' });
    const newer = parseRefId('str=0001.0A01020A.48c14898.006B:SCFSTAT211622a,ss=1,re=0.000,recu=0.000,reip=0.000,cl=1,cld=1,fgs=0');
    expect(newer.get('str')).toBe('0001.0A01020A.48c14898.006B:SCFSTAT211622a');
    expect(newer.get('re')).toBe('0.000');
  });

  it('is bounded on hostile input', () => {
    const t0 = performance.now();
    expect(parseRefId(','.repeat(1_000_000)).size).toBe(0);
    expect(parseRefId('a=b,'.repeat(100_000)).size).toBe(1);
    expect(performance.now() - t0).toBeLessThan(200);
  });
});

describe('commtouchParser', () => {
  it('yields nothing without X-CTCH headers', () => {
    expect(commtouchParser.parse(block([['X-Other', '1']]))).toEqual({ gateways: [], warnings: [] });
  });

  it.each([
    ['Confirmed', 'spam'], ['Bulk', 'bulk'], ['Suspected', 'suspect'], ['Valid Mail', 'clean'], ['NonSpam', 'clean'],
    ['Unknown', 'none'], ['UNKNOWN', 'none'],
  ] as const)('maps X-CTCH-Spam %s → %s', (raw, verdict) => {
    const g = gateway([['X-CTCH-Spam', raw]]);
    expect(g.spam).toEqual({ verdict, raw });
    expect(g.scan).toEqual({ status: 'complete' });
    expect(g.warnings).toEqual([]);
  });

  it('reads a full real-style block', () => {
    const g = gateway([
      ['Received', 'x'],
      ['X-CTCH-RefID', 'str=0001.0A010208.492285A9.0064,ss=4,pt=62280,fgs=12'],
      ['X-CTCH-VOD', 'Unknown'],
      ['X-CTCH-Spam', 'Bulk'],
      ['X-CTCH-Score', '1.5'],
      ['X-CTCH-ScoreCust', '0.000'],
      ['X-CTCH-Rules', 'C_4847,'],
      ['X-CTCH-Flags', '0'],
      ['X-CTCH-PVer', '0000001'],
      ['X-CTCH-SenderID', 'sender@example.com'],
      ['X-CTCH-Action', 'Ignore'],
    ]);
    expect(g).toMatchObject({ id: 'ctch', position: 1, envelope_from: 'sender@example.com', warnings: [] });
    expect(g.spam).toEqual({ verdict: 'bulk', raw: 'Bulk', score: 1.5, scale: 'ctch_score', rules: ['C_4847'] });
    expect(g.av).toBeUndefined();
    expect(Object.keys(g.headers)).toHaveLength(10);
  });

  it('takes the score from RefID re= when X-CTCH-Score is absent', () => {
    const g = gateway([['X-CTCH-RefID', 'str=0001.0A01020A.48c14898.006B:SCFSTAT211622a,ss=1,re=12.5,fgs=0']]);
    expect(g.spam).toEqual({ verdict: 'none', score: 12.5, scale: 'ctch_score' });
    expect(g.scan).toEqual({ status: 'complete' });
  });

  it('maps X-CTCH-Error to scan error', () => {
    const g = gateway([['X-CTCH-Error', 'Unable to connect local ctasd']]);
    expect(g.scan).toEqual({ status: 'error', raw: 'Unable to connect local ctasd' });
    expect(g.spam).toEqual({ verdict: 'none' });
    expect(gateway([['X-CTCH-Flags', '0']]).scan).toBeUndefined();
  });

  it('maps VOD classes and flags what it does not know', () => {
    expect(gateway([['X-CTCH-VOD', 'Virus']]).av).toEqual({ status: 'infected', raw: 'Virus' });
    expect(gateway([['X-CTCH-VOD', 'High']]).av).toEqual({ status: 'suspicious', raw: 'High' });
    const g = gateway([['X-CTCH-VOD', 'Odd'], ['X-CTCH-Spam', 'Whatever'], ['X-CTCH-Score', 'n/a'], ['X-CTCH-RefID', 'garbage']]);
    expect(g.av).toEqual({ status: 'unknown', raw: 'Odd' });
    expect(g.spam?.verdict).toBe('unknown');
    expect(g.warnings).toEqual(['ctch:unknown_spam_class:Whatever', 'ctch:bad_refid:garbage', 'ctch:bad_score:n/a', 'ctch:unknown_vod:Odd']);
  });
});

describeParser(commtouchParser, 'test/fixtures/ctch');
