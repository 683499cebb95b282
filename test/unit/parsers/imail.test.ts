import { describe, expect, it } from 'vitest';
import type { HeaderBlock, HeaderField } from '../../../src/headers/types.js';
import { imailParser } from '../../../src/parsers/imail.js';
import { isImailMessageId, splitTuple } from '../../../src/parsers/imail/split-tuple.js';
import { describeParser } from './describe-parser.js';

function block(headers: readonly (readonly [string, string])[]): HeaderBlock {
  const fields: HeaderField[] = headers.map(([name, value], index) => ({ key: name.toLowerCase(), originalKey: name, value, index }));
  const byName = new Map<string, HeaderField[]>();
  for (const f of fields) byName.set(f.key, [...(byName.get(f.key) ?? []), f]);
  return { fields, byName, parts: [], warnings: [] };
}

function gateway(headers: readonly (readonly [string, string])[]) {
  const out = imailParser.parse(block(headers));
  expect(out.gateways).toHaveLength(1);
  return out.gateways[0]!;
}

describe('splitTuple', () => {
  it('splits with a max-field limit, the last field keeping its commas', () => {
    expect(splitTuple('(v6net,514313bf02441ffa,65.77.130.111)', 3).fields).toEqual(['v6net', '514313bf02441ffa', '65.77.130.111']);
    expect(splitTuple('(12345678, buy now, cheap, pills)', 2).fields).toEqual(['12345678', 'buy now, cheap, pills']);
    expect(splitTuple('(svc, 1, reason, with, commas)', 3).fields).toEqual(['svc', '1', 'reason, with, commas']);
    expect(splitTuple(' (23265432) ', 1)).toEqual({ fields: ['23265432'], unbalanced: false, bare: false });
    expect(splitTuple('', 1)).toEqual({ fields: [], unbalanced: false, bare: true });
    expect(splitTuple('()', 2).fields).toEqual([]);
  });

  it('tolerates unbalanced and missing parentheses', () => {
    expect(splitTuple('(1234,example.com', 2)).toEqual({ fields: ['1234', 'example.com'], unbalanced: true, bare: false });
    expect(splitTuple('1234,example.com)', 2)).toEqual({ fields: ['1234', 'example.com'], unbalanced: true, bare: false });
    expect(splitTuple('97976604', 1)).toEqual({ fields: ['97976604'], unbalanced: false, bare: true });
  });

  it('recognises decimal and 16-hex message ids only', () => {
    expect(isImailMessageId('97976604')).toBe(true);
    expect(isImailMessageId('957e2e3900a8e1d5')).toBe(true);
    expect(isImailMessageId('957E2E3900A8E1D5')).toBe(true);
    expect(isImailMessageId('957e2e39')).toBe(false);
    expect(isImailMessageId('v6net')).toBe(false);
    expect(isImailMessageId('')).toBe(false);
  });

  it('is fast on huge values', () => {
    const t0 = performance.now();
    splitTuple('('.repeat(1_000_000), 3);
    splitTuple(','.repeat(1_000_000), 3);
    splitTuple(`(${'a,'.repeat(500_000)})`, 2);
    expect(performance.now() - t0).toBeLessThan(500);
  });
});

