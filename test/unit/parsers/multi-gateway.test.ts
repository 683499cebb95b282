// Messages several gateways stamped: which one the top level describes, and what each gateway counts on its own
// (README "Which gateway is the top level"). The fixture JSONs pin whole documents; the cases below state the
// rule they follow, so a changed JSON cannot quietly change the rule.
import { describe, expect, it } from 'vitest';
import { readFileSync } from 'node:fs';
import { join } from 'node:path';
import { parseMessage } from '../../../src/parse/parse-message.js';
import { describeMessages, FIXTURES_ROOT, parseFixture } from './describe-parser.js';

describeMessages('test/fixtures/multi-gateway');

function parse(file: string, gateway?: string) {
  const doc = parseFixture('multi-gateway', file, gateway).document;
  return { doc, mv: doc.mailverdict };
}

describe('top-level attribution and per-gateway fields', () => {
  it('KSMG + amavis stamp: the stamp closer to the mailbox never hides the KSMG verdict', () => {
    const { doc, mv } = parse('ksmg-amavis-stamp.eml');
    expect(mv.gateway).toBe('ksmg');
    expect(mv.spam.verdict).toBe('spam');
    expect(mv.scan.status).toBe('complete');
    expect(mv.gateway_ids).toEqual(['amavis', 'ksmg']);
    expect(mv.gateway_nodes).toEqual(['amavis@mail.example.com', 'ksmg@gw2.example.com']);
    expect(mv.spam.by_gateway).toEqual(['ksmg:spam']);
    expect(mv.scan.by_gateway).toEqual(['amavis:unknown', 'ksmg:complete']);
    expect(mv.scan.by_gateway_node).toEqual(['amavis@mail.example.com:unknown', 'ksmg@gw2.example.com:complete']);
    expect(mv.av?.by_gateway).toEqual(['ksmg:clean']);
    expect(doc.observer).toMatchObject({ product: 'KSMG', hostname: 'gw2.example.com', ip: '10.10.0.5' });
    expect(doc.source).toEqual({ ip: '198.51.100.23', domain: 'mx.promo.example.net' });
    expect(doc.email.cc?.address).toEqual(['team@example.com', 'partner@elsewhere.example.org']);
    expect(doc.email.attachments).toEqual([{ file: { name: 'offers.pdf', mime_type: 'application/pdf', size: 2048 } }]);
    expect(doc.event).toMatchObject({ action: 'deliver', outcome: 'success' });
    expect(doc.rule).toEqual({ id: ['1'], name: ['Tracking_content_type, plain', 'Content: Spam'] });
  });

  it('KLMS + SpamAssassin + rspamd + ClamAV: the closest gateway with a verdict wins, each counts its own', () => {
    const { doc, mv } = parse('klms-sa-rspamd-clamav.eml');
    expect(mv.gateway).toBe('rspamd');
    expect(mv.gateway_ids).toEqual(['rspamd', 'spamassassin', 'clamav', 'klms']);
    expect(mv.spam.by_gateway).toEqual(['rspamd:clean', 'spamassassin:clean', 'klms:clean']);
    expect(mv.av?.by_gateway).toEqual(['clamav:clean', 'klms:clean']);
    expect(mv.gateway_nodes).toEqual([
      'rspamd@filter1.example.org', 'spamassassin@mail.example.org', 'clamav@mail.example.org', 'klms@klms.example.org',
    ]);
    expect(doc.observer?.hostname).toBe('filter1.example.org');
  });

  it('the same message with --gateway klms: the configured gateway is the top level', () => {
    const { doc, mv } = parse('klms-sa-rspamd-clamav.eml', 'klms');
    expect(mv.gateway).toBe('klms');
    expect(mv.spam).toMatchObject({ verdict: 'clean', raw: 'not_detected', score: 15 });
    expect(doc.observer).toMatchObject({ product: 'KLMS', hostname: 'klms.example.org', ip: '192.0.2.44' });
    expect(doc.source).toEqual({ ip: '203.0.113.7', domain: 'mx.partner.example.com' });
    // The per-gateway arrays do not depend on the top level.
    expect(mv.spam.by_gateway).toEqual(parse('klms-sa-rspamd-clamav.eml').mv.spam.by_gateway);
  });

  it('--gateway naming a gateway that is not in the message: the rule applies, with a warning', () => {
    const { mv } = parse('klms-sa-rspamd-clamav.eml', 'ksmg');
    expect(mv.gateway).toBe('rspamd');
    expect(mv.parse.warnings).toContain('configured_gateway_absent:ksmg');
  });

  it('KSE + KLMS: KSE on Exchange is closest; KLMS upstream with its scan disabled still counts per gateway', () => {
    const { doc, mv } = parse('kse-klms.eml');
    expect(mv.gateway).toBe('kse');
    expect(mv.gateway_nodes).toEqual(['kse@exch01.corp.example.com', 'klms@klms.corp.example.com']);
    expect(mv.scan.by_gateway).toEqual(['kse:complete', 'klms:disabled']);
    expect(doc.observer?.hostname).toBe('exch01.corp.example.com');
    expect(doc.source).toEqual({ ip: '10.1.1.2', domain: 'klms.corp.example.com' });
  });

  it('Symantec stamp + IMail: X-VirusChecked above IMail is a stamp; IMail is the top level, SPF from the bare header name', () => {
    const { doc, mv } = parse('symantec-stamp-imail.eml');
    expect(mv.gateway).toBe('imail');
    expect(mv.gateway_ids).toEqual(['symantec', 'imail']);
    expect(mv.auth.spf).toMatchObject({ result: 'pass', raw: 'X-IMail-SPAM-SPF- Pass' });
    expect(mv.parse.warnings.some((w) => w.startsWith('header_without_colon'))).toBe(false);
    // X-Msg-Ref names the Symantec node; IMail appended its headers below every Received: — no hop says its host.
    expect(mv.gateway_nodes).toEqual(['symantec@server-12.tower-731.messagelabs.com', 'imail']);
    expect(doc.observer?.hostname).toBeUndefined();
    expect(mv.parse.warnings).toContain('hostname_unknown:imail');
  });

  it('a configured gateway hostname fills the node neither the headers nor the trace name', () => {
    const raw = readFileSync(join(FIXTURES_ROOT, 'multi-gateway', 'symantec-stamp-imail.eml'));
    const doc = parseMessage(raw, { origin: { kind: 'file' }, gateway: { id: 'imail', hostname: 'Mail.Example.NET' } }).document;
    expect(doc.observer?.hostname).toBe('mail.example.net');
    expect(doc.mailverdict.scan.by_gateway_node).toContain('imail@mail.example.net:complete');
    expect(doc.mailverdict.parse.warnings).not.toContain('hostname_unknown:imail');
    // Another gateway's node is never taken from that configuration.
    const other = parseMessage(raw, { origin: { kind: 'file' }, gateway: { id: 'symantec', hostname: 'wrong.example' } }).document;
    expect(other.mailverdict.gateway_nodes).toEqual(['symantec@server-12.tower-731.messagelabs.com', 'imail']);
  });

  it('EOP + Exchange SCL: in EOP mail the SCL is EOP\'s own (one gateway), the node comes from the Received trace', () => {
    const { doc, mv } = parse('eop-exchange-scl.eml');
    expect(mv.gateway_ids).toEqual(['eop']);
    expect(mv.spam.by_gateway).toEqual(['eop:spam']);
    expect(mv.scl).toBe(5);
    // H: in the Forefront report is the connecting client's HELO, never taken as EOP's host.
    expect(doc.observer?.hostname).toBe('am0pr01mb1234.eurprd01.prod.exchangelabs.com');
    expect(doc.source).toEqual({ ip: '198.51.100.7', domain: 'mail.spam.example' });
  });
});
