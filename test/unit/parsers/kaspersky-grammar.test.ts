// Kaspersky grammar pieces (docs/gateways.md §1.2, §1.3, §8.1–§8.5, §8.16) tested module by module.
import { describe, expect, it } from 'vitest';
import { parseAntiSpamAuth } from '../../../src/parsers/kaspersky/antispam-auth.js';
import { parseAntiSpamInfo, splitInfoItems } from '../../../src/parsers/kaspersky/antispam-info.js';
import { parseAntiVirusHeader } from '../../../src/parsers/kaspersky/antivirus-header.js';
import { classifyName } from '../../../src/parsers/kaspersky/families.js';
import { parseKasperskyDate } from '../../../src/parsers/kaspersky/kaspersky-date.js';
import { parseStatusWithBases } from '../../../src/parsers/kaspersky/status-with-bases.js';

describe('AntiVirus header (§8.2)', () => {
  it('reads product, version, bases date and record count', () => {
    expect(parseAntiVirusHeader('Kaspersky Secure Mail Gateway, version 2.1.1.8310, bases: 2026/04/13 06:49:00 #28394185')).toEqual({
      product: 'Kaspersky Secure Mail Gateway', version: '2.1.1.8310', basesDate: '2026-04-13T06:49:00', basesRecords: 28394185, problems: [],
    });
  });
  it('reads the not-scanned form', () => {
    expect(parseAntiVirusHeader('Kaspersky Security for Linux Mail Server, version 8.0.3.30, not scanned, license restriction')).toEqual({
      product: 'Kaspersky Security for Linux Mail Server', version: '8.0.3.30', notScanned: 'license restriction', problems: [],
    });
  });
  it('takes the version from the product name when the keyword is missing', () => {
    const av = parseAntiVirusHeader('Kaspersky Linux Mail Security 8.0.0.359, bases: 2012/08/20 04:12:00 #7814976');
    expect(av.product).toBe('Kaspersky Linux Mail Security');
    expect(av.version).toBe('8.0.0.359');
    expect(av.basesRecords).toBe(7814976);
  });
  it('accepts no version at all (KB 9164 example) and a product with a version inside its name', () => {
    expect(parseAntiVirusHeader('Kaspersky Linux Mail Security, bases: 2012/08/20 04:12:00 #7814976')).toEqual({
      product: 'Kaspersky Linux Mail Security', basesDate: '2012-08-20T04:12:00', basesRecords: 7814976, problems: [],
    });
    const av = parseAntiVirusHeader('Kaspersky Security 8.0 for Linux Mail Server, version 8.0.1.721, bases: 2019/12/26 18:06:00 #1');
    expect(av.product).toBe('Kaspersky Security 8.0 for Linux Mail Server');
    expect(av.version).toBe('8.0.1.721');
  });
  it('reports malformed pieces instead of throwing', () => {
    const av = parseAntiVirusHeader('X, version abc, bases: someday #xx, surprise');
    expect(av.problems).toEqual(['bad_version:abc', 'bad_bases_records:xx', 'bad_bases_date:someday', 'unknown_segment:surprise']);
  });
});

describe('two-part status values (§8.1)', () => {
  it('splits on the first ", " and recognises bases stamps', () => {
    expect(parseStatusWithBases('Clean, bases: 2021/05/13 13:03:00')).toEqual({ status: 'Clean', basesDate: '2021-05-13T13:03:00', problems: [] });
    expect(parseStatusWithBases('Clean, 2013/11/13 18:22:56')).toEqual({ status: 'Clean', basesDate: '2013-11-13T18:22:56', problems: [] });
    expect(parseStatusWithBases('not scanned, disabled by settings')).toEqual({ status: 'not scanned', qualifier: 'disabled by settings', problems: [] });
    expect(parseStatusWithBases('Clean, skipped')).toEqual({ status: 'Clean', qualifier: 'skipped', problems: [] });
    expect(parseStatusWithBases('NotDetected')).toEqual({ status: 'NotDetected', problems: [] });
    expect(parseStatusWithBases('Clean, bases: garbage').problems).toEqual(['bad_bases_date:garbage']);
  });
});

