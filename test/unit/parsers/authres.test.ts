import { describe, expect, it } from 'vitest';
import type { HeaderBlock, HeaderField } from '../../../src/headers/types.js';
import { authenticationResultsParser } from '../../../src/parsers/authres.js';
import { parseAuthenticationResults } from '../../../src/parsers/auth/parse-authentication-results.js';
import { parseReceivedSpf } from '../../../src/parsers/auth/parse-received-spf.js';
import { scanSegments } from '../../../src/parsers/auth/scan-segments.js';
import { describeParser } from './describe-parser.js';

function block(headers: readonly (readonly [string, string])[]): HeaderBlock {
  const fields: HeaderField[] = headers.map(([name, value], index) => ({ key: name.toLowerCase(), originalKey: name, value, index }));
  const byName = new Map<string, HeaderField[]>();
  for (const f of fields) byName.set(f.key, [...(byName.get(f.key) ?? []), f]);
  return { fields, byName, parts: [], warnings: [] };
}

describe('scanSegments', () => {
  it('does not split on ; inside comments or quoted strings', () => {
    const r = scanSegments('a; dkim=pass (1024-bit key; unprotected) header.d=x; b reason="x;y"; c');
    expect(r.segments.map((s) => s.text)).toEqual(['a', 'dkim=pass   header.d=x', 'b reason="x;y"', 'c']);
    expect(r.segments[1]?.comments).toEqual(['1024-bit key; unprotected']);
    expect(r.segments[1]?.raw).toBe('dkim=pass (1024-bit key; unprotected) header.d=x');
    expect(r.unbalanced).toBe(false);
  });

  it('handles nested comments and quoted-pairs', () => {
    const r = scanSegments('x (a (b; c) \\) d); y');
    expect(r.segments.map((s) => s.text.trim())).toEqual(['x', 'y']);
    expect(r.segments[0]?.comments).toEqual(['a (b; c) ) d']);
  });

  it('reports an unclosed comment and stops splitting inside it', () => {
    const r = scanSegments('mx; spf=pass (oops; dkim=fail');
    expect(r.unbalanced).toBe(true);
    expect(r.segments.map((s) => s.text.trim())).toEqual(['mx', 'spf=pass']);
  });

  it('is linear on pathological input', () => {
    const t0 = performance.now();
    scanSegments('('.repeat(200_000));
    scanSegments(')'.repeat(200_000));
    scanSegments(';'.repeat(200_000));
    scanSegments('"'.repeat(200_000));
    scanSegments('a=b '.repeat(50_000));
    expect(performance.now() - t0).toBeLessThan(1_000);
  });
});

describe('parseAuthenticationResults (RFC 8601)', () => {
  it('reads authserv-id followed by a comment, and comments containing ;', () => {
    const p = parseAuthenticationResults(
      'ste-ftg-msa2.bahnhof.se (amavisd-new); dkim=pass (1024-bit key; unprotected) header.d=shipmail.org header.i=@shipmail.org header.b=mdmi7M1X; dkim-atps=neutral',
    );
    expect(p.authservId).toBe('ste-ftg-msa2.bahnhof.se');
    expect(p.results.map((r) => [r.method, r.result])).toEqual([['dkim', 'pass'], ['dkim-atps', 'neutral']]);
    expect(p.results[0]?.props).toEqual({ 'header.d': 'shipmail.org', 'header.i': '@shipmail.org', 'header.b': 'mdmi7M1X' });
    expect(p.problems).toEqual([]);
  });

  it('reads the none form', () => {
    const p = parseAuthenticationResults('mx.example.com 1; none');
    expect(p.authservId).toBe('mx.example.com');
    expect(p.none).toBe(true);
    expect(p.results).toEqual([]);
  });

  it('reads method versions, reason=, spaces around = and property value none', () => {
    const p = parseAuthenticationResults('mx; dkim/1 = fail reason="bad sig; really" header.i=none');
    expect(p.results[0]).toMatchObject({ method: 'dkim', result: 'fail', reason: 'bad sig; really', props: { 'header.i': 'none' } });
  });

  it('reads the ARC instance prefix', () => {
    const p = parseAuthenticationResults(
      'i=1; mx.google.com; dkim=pass header.i=@example.com header.s=s1; spf=pass (google.com: domain of a@example.com designates 192.0.2.1 as permitted sender) smtp.mailfrom=a@example.com; dmarc=pass (p=NONE sp=NONE dis=NONE) header.from=example.com',
      true,
    );
    expect(p.instance).toBe(1);
    expect(p.authservId).toBe('mx.google.com');
    expect(p.results.map((r) => r.method)).toEqual(['dkim', 'spf', 'dmarc']);
    expect(p.results[2]?.comments).toEqual(['p=NONE sp=NONE dis=NONE']);
  });

  it('reads the EOP form without authserv-id', () => {
    const p = parseAuthenticationResults('spf=pass smtp.mailfrom=example.com');
    expect(p.authservId).toBeUndefined();
    expect(p.problems).toEqual([]);
    expect(p.results[0]?.result).toBe('pass');
  });
});

