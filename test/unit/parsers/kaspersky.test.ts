// Kaspersky: the shared fixture suite plus block-level checks of docs/gateways.md §8 points 1–8, 16, 17.
import { describe, expect, it } from 'vitest';
import type { GatewayResult } from '../../../src/document/types.js';
import { splitHeaderBlock } from '../../../src/headers/split-header-block.js';
import { kasperskyParser } from '../../../src/parsers/kaspersky.js';
import { describeParser } from './describe-parser.js';

describeParser(kasperskyParser, 'test/fixtures/kaspersky');

function parse(text: string, parts?: { path: string; raw: string }[]): GatewayResult[] {
  const block = splitHeaderBlock(`${text.trim()}\n\n`, parts === undefined ? undefined : { parts });
  return kasperskyParser.parse(block).gateways;
}

function one(text: string, parts?: { path: string; raw: string }[]): GatewayResult {
  const gateways = parse(text, parts);
  expect(gateways).toHaveLength(1);
  return gateways[0]!;
}

describe('kasperskyParser blocks', () => {
  it('keeps rate and verdict apart (§8.6): rate 70 with not_detected stays clean', () => {
    const g = one('X-KLMS-AntiSpam-Rate: 70\nX-KLMS-AntiSpam-Status: not_detected');
    expect(g.spam).toEqual({ verdict: 'clean', raw: 'not_detected', score: 70, scale: 'kaspersky_rate_0_100' });
    expect(g.scan).toEqual({ status: 'complete', raw: 'not_detected' });
  });

  it('reads every spelling of a status (§8.5)', () => {
    for (const [raw, verdict] of [
      ['not_detected', 'clean'], ['NotDetected', 'clean'], ['KAS_STATUS_NOT_DETECTED', 'clean'], ['ProbableSpam', 'suspect'],
      ['MASSMAIL', 'bulk'], ['probable_spam', 'suspect'], ['blacklisted', 'blocklisted'], ['trusted', 'allowlisted'], ['formal', 'formal'],
    ] as const) {
      expect(one(`X-KSMG-AntiSpam-Status: ${raw}`).spam?.verdict).toBe(verdict);
    }
  });

  it('flags the guessed `detected` status as assumed', () => {
    const g = one('X-KSMG-AntiSpam-Status: detected');
    expect(g.spam?.verdict).toBe('spam');
    expect(g.warnings).toEqual(['ksmg:assumed_spam_status:detected']);
  });

  it('reads SCL in Kaspersky context (§2.4, §8.7): -1 is not spam, 9 spam, others suspect, only without a status', () => {
    expect(one('X-KSMG-Rule-ID: 1\nX-MS-Exchange-Organization-SCL: -1').spam).toEqual({ verdict: 'clean', raw: 'SCL -1' });
    expect(one('X-KSMG-Rule-ID: 1\nX-MS-Exchange-Organization-SCL: 9').spam?.verdict).toBe('spam');
    expect(one('X-KLMS-Rule-ID: 1\nX-MS-Exchange-Organization-SCL: 5').spam?.verdict).toBe('suspect');
    const g = one('X-KSMG-AntiSpam-Status: spam\nX-MS-Exchange-Organization-SCL: 9');
    expect([g.spam?.verdict, g.spam?.raw, g.scl]).toEqual(['spam', 'spam', 9]);
    expect(g.headers['x-ms-exchange-organization-scl']).toEqual(['9']);
    expect(one('X-KSMG-Rule-ID: 1\nX-MS-Exchange-Organization-SCL: lots').warnings).toEqual(['ksmg:bad_scl:lots']);
  });

  it('gives each hop its SCL and position (two families)', () => {
    const gateways = parse([
      'X-KLMS-AntiSpam-Status: spam', 'X-MS-Exchange-Organization-SCL: 9', 'Received: from a by b; Thu, 16 Apr 2026 10:00:05 +0300',
      'X-KSMG-AntiSpam-Status: not_detected', 'X-MS-Exchange-Organization-SCL: -1',
    ].join('\n'));
    expect(gateways.map((g) => [g.id, g.position, g.scl, g.spam?.verdict])).toEqual([['klms', 0, 9, 'spam'], ['ksmg', 3, -1, 'clean']]);
  });

  it('raises the AV status from MIME parts: infected beats error beats encrypted beats clean (§8.8)', () => {
    const head = 'X-KSMG-AntiVirus-Status: Clean, skipped';
    const part = (path: string, status: string) => ({ path, raw: `Content-Type: application/zip\nX-KSMG-AntiVirus-Status: ${status}\n\n` });
    expect(one(head, [part('2', 'Encrypted')]).av?.status).toBe('encrypted');
    expect(one(head, [part('2', 'Encrypted'), part('3', 'Error')]).av?.status).toBe('error');
    const g = one(head, [part('2', 'Error'), part('3', 'Infected'), part('4', 'Encrypted')]);
    expect(g.av).toEqual({ status: 'infected', raw: 'Infected', action: 'skip' });
    expect(g.headers['x-ksmg-antivirus-status@3']).toEqual(['Infected']);
    // Part statuses alone are enough to report the gateway.
    expect(one('Subject: x', [part('1', 'Encrypted')]).av).toEqual({ status: 'encrypted', raw: 'Encrypted' });
  });

  it('merges the interceptor and the status reason (disabled by settings)', () => {
    const g = one('X-KLMS-AntiSpam-Status: not scanned, disabled by settings\nX-KLMS-AntiSpam-Interceptor-Info: not scanned');
    expect(g.scan).toEqual({ status: 'disabled', reason: 'settings', raw: 'not scanned' });
    expect(g.spam).toEqual({ verdict: 'none', raw: 'not scanned, disabled by settings' });
  });

  it('keeps timeout / fallback from the interceptor whatever the status says', () => {
    expect(one('X-KSMG-AntiSpam-Interceptor-Info: timeout expired\nX-KSMG-AntiSpam-Status: not_detected').scan?.status).toBe('timeout');
    expect(one('X-KSMG-AntiSpam-Interceptor-Info: fallback').scan).toEqual({ status: 'fallback', raw: 'fallback' });
    expect(one('X-KLMS-AntiSpam-Interceptor-Info: size exceeded').scan?.status).toBe('size_exceeded');
    expect(one('X-KLMS-AntiSpam-Interceptor-Info: protection disabled').scan?.status).toBe('disabled');
  });

  it('reads the Message-Action action and module (§8.1)', () => {
    expect(one('X-KSMG-Message-Action: skipped, AntiSpam').action).toEqual({ type: 'deliver', module: 'AntiSpam', raw: 'skipped, AntiSpam' });
    expect(one('X-KLMS-Message-Action: attachment removed, AntiVirus').action?.type).toBe('modify');
    expect(one('X-KLMS-Message-Action: rejected, ContentFiltering').action?.type).toBe('reject');
    expect(one('X-KLMS-Message-Action: deleted').action).toEqual({ type: 'drop', raw: 'deleted' });
  });

  it('unfolds a folded AntiVirus header and reads the observer version from it (§8.2)', () => {
    const g = one('X-KSMG-AntiVirus: Kaspersky Secure Mail Gateway, version 2.1.1.8310,\n bases: 2026/04/13 06:49:00 #28394185');
    expect(g.version).toBe('2.1.1.8310');
    expect(g.product).toBe('KSMG');
    expect(g.av).toEqual({
      status: 'unknown', engine: 'Kaspersky Secure Mail Gateway', engine_version: '2.1.1.8310', bases_date: '2026-04-13T06:49:00', bases_records: 28394185,
    });
  });

  it('reads repeated KSE AntiSpam-Info items and locale dates (§8.8, §8.16)', () => {
    const g = one([
      'X-KSE-AntiSpam-Info: Lua profiles 163644 [May 13 2021]', 'X-KSE-AntiSpam-Info: Envelope from: a@example.com',
      'X-KSE-AntiSpam-Info: Rate: 0', 'X-KSE-AntiSpam-Info: Status: not_detected', 'X-KSE-AntiSpam-Info: Method: none',
      'X-KSE-Antivirus-Info: Clean, bases: 2/6/2021 9:17:00 PM',
    ].join('\n'));
    expect(g.spam).toEqual({ verdict: 'clean', raw: 'not_detected', score: 0, scale: 'kaspersky_rate_0_100', method: 'none' });
    expect(g.envelope_from).toBe('a@example.com');
    expect(g.av).toEqual({ status: 'clean', raw: 'Clean, bases: 2/6/2021 9:17:00 PM', bases_date: '2021-02-06T21:17:00' });
    expect(g.headers['x-kse-antispam-info']).toHaveLength(5);
    expect(g.warnings).toEqual([]);
  });

  it('accepts vendor-doc typo names as KLMS with a warning, real names win (§8.17)', () => {
    const g = one('X-KLMS-AntiSpam-Status: spam\nX-RLMS-AntiSpam-Status: not_detected');
    expect(g.id).toBe('klms');
    expect(g.spam?.verdict).toBe('spam');
    expect(g.warnings).toEqual(['klms:header_alias_used:x-rlms-antispam-status', 'klms:repeated_header:x-rlms-antispam-status']);
  });

  it('uses legacy names: Group-ID as rule id, AntiSpam-Spf as spf, Antivirus-Status', () => {
    const g = one('X-KLMS-Group-ID: 3\nX-KLMS-AntiSpam-Spf: none\nX-KLMS-Antivirus-Status: Clean, skipped');
    expect(g.rule_ids).toEqual(['3']);
    expect(g.auth?.spf).toEqual({ result: 'none', raw: 'none', source: 'x-klms-antispam-spf' });
    expect(g.av?.status).toBe('clean');
  });

  it('lets AntiSpam-Auth win over the legacy Spf header', () => {
    const g = one('X-KLMS-AntiSpam-Spf: none\nX-KLMS-AntiSpam-Auth: spf=pass smtp.mailfrom=example.org');
    expect(g.auth?.spf?.result).toBe('pass');
  });

  it('fills blocklists and rules from AntiSpam-Info tags', () => {
    const g = one('X-KLMS-AntiSpam-Status: spam\nX-KLMS-AntiSpam-Info: LuaCore: 1 1 ab, {reputation ip: black}, {black address: 185.246.220.87}, {rep_avail}');
    expect(g.spam?.rules).toEqual(['reputation ip: black', 'black address: 185.246.220.87', 'rep_avail']);
    expect(g.blocklists).toEqual(['reputation ip:black', 'black address:185.246.220.87']);
  });

  it('keeps unknown values raw with warnings and never throws (§7, docs/principles.md 2)', () => {
    const g = one([
      'X-KSMG-AntiSpam-Status: quantum', 'X-KSMG-AntiSpam-Interceptor-Info: ???', 'X-KSMG-KATA-Status: Meh',
      'X-KSMG-LinksScanning: Odd, bases: never', 'X-KSMG-AntiSpam-Rate: lots', 'X-KSMG-Rule-ID: 1, abc',
      'X-KSMG-AntiSpam-Lua-Profiles: yesterday', 'X-KSMG-AntiSpam-Moebius-Timestamps: a, b',
    ].join('\n'));
    expect(g.spam).toMatchObject({ verdict: 'unknown', raw: 'quantum' });
    expect(g.scan).toEqual({ status: 'unknown', raw: '???' });
    expect(g.sandbox).toEqual({ status: 'unknown', raw: 'Meh' });
    expect(g.links).toEqual({ status: 'unknown', raw: 'Odd, bases: never' });
    expect(g.rule_ids).toEqual(['1', 'abc']);
    expect(g.warnings).toEqual([
      'ksmg:bad_rate:lots', 'ksmg:unknown_spam_status:quantum', 'ksmg:unknown_interceptor_info:???', 'ksmg:unknown_links_status:Odd, bases: never',
      'ksmg:bad_bases_date:never', 'ksmg:unknown_sandbox_status:Meh', 'ksmg:bad_rule_id:abc', 'ksmg:bad_lua_profiles:yesterday',
      'ksmg:bad_moebius_timestamps:a, b',
    ]);
  });

  it('bounds warning detail and survives hostile values quickly', () => {
    const long = 'x'.repeat(200_000);
    const start = Date.now();
    const g = one(`X-KSMG-AntiSpam-Status: ${long}\nX-KSMG-AntiSpam-Info: ${'{a, '.repeat(20_000)}\nX-KSMG-AntiSpam-Auth: ${'spf=pass;'.repeat(5_000)}\nX-KSMG-AntiVirus: ${', version '.repeat(5_000)}`);
    expect(Date.now() - start).toBeLessThan(2000);
    expect(g.spam?.raw?.length).toBeLessThanOrEqual(512);
    for (const w of g.warnings) expect(w.length).toBeLessThanOrEqual(120);
  });

  it('finds nothing without Kaspersky headers, even with an SCL', () => {
    expect(parse('X-MS-Exchange-Organization-SCL: -1\nX-Spam-Status: No')).toEqual([]);
  });
});