describe('dates (§8.16)', () => {
  it.each([
    ['2023/02/06 01:18:00', '2023-02-06T01:18:00'],
    ['13.05.2021 13:39:00', '2021-05-13T13:39:00'],
    ['2/6/2021 9:17:00 PM', '2021-02-06T21:17:00'],
    ['2/6/2021 12:05:00 AM', '2021-02-06T00:05:00'],
    ['05/13/2021 14:30:02', '2021-05-13T14:30:02'],
    ['13/05/2021 14:30:02', '2021-05-13T14:30:02'],
    ['Feb 06 2023', '2023-02-06T00:00:00'],
  ])('%s → %s', (raw, iso) => {
    expect(parseKasperskyDate(raw)).toBe(iso);
  });
  it('rejects non-dates and impossible values', () => {
    for (const raw of ['', 'soon', '2023/13/01 00:00:00', '2/6/2021 13:00:00 PM', '1'.repeat(100_000)]) {
      expect(parseKasperskyDate(raw)).toBeUndefined();
    }
  });
});

describe('AntiSpam-Info tokenizer (§1.2, §8.3)', () => {
  it('keeps commas inside braces and reads LuaCore, Key: value and the ; classification list', () => {
    const info = parseAntiSpamInfo([
      'LuaCore: 502 502 69dee8a58e04b1b51ee0b2bd26e1a5a6a86ea0fc, {Tracking_content_type, plain}, {FROM: no valid address in FROM, no dot}, ' +
      'gmail.com:5.0.1,7.1.1; 127.0.0.199:7.1.2;d41d8cd98f00b204e9800998ecf8427e.com:7.1.1, FromAlignment: s, {Tracking_white_helo}, ApMailHostAddress: 100.64.160.123',
    ]);
    expect(info.luaCore).toBe('502 502 69dee8a58e04b1b51ee0b2bd26e1a5a6a86ea0fc');
    expect(info.tags).toEqual(['Tracking_content_type, plain', 'FROM: no valid address in FROM, no dot', 'Tracking_white_helo']);
    expect(info.classification).toEqual([
      { host: 'gmail.com', codes: ['5.0.1', '7.1.1'] },
      { host: '127.0.0.199', codes: ['7.1.2'] },
      { host: 'd41d8cd98f00b204e9800998ecf8427e.com', codes: ['7.1.1'] },
    ]);
    expect(info.pairs).toEqual([{ key: 'FromAlignment', value: 's' }, { key: 'ApMailHostAddress', value: '100.64.160.123' }]);
    expect(info.other).toEqual([]);
    expect(info.unbalanced).toBe(false);
  });
  it('rejoins a classification list cut at an inner ", "', () => {
    const info = parseAntiSpamInfo(['{rep_avail}, gmail.com:5.0.1, 7.1.1; 127.0.0.199:7.1.2, {Content: Spam}']);
    expect(info.classification).toEqual([
      { host: 'gmail.com', codes: ['5.0.1', '7.1.1'] },
      { host: '127.0.0.199', codes: ['7.1.2'] },
    ]);
    expect(info.tags).toEqual(['rep_avail', 'Content: Spam']);
  });
  it('reads the newer LuaCore form and items in any order', () => {
    const info = parseAntiSpamInfo(['FromAlignment: n, LuaCore: 41 0.3.41 3f2c1d0e9b8a7f6e5d4c3b2a1f0e9d8c7b6a5f4e, infotecs.ru:7.1.1;127.0.0.199:7.1.2']);
    expect(info.luaCore).toBe('41 0.3.41 3f2c1d0e9b8a7f6e5d4c3b2a1f0e9d8c7b6a5f4e');
    expect(info.classification.map((c) => c.host)).toEqual(['infotecs.ru', '127.0.0.199']);
  });
  it('merges KSE one-item-per-header values', () => {
    const info = parseAntiSpamInfo(['Lua profiles 163644 [May 13 2021]', 'Version: 5.9.20.0', 'Envelope from: a@example.com', 'Rate: 0', 'Status: not_detected', 'Method: none']);
    expect(info.pairs.map((p) => p.key)).toEqual(['Version', 'Envelope from', 'Rate', 'Status', 'Method']);
    expect(info.luaProfiles).toBe('163644 [May 13 2021]');
    expect(info.other).toEqual([]);
  });
  it('survives unbalanced braces and huge input in linear time', () => {
    const info = parseAntiSpamInfo(['{open, {deeper, never closed']);
    expect(info.unbalanced).toBe(true);
    expect(info.tags).toEqual(['open, {deeper, never closed']);
    const start = Date.now();
    const big = splitInfoItems('{a, '.repeat(200_000));
    expect(big.truncated).toBe(true);
    expect(splitInfoItems(', '.repeat(100_000)).items.length).toBeLessThanOrEqual(256);
    expect(Date.now() - start).toBeLessThan(1000);
  });
});

