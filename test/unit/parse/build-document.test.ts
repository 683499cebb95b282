import { describe, expect, it } from 'vitest';
import { assembleDocument, buildDocument } from '../../../src/parse/build-document.js';
import { parseMessage } from '../../../src/parse/parse-message.js';
import { documentId } from '../../../src/document/document-id.js';
import { PARSER_VERSION } from '../../../src/document/parser-version.js';
import type { GatewayResult } from '../../../src/document/types.js';
import { splitHeaderBlock } from '../../../src/headers/split-header-block.js';
import { readFileSync } from 'node:fs';

const raw = [
  'Received: from mx by gw; Mon, 13 Apr 2026 06:49:00 +0000',
  'Message-ID: <abc@example.org>',
  'Subject: =?utf-8?Q?Gr=C3=BC=C3=9Fe?=',
  'From: "Doe, J" <j@example.org>',
  'To: a@example.com, B <b@example.com>',
  'To: c@example.com',
  '',
].join('\r\n');
const bytes = new TextEncoder().encode(raw);
const block = splitHeaderBlock(bytes);
const context = { origin: { kind: 'file' as const, path: 'x.eml' }, now: new Date('2026-05-01T00:00:00Z') };

function gateway(id: string, position: number, extra: Partial<GatewayResult> = {}): GatewayResult {
  return { id, vendor: 'V', product: id.toUpperCase(), position, headers: { [`x-${id}`]: [id], shared: ['s', id] }, warnings: [`${id}:w`], ...extra };
}