describe('kasperskyParser on mutated values', () => {
  it('never throws and keeps every gateway well-formed on 3,000 mutated blocks', () => {
    let seed = 0x9e3779b9;
    const rnd = (n: number): number => {
      seed ^= seed << 13; seed ^= seed >>> 17; seed ^= seed << 5;
      return (seed >>> 0) % n;
    };
    const alphabet = ', {};:=#/.-_[]()\t"\'xX9Ωé\u0000';
    const base = [
      'X-KSMG-AntiSpam-Status: not scanned, disabled by settings', 'X-KSMG-AntiSpam-Rate: 70',
      'X-KSMG-AntiSpam-Info: LuaCore: 1 1 ab, {a, b}, gmail.com:5.0.1,7.1.1; 127.0.0.199:7.1.2, K: v',
      'X-KSMG-AntiSpam-Auth: dmarc=fail header.from=a.example policy=none;spf=softfail smtp.mailfrom=a.example;dkim=none',
      'X-KSMG-AntiVirus: Kaspersky Secure Mail Gateway, version 2.1.1.8310, bases: 2026/04/13 06:49:00 #28394185',
      'X-KSMG-AntiVirus-Status: NotDetected, skipped', 'X-KSMG-LinksScanning: NotDetected, bases: 2025/04/07 11:03:00',
      'X-KSMG-Message-Action: skipped, AntiSpam', 'X-KSMG-Rule-ID: 5', 'X-MS-Exchange-Organization-SCL: -1',
      'X-KLMS-AntiPhishing: Clean, 2013/11/13 18:22:56', 'X-KSE-Antivirus-Info: Clean, bases: 2/6/2021 9:17:00 PM',
      'X-KSE-AntiSpam-Info: Status: not_detected', 'X-SpamTest-Status: Probable Spam', 'X-RLMS-AntiSpam-Spf: none',
    ];
    for (let i = 0; i < 3000; i++) {
      const lines = base.map((line) => {
        const colon = line.indexOf(': ');
        let value = line.slice(colon + 2);
        const edits = rnd(6);
        for (let e = 0; e < edits; e++) {
          const at = rnd(value.length + 1);
          const op = rnd(3);
          if (op === 0) value = value.slice(0, at) + alphabet[rnd(alphabet.length)]! + value.slice(at);
          else if (op === 1) value = value.slice(0, at) + value.slice(at + 1 + rnd(4));
          else value = value.slice(0, at);
        }
        return `${line.slice(0, colon)}: ${value}`;
      });
      const gateways = kasperskyParser.parse(splitHeaderBlock(`${lines.join('\n')}\n\n`)).gateways;
      expect(gateways.length).toBeGreaterThan(0);
      for (const g of gateways) {
        expect(['ksmg', 'klms', 'kse', 'spamtest']).toContain(g.id);
        for (const w of g.warnings) expect(w.length).toBeLessThanOrEqual(500);
      }
    }
  });
});
