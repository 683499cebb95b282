// The per-module status keys Kaspersky writes in its non-CEF logs (the KSMG maillog summary line and the
// standard syslog format): `as-status="Error"`, `av-status="Clean"`, `kt-status="NotScanned, disabled by settings"`,
// `ap-status`, `ma-status`, `cf-status`, plus message identity keys. Shared by kaspersky-standard and klms-syslog.
import {
  actionFrom, addressList, avFrom, clipRaw, defined, looksLikeMessageId, present, scanFrom, spamFrom, threatFrom,
} from './event-fields.js';
import type { LogEvent } from '../types.js';

const STATUS_KEYS = ['as-status', 'av-status', 'ap-status', 'kt-status', 'mlf-status', 'ma-status', 'cf-status'];

export function hasModuleStatus(values: ReadonlyMap<string, string>): boolean {
  return STATUS_KEYS.some((k) => values.has(k));
}

function first(values: ReadonlyMap<string, string>, keys: readonly string[]): string | undefined {
  for (const k of keys) {
    const v = present(values.get(k));
    if (v !== undefined) return v;
  }
  return undefined;
}

/** Fills identity, addresses and per-module results of `event` from the pairs (keys lowercased). */
export function applyKasperskyPairs(event: LogEvent, values: ReadonlyMap<string, string>): void {
  const w = event.warnings;
  const id = first(values, ['message-id', 'msg-id', 'messageid']);
  if (id !== undefined) {
    if (looksLikeMessageId(id)) event.messageId = id;
    else event.gatewayMid = clipRaw(id);
  }
  const mid = first(values, ['mid', 'queue-id', 'envelope-id']);
  if (mid !== undefined && event.gatewayMid === undefined) event.gatewayMid = clipRaw(mid);
  const sender = first(values, ['sender', 'from', 'mail-from', 'envelope-from']);
  Object.assign(event, defined({
    subject: first(values, ['subject', 'message-subject']),
    from: addressList(sender),
    to: addressList(first(values, ['recipients', 'recipient', 'to', 'rcpt-to'])),
    sender,
    sourceIp: first(values, ['sender-ip', 'ip', 'client-ip', 'src']),
  }));
  const as = present(values.get('as-status'));
  if (as !== undefined) {
    event.spam = spamFrom(as, w, 'as-status');
    const notScanned = /^not\s*scanned/i.test(as);
    if (notScanned || event.spam.verdict === 'none') event.scan = scanFrom(as, w, 'as-status');
    else if (event.spam.verdict !== 'unknown') event.scan = { status: 'complete', raw: clipRaw(as) };
  }
  const av = present(values.get('av-status'));
  if (av !== undefined) event.av = avFrom(av, w, 'av-status');
  const ap = present(values.get('ap-status'));
  if (ap !== undefined) event.phishing = threatFrom(ap, 'phishing', w, 'ap-status');
  const mlf = present(values.get('mlf-status'));
  if (mlf !== undefined) event.links = threatFrom(mlf, 'links', w, 'mlf-status');
  const kt = present(values.get('kt-status'));
  if (kt !== undefined) event.sandbox = threatFrom(kt, 'sandbox', w, 'kt-status');
  const act = first(values, ['action', 'act', 'message-action']);
  if (act !== undefined) event.action = actionFrom(act, w, 'action');
  const rules = first(values, ['rule-id', 'rule-ids', 'rules']);
  if (rules !== undefined) event.ruleIds = addressList(rules) ?? [];
}