describe('buildDocument', () => {
  it('without any gateway: unknown verdict and scan status, a warning, email fields filled', () => {
    const { id, document } = buildDocument(block, bytes, context);
    expect(id).toBe(documentId(raw));
    expect(document['@timestamp']).toBe('2026-04-13T06:49:00.000Z');
    expect(document.event).toEqual({
      kind: 'event', category: ['email'], type: ['info'], dataset: 'mailverdict.message', created: '2026-05-01T00:00:00.000Z', outcome: 'unknown',
    });
    expect(document.ecs).toEqual({ version: '8.17.0' });
    expect(document.email).toEqual({
      message_id: 'abc@example.org', subject: 'Grüße', from: { address: ['j@example.org'] }, to: { address: ['a@example.com', 'b@example.com', 'c@example.com'] },
      direction: 'unknown',
    });
    expect(document.observer).toBeUndefined();
    expect(document.source).toBeUndefined();
    expect(document.mailverdict.spam).toEqual({ verdict: 'unknown', by_gateway: [] });
    expect(document.mailverdict.scan).toEqual({ status: 'unknown', by_gateway: [], by_gateway_node: [] });
    expect(document.mailverdict.gateway_ids).toEqual([]);
    expect(document.mailverdict.gateways).toEqual([]);
    expect(document.mailverdict.parse).toEqual({ warnings: ['no_gateway_headers'], parser_version: PARSER_VERSION });
    expect(document.mailverdict.origin).toEqual({ kind: 'file', path: 'x.eml' });
  });

  it('the verdict-giving gateway with the smallest position drives top-level fields and observer', () => {
    const far = gateway('far', 1, { spam: { verdict: 'spam' }, scl: 9, version: '1' });
    const near = gateway('near', 0, {
      spam: { verdict: 'clean', score: 10, scale: 'kaspersky_rate_0_100' }, scan: { status: 'timeout', raw: 'timeout expired' },
      av: { status: 'clean' }, action: { type: 'deliver', module: 'AntiSpam' }, rule_ids: ['1'], hostname: 'gw1', envelope_from: 'bounce@example.org',
      auth: { spf: { result: 'pass', raw: 'spf=pass', source: 'x-near' } },
    });
    const out = {
      gateways: [far, near],
      auth: [
        { auth: { spf: { result: 'fail' as const, raw: 'spf=fail', source: 'authentication-results' }, dkim: { result: 'fail' as const, raw: 'dkim=fail', source: 'ar-low' } }, position: 5 },
        { auth: { dkim: { result: 'pass' as const, raw: 'dkim=pass', source: 'ar-top' } }, position: 2 },
      ],
      warnings: ['parser:w'],
    };
    const { document } = assembleDocument(block, bytes, context, out);
    const mv = document.mailverdict;
    expect(mv.gateway).toBe('near');
    expect(document.observer).toEqual({ vendor: 'V', product: 'NEAR', hostname: 'gw1' });
    expect(mv.spam).toEqual({ verdict: 'clean', score: 10, scale: 'kaspersky_rate_0_100', by_gateway: ['near:clean', 'far:spam'] });
    expect(mv.scan).toEqual({ status: 'timeout', raw: 'timeout expired', by_gateway: ['near:timeout', 'far:unknown'], by_gateway_node: ['near@gw1:timeout', 'far:unknown'] });
    expect(mv.av).toEqual({ status: 'clean', by_gateway: ['near:clean'] });
    expect(mv.gateway_ids).toEqual(['near', 'far']);
    expect(mv.gateway_nodes).toEqual(['near@gw1', 'far']);
    expect(document.event).toMatchObject({ action: 'deliver', outcome: 'failure' });
    expect(document.rule).toEqual({ id: ['1'] });
    // The top-level copies carry the per-gateway arrays; the gateways' own results do not.
    expect(mv.gateways[0]?.scan).toEqual({ status: 'timeout', raw: 'timeout expired' });
    expect(mv.action).toEqual({ type: 'deliver', module: 'AntiSpam' });
    expect(mv.rule_ids).toEqual(['1']);
    expect(mv.scl).toBeUndefined(); // only the top gateway's fields go top-level
    expect(document.email.sender).toEqual({ address: 'bounce@example.org' });
    expect(mv.gateways.map((g) => g.id)).toEqual(['near', 'far']);
    // own auth wins for spf; dkim comes from the topmost finding; dmarc absent
    expect(mv.auth).toEqual({
      spf: { result: 'pass', raw: 'spf=pass', source: 'x-near' },
      dkim: { result: 'pass', raw: 'dkim=pass', source: 'ar-top' },
    });
    expect(mv.headers).toEqual({ 'x-near': ['near'], 'x-far': ['far'], shared: ['s', 'near', 'far'] });
    expect(mv.parse.warnings).toEqual(['parser:w', 'near:w', 'far:w', 'hostname_unknown:far']);
  });

  it('a stamp-only gateway closer to the mailbox does not become the top level', () => {
    const stamp = gateway('amavis', 0, { av: { status: 'unknown', raw: 'amavisd-new at example.org' } });
    const judge = gateway('ksmg', 4, { spam: { verdict: 'spam' }, scan: { status: 'complete' } });
    const { document } = assembleDocument(block, bytes, context, { gateways: [stamp, judge], warnings: [] });
    expect(document.mailverdict.gateway).toBe('ksmg');
    expect(document.mailverdict.spam.verdict).toBe('spam');
    expect(document.mailverdict.av).toBeUndefined();
    expect(document.event.outcome).toBe('success');
  });

  it('a configured gateway is the top level when present, and its configured hostname fills a node nothing else names', () => {
    const near = gateway('near', 0, { spam: { verdict: 'clean' } });
    const far = gateway('far', 3, { spam: { verdict: 'spam' } });
    const { document } = assembleDocument(block, bytes, { ...context, gateway: { id: 'far', hostname: 'GW9.example.org' } }, { gateways: [near, far], warnings: [] });
    expect(document.mailverdict.gateway).toBe('far');
    expect(document.observer?.hostname).toBe('gw9.example.org');
    expect(document.mailverdict.gateway_nodes).toEqual(['near', 'far@gw9.example.org']);
    expect(document.mailverdict.parse.warnings).toEqual(['near:w', 'far:w', 'hostname_unknown:near']);
  });

  it('email.direction from the configured internal domains; Cc and attachments from the headers', () => {
    const text = [
      'From: a@partner.example', 'To: b@example.org', 'Cc: "C" <c@sub.example.org>, d@else.example',
      'Content-Type: multipart/mixed; boundary=xx', '', '--xx', 'Content-Type: text/plain', '', 'hi',
      '--xx', 'Content-Type: image/png; name="=?utf-8?q?b=C3=BCro.png?="', 'Content-Disposition: inline', '', 'x',
      '--xx', 'Content-Type: application/octet-stream', 'Content-Disposition: attachment', '', 'x', '--xx--', '',
    ].join('\r\n');
    const raw = new TextEncoder().encode(text);
    const doc = parseMessage(raw, { origin: { kind: 'file' }, internalDomains: ['example.org'] }).document;
    expect(doc.email.direction).toBe('inbound');
    expect(doc.email.cc).toEqual({ address: ['c@sub.example.org', 'd@else.example'] });
    expect(doc.email.attachments).toEqual([
      { file: { name: 'büro.png', mime_type: 'image/png' } },
      { file: { mime_type: 'application/octet-stream' } },
    ]);
    expect(parseMessage(raw, { origin: { kind: 'file' } }).document.email.direction).toBe('unknown');
  });

  it('bounds and de-duplicates warnings', () => {
    const out = { gateways: [gateway('g', 0)], warnings: [...Array.from({ length: 300 }, (_, i) => `w${i % 150}:${'x'.repeat(500)}`)] };
    const w = assembleDocument(block, bytes, context, out).document.mailverdict.parse.warnings;
    expect(w).toHaveLength(101);
    // 150 distinct warnings, plus hostname_unknown:g (the test gateway names no node): 151 beyond the first 100.
    expect(w.at(-1)).toBe('cap:max_warnings:52_more');
    expect(w.every((x) => x.length <= 200)).toBe(true);
  });

  it('caps the warnings of a message with 900 unknown gateway headers, in parse.warnings and per gateway', () => {
    const lines = ['Received: from a by b; Tue, 1 Oct 2024 10:00:00 +0000', 'From: a@example.com', 'X-KSMG-AntiSpam-Status: c=0, p=0'];
    for (let i = 0; i < 900; i++) lines.push(`X-KSMG-Unknown${i}: v${i}`);
    const { document } = parseMessage(Buffer.from(`${lines.join('\r\n')}\r\n\r\nbody\r\n`), { origin: { kind: 'file' } });
    const mv = document.mailverdict;
    expect(mv.parse.warnings.length).toBeLessThanOrEqual(101);
    expect(mv.parse.warnings.at(-1)).toMatch(/^cap:max_warnings:\d+_more$/);
    const gateway = mv.gateways.find((g) => g.id === 'ksmg');
    expect(gateway?.warnings.length).toBe(101);
    expect(gateway?.warnings.at(-1)).toBe('cap:max_warnings:801_more');
    expect(JSON.stringify(document).length).toBeLessThan(64 * 1024);
  });

  it('PARSER_VERSION follows package.json', () => {
    const pkg = JSON.parse(readFileSync(new URL('../../../package.json', import.meta.url), 'utf8')) as { version: string };
    expect(PARSER_VERSION).toBe(pkg.version);
  });
});