describe('imailParser', () => {
  it('yields nothing without IMail headers', () => {
    expect(imailParser.parse(block([['Subject', 'x']]))).toEqual({ gateways: [], warnings: [] });
  });

  it('reads the real DNSBL example into rules and blocklists', () => {
    const g = gateway([['Received', 'x'], ['X-IMAIL-SPAM-DNSBL', '(v6net,514313bf02441ffa,65.77.130.111)']]);
    expect(g).toMatchObject({ id: 'imail', position: 1, blocklists: ['dnsbl:v6net'], warnings: [] });
    expect(g.spam).toEqual({ verdict: 'suspect', raw: 'X-IMAIL-SPAM-DNSBL', rules: ['DNSBL'] });
    expect(g.headers).toEqual({ 'x-imail-spam-dnsbl': ['(v6net,514313bf02441ffa,65.77.130.111)'] });
    expect(g.scan).toEqual({ status: 'complete' });
  });

  it('accepts both IMail message id forms and VALHELO with an id', () => {
    const g = gateway([
      ['X-IMAIL-SPAM-VALFROM', '(957e2e3900a8e1d5)'],
      ['X-IMAIL-SPAM-VALREVDNS', '(97976604)'],
      ['X-IMAIL-SPAM-VALHELO', '(23265432)'],
    ]);
    expect(g.spam?.rules).toEqual(['VALFROM', 'VALREVDNS', 'VALHELO']);
    expect(g.warnings).toEqual([]);
  });

  it('reads VALHELO without arguments (documented form)', () => {
    expect(gateway([['X-IMAIL-SPAM-VALHELO', '']]).warnings).toEqual([]);
  });

  it('handles the arity drift of HELODOMAIN / INVALIDFROM / IP4R / PHRASE', () => {
    const old = gateway([
      ['X-IMAIL-SPAM-HELODOMAIN', '(badhelo.example)'],
      ['X-IMAIL-SPAM-INVALIDFROM', '(nobody@invalid)'],
      ['X-IMAIL-SPAM-IP4R', '(ip4r.example.net)'],
      ['X-IMAIL-SPAM-PHRASE', '(12345678)'],
    ]);
    const next = gateway([
      ['X-IMAIL-SPAM-HELODOMAIN', '(12345678,badhelo.example)'],
      ['X-IMAIL-SPAM-INVALIDFROM', '(12345678, nobody@invalid)'],
      ['X-IMAIL-SPAM-IP4R', '(957e2e3900a8e1d5, ip4r.example.net)'],
      ['X-IMAIL-SPAM-PHRASE', '(12345678, free, money, now)'],
    ]);
    for (const g of [old, next]) {
      expect(g.warnings).toEqual([]);
      expect(g.blocklists).toEqual(['ip4r:ip4r.example.net']);
      expect(g.spam?.rules).toEqual(['HELODOMAIN', 'INVALIDFROM', 'IP4R', 'PHRASE']);
    }
  });

  it('folds name variants into one rule and reads the statistical probability', () => {
    const g = gateway([
      ['X-IMAIL-SPAM-STATISTIC', '(12345678,98)'],
      ['X-IMAIL-SPAM-STATISTICS', '(12345678,0.5)'],
      ['X-IMAIL-SPAM-HTML_FEATURES', '(12345678,IFRAME,SCRIPT)'],
      ['X-IMAIL-SPAM-FEATURES', '(12345678,OBJECT)'],
      ['X-IMAIL-SPAM-HTML-FEATURES', '(12345678,EMBED)'],
      ['X-IMAIL-SPAM-URL-DBL', '(12345678,bad.example)'],
    ]);
    expect(g.spam).toMatchObject({ verdict: 'suspect', score: 98, scale: 'imail_probability', rules: ['STATISTICS', 'HTML-FEATURES', 'URL-DBL'] });
    expect(g.blocklists).toEqual(['url-dbl']);
    expect(g.warnings).toEqual([]);
  });

  it('reads the SPF result from the header name', () => {
    const cases = [
      ['X-IMail-SPAM-SPF-Pass', 'pass'], ['X-IMail-SPAM-SPF-Fail', 'fail'], ['X-IMail-SPAM-SPF-Softfail', 'softfail'],
      ['X-IMail-SPAM-SPF-None', 'none'], ['X-IMail-SPAM-SPF-Neutral', 'neutral'], ['X-IMail-SPAM-SPF-Error', 'permerror'],
      ['X-IMail-SPAM-SPF-TempError', 'temperror'],
    ] as const;
    for (const [name, result] of cases) {
      const g = gateway([[name, '']]);
      expect(g.auth?.spf).toEqual({ result, raw: name, source: name.toLowerCase() });
      const fired = result === 'fail' || result === 'softfail';
      expect(g.spam?.verdict).toBe(fired ? 'suspect' : 'none');
    }
    const odd = gateway([['X-IMail-SPAM-SPF-Weird', '']]);
    expect(odd.auth?.spf?.result).toBe('unknown');
    expect(odd.warnings).toEqual(['imail:unknown_spf_result:weird']);
  });

  it('maps the Premium classes as Commtouch does, the strongest winning', () => {
    expect(gateway([['X-IMAIL-SPAM-CONFIRMED', '']]).spam?.verdict).toBe('spam');
    expect(gateway([['X-IMAIL-SPAM-BULK', '']]).spam?.verdict).toBe('bulk');
    expect(gateway([['X-IMAIL-SPAM-SUSPECTED', '']]).spam?.verdict).toBe('suspect');
    expect(gateway([['X-IMAIL-SPAM-UNKNOWN', '']]).spam).toEqual({ verdict: 'none', raw: 'X-IMAIL-SPAM-UNKNOWN' });
    expect(gateway([['X-IMAIL-SPAM-UNKNOWN', ''], ['X-IMAIL-SPAM-DNSBL', '(zen,1,1.2.3.4)']]).spam?.verdict).toBe('suspect');
    expect(gateway([['X-IMAIL-SPAM-DNSBL', '(zen,1,1.2.3.4)'], ['X-IMAIL-SPAM-CONFIRMED', '']]).spam)
      .toEqual({ verdict: 'spam', raw: 'X-IMAIL-SPAM-CONFIRMED', rules: ['DNSBL'] });
    expect(gateway([['X-IMail-SPAM-Premium', '']]).spam).toEqual({ verdict: 'suspect', raw: 'X-IMail-SPAM-Premium', rules: ['Premium'] });
  });

  it('reads Broken-MIME, Attachment-Blocked and ThreadID', () => {
    const g = gateway([
      ['X-IMAIL-ThreadID', '(12345678)'],
      ['X-IMail-Broken-Mime-Header', ''],
      ['X-IMAIL-Broken-MIME-HEADERS', ''],
      ['X-IMAIL-Attachment-Blocked', ''],
    ]);
    expect(g.spam).toEqual({ verdict: 'none', rules: ['Broken-MIME-Header'] });
    expect(g.action).toEqual({ type: 'modify', module: 'attachment_blocking', raw: 'X-IMAIL-Attachment-Blocked' });
    expect(Object.keys(g.headers)).toHaveLength(4);
    expect(g.scan).toBeUndefined();
    expect(g.warnings).toEqual([]);
  });

  it('flags unknown tests, bad ids, bad arity and unbalanced tuples but keeps going', () => {
    const g = gateway([
      ['X-IMAIL-SPAM-NEWTEST', '(1)'],
      ['X-IMAIL-SPAM-DNSBL', '(zen.spamhaus.org,notanid,1.2.3.4'],
      ['X-IMAIL-SPAM-ADDRBL', '(only-one)'],
      ['X-IMAIL-SPAM-STATISTICS', '(1234,abc)'],
      ['X-IMAIL-Something', 'x'],
    ]);
    expect(g.spam?.rules).toEqual(['NEWTEST', 'DNSBL', 'ADDRBL', 'STATISTICS']);
    expect(g.blocklists).toEqual(['dnsbl:zen.spamhaus.org', 'addrbl:only-one']);
    expect(g.warnings).toEqual([
      'imail:unknown_test:newtest',
      'imail:unbalanced_tuple:DNSBL:(zen.spamhaus.org,notanid,1.2.3.4',
      'imail:bad_msg_id:DNSBL:(zen.spamhaus.org,notanid,1.2.3.4',
      'imail:unexpected_arity:ADDRBL:1',
      'imail:bad_probability:STATISTICS:(1234,abc)',
      'imail:unknown_header:x-imail-something',
    ]);
  });

  it('is fast on hostile values', () => {
    const t0 = performance.now();
    const g = gateway([
      ['X-IMAIL-SPAM-DNSBL', '('.repeat(500_000)],
      ['X-IMAIL-SPAM-PHRASE', `(1,${','.repeat(500_000)})`],
      ['X-IMAIL-SPAM-STATISTICS', `(1,${'9'.repeat(500_000)})`],
    ]);
    expect(performance.now() - t0).toBeLessThan(500);
    expect(g.warnings.every((w) => w.length < 200)).toBe(true);
  });
});

describeParser(imailParser, 'test/fixtures/imail');