describe('AntiSpam-Auth (§1.3, §8.4)', () => {
  it('reads the dmarc;spf;dkim triple with props and the bare policy=', () => {
    const { auth, problems } = parseAntiSpamAuth(
      'dmarc=fail header.from=imaqliq.com policy=none;spf=softfail smtp.mailfrom=imaqliq.com;dkim=none', 'x-klms-antispam-auth');
    expect(problems).toEqual([]);
    expect(auth).toEqual({
      dmarc: { result: 'fail', raw: 'dmarc=fail header.from=imaqliq.com policy=none', source: 'x-klms-antispam-auth', policy: 'none', props: { 'header.from': 'imaqliq.com' } },
      spf: { result: 'softfail', raw: 'spf=softfail smtp.mailfrom=imaqliq.com', source: 'x-klms-antispam-auth', props: { 'smtp.mailfrom': 'imaqliq.com' } },
      dkim: { result: 'none', raw: 'dkim=none', source: 'x-klms-antispam-auth' },
    });
  });
  it('accepts "; " with a space (folded) and dkim alone', () => {
    expect(parseAntiSpamAuth('dkim=pass header.d=piap.pl', 's').auth.dkim).toMatchObject({ result: 'pass', props: { 'header.d': 'piap.pl' } });
    const { auth } = parseAntiSpamAuth('dmarc=none header.from=mt-integration.ru; spf=none smtp.mailfrom=mt-integration.ru; dkim=none', 's');
    expect([auth.dmarc?.result, auth.spf?.result, auth.dkim?.result]).toEqual(['none', 'none', 'none']);
    expect(auth.dmarc?.policy).toBeUndefined();
  });
  it('keeps unknown results as unknown with a problem, never throws', () => {
    const { auth, problems } = parseAntiSpamAuth('spf=maybe;arc=pass;garbage;;dkim=', 's');
    expect(auth.spf).toMatchObject({ result: 'unknown', raw: 'spf=maybe' });
    expect(auth.dkim?.result).toBe('unknown');
    expect(problems).toEqual(['unknown_auth_result:spf=maybe', 'unknown_auth_method:arc', 'unparsed_auth_entry:garbage', 'unknown_auth_result:dkim=']);
  });
});

describe('header names (§8.17)', () => {
  it('classifies families, legacy names and vendor-doc aliases', () => {
    expect(classifyName('x-ksmg-antispam-status')).toEqual({ family: 'ksmg', alias: false, field: 'status' });
    expect(classifyName('x-klms-group-id')).toEqual({ family: 'klms', alias: false, field: 'ruleId' });
    expect(classifyName('x-klms-antispam-spf')).toEqual({ family: 'klms', alias: false, field: 'spf' });
    expect(classifyName('x-rlms-antispam-status')).toEqual({ family: 'klms', alias: true, field: 'status' });
    expect(classifyName('x-kims-antivirus-status')).toEqual({ family: 'klms', alias: true, field: 'antivirusStatus' });
    expect(classifyName('x-rims-antivirus')).toEqual({ family: 'klms', alias: true, field: 'antivirus' });
    expect(classifyName('x-kse-antispam-info')).toEqual({ family: 'kse', alias: false, field: 'info' });
    expect(classifyName('x-spamtest-status-extended')).toEqual({ family: 'spamtest', alias: false, field: 'statusExtended' });
    expect(classifyName('x-ksmg-brand-new')).toEqual({ family: 'ksmg', alias: false });
    expect(classifyName('x-spam-status')).toBeUndefined();
    expect(classifyName('x-ms-exchange-organization-scl')).toBeUndefined();
  });
});