describe('parseReceivedSpf (RFC 7208)', () => {
  it('reads result then key=value list', () => {
    const p = parseReceivedSpf('pass client-ip=207.211.31.120; envelope-from=jsnow@redhat.com; helo=us-smtp-1.mimecast.com');
    expect(p.result).toBe('pass');
    expect(p.props).toEqual({ 'client-ip': '207.211.31.120', 'envelope-from': 'jsnow@redhat.com', helo: 'us-smtp-1.mimecast.com' });
  });

  it('reads the policyd-spf form with a comment', () => {
    const p = parseReceivedSpf('Pass (mailfrom) identity=mailfrom; client-ip=192.0.2.1; helo=mail.example.com; envelope-from=a@example.com; receiver=mx.example.net');
    expect(p.result).toBe('Pass');
    expect(p.comment).toBe('mailfrom');
    expect(p.props['identity']).toBe('mailfrom');
    expect(p.props['receiver']).toBe('mx.example.net');
  });
});

describe('authenticationResultsParser', () => {
  it('returns one finding per header with position and source', () => {
    const out = authenticationResultsParser.parse(block([
      ['Received', 'from x'],
      ['Authentication-Results', 'mx.example.com; spf=pass (sender IP is 192.0.2.1) smtp.mailfrom=example.com; dkim=fail header.d=example.com; dkim=pass header.d=example.net; dmarc=bestguesspass action=none header.from=example.com; compauth=softpass reason=201'],
      ['ARC-Authentication-Results', 'i=2; mx.google.com; dmarc=fail (p=REJECT sp=NONE dis=QUARANTINE) header.from=example.org'],
      ['Received-SPF', 'SoftFail (mx.example.net: domain of transitioning a@example.org does not designate 192.0.2.9 as permitted sender) receiver=mx.example.net; client-ip=192.0.2.9'],
    ]));
    expect(out.gateways).toEqual([]);
    expect(out.warnings).toEqual([]);
    expect(out.auth?.map((f) => f.position)).toEqual([1, 2, 3]);
    const [ar, arc, rspf] = out.auth ?? [];
    expect(ar?.auth.spf).toEqual({
      result: 'pass', raw: 'spf=pass (sender IP is 192.0.2.1) smtp.mailfrom=example.com',
      source: 'authentication-results (mx.example.com)', props: { 'smtp.mailfrom': 'example.com' },
    });
    expect(ar?.auth.dkim?.result).toBe('pass');
    expect(ar?.auth.dkim?.props).toEqual({ 'header.d': 'example.net' });
    expect(ar?.auth.dmarc).toMatchObject({ result: 'pass', qualifier: 'inferred', props: { action: 'none', 'header.from': 'example.com' } });
    expect(arc?.auth.dmarc).toMatchObject({ result: 'fail', policy: 'reject', source: 'arc-authentication-results i=2 (mx.google.com)' });
    expect(rspf?.auth.spf).toMatchObject({ result: 'softfail', source: 'received-spf (mx.example.net)' });
  });

  it('maps hardfail, SPF-classic error/unknown, and flags tokens it does not know', () => {
    const out = authenticationResultsParser.parse(block([
      ['Authentication-Results', 'mx; spf=hardfail smtp.mailfrom=a; dkim=signed'],
      ['Received-SPF', 'error (DNS timeout)'],
      ['Received-SPF', 'unknown (bad record)'],
    ]));
    expect(out.auth?.[0]?.auth.spf?.result).toBe('fail');
    expect(out.auth?.[0]?.auth.dkim).toMatchObject({ result: 'unknown', raw: 'dkim=signed' });
    expect(out.auth?.[1]?.auth.spf?.result).toBe('temperror');
    expect(out.auth?.[2]?.auth.spf?.result).toBe('permerror');
    expect(out.warnings).toEqual(['authentication-results:unknown_result:dkim=signed']);
  });

  it('yields nothing for the none form and for results other than spf/dkim/dmarc', () => {
    const out = authenticationResultsParser.parse(block([
      ['Authentication-Results', 'mx.example.com; none'],
      ['Authentication-Results', 'relay.mimecast.com; auth=pass smtp.auth=CUSA124A263 smtp.mailfrom=a@b'],
    ]));
    expect(out.auth).toEqual([]);
    expect(out.warnings).toEqual([]);
  });

  it('survives hostile values quickly', () => {
    const huge = `mx; spf=pass ${'('.repeat(100_000)}`;
    const t0 = performance.now();
    const out = authenticationResultsParser.parse(block([
      ['Authentication-Results', huge],
      ['Authentication-Results', ';'.repeat(100_000)],
      ['Authentication-Results', 'mx; ' + 'dkim=pass '.repeat(20_000)],
      ['ARC-Authentication-Results', 'garbage'],
      ['Received-SPF', ''],
      ['Received-SPF', '='.repeat(100_000)],
    ]));
    expect(performance.now() - t0).toBeLessThan(2_000);
    expect(out.warnings).toContain('authentication-results:unbalanced_comment');
    expect(out.warnings).toContain('arc-authentication-results:missing_arc_instance');
    expect(out.warnings).toContain('received-spf:missing_result');
    expect(out.auth?.[0]?.auth.spf?.result).toBe('pass');
  });
});

describeParser(authenticationResultsParser, 'test/fixtures/authres');
