// Fortinet FortiMail syslog (docs/log-formats.md, "FortiMail"): `key=value` pairs, quoted when they hold spaces:
// `date=… time=… device_id=… log_id=… type=statistics|spam|virus|event|… subtype=… pri=… from="…" to="…"
// src=… session_id="…" message_id="…" disposition="…" classifier="…" subject="…"`. History (statistics), spam
// and virus logs are per-message events; event/system/admin logs are counted as `other`.
import type { SpamVerdict } from '../document/enums.js';
import { parseQuotedPairs } from './kit/quoted-pairs.js';
import { actionFrom, addressList, clipRaw, defined, lineDateUtc, present } from './kit/event-fields.js';
import type { LogEvent, LogOutcome, LogParser } from './types.js';

const MESSAGE_TYPES = new Set(['statistics', 'spam', 'virus']);

/** FortiMail classifiers that name a decision rather than a detection engine. */
const CLASSIFIER_VERDICTS: readonly [RegExp, SpamVerdict][] = [
  [/^not spam$/i, 'clean'],
  [/safe ?list|white ?list|allow ?list/i, 'allowlisted'],
  [/block ?list|black ?list|deny ?list/i, 'blocklisted'],
  [/newsletter|bulk/i, 'bulk'],
  [/spam|dnsbl|surbl|bayesian|heuristic|fortiguard|spf|dkim|dmarc|behavior|impersonation|greylist/i, 'spam'],
];

function dispositionAction(event: LogEvent, disposition: string): void {
  // A disposition may list several actions ("Quarantine,Tag Subject"): the strongest counts.
  const parts = disposition.split(/[,;]/).map((p) => p.trim().toLowerCase());
  const pick = ['reject', 'discard', 'delete', 'quarantine', 'defer', 'tag subject', 'insert header', 'accept', 'relay', 'deliver']
    .find((a) => parts.some((p) => p.startsWith(a)));
  const raw = clipRaw(disposition);
  const map: Record<string, string> = { discard: 'discard', delete: 'delete', 'tag subject': 'tag', 'insert header': 'tag', relay: 'deliver' };
  event.action = pick === undefined ? actionFrom(disposition, event.warnings, 'disposition') : { ...actionFrom(map[pick] ?? pick, event.warnings, 'disposition'), raw };
}

export const fortimailParser: LogParser = {
  id: 'fortimail',
  detect(line) {
    const m = line.message;
    return m.includes('device_id=') && m.includes('log_id=') && /\btype=/.test(m) && !m.includes('log_type=');
  },
  parse(line): LogOutcome {
    const { values, unterminated } = parseQuotedPairs(line.message);
    const type = (values.get('type') ?? '').toLowerCase();
    if (!MESSAGE_TYPES.has(type)) return { type: 'other', family: 'fortimail', kind: type || 'untyped' };
    const w: string[] = unterminated ? ['unterminated_quote'] : [];
    const event: LogEvent = {
      family: 'fortimail',
      kind: `${type}${values.has('subtype') ? `:${values.get('subtype') ?? ''}` : ''}`.slice(0, 64),
      gateway: { id: 'fortimail', vendor: 'Fortinet', product: 'FortiMail' },
      warnings: w,
    };
    const messageId = present(values.get('message_id'));
    const lineTime = line.timestamp === undefined ? lineDateUtc(values.get('date'), values.get('time'), w, values.get('tz')) : undefined;
    if (lineTime !== undefined) event.timestamp = lineTime;
    const sender = present(values.get('from'));
    Object.assign(event, defined({
      gatewayMid: present(values.get('session_id')),
      messageId,
      subject: present(values.get('subject')),
      from: addressList(sender),
      sender,
      to: addressList(present(values.get('to'))),
      sourceIp: present(values.get('src')) ?? present(values.get('client_ip')),
    }));
    const classifier = present(values.get('classifier'));
    if (type === 'virus') {
      const name = present(values.get('virus')) ?? present(values.get('msg'));
      event.av = { status: 'infected', raw: clipRaw(name ?? 'virus'), ...(name !== undefined ? { threats: [clipRaw(name)] } : {}) };
    } else if (classifier !== undefined) {
      if (/virus|malware|sandbox/i.test(classifier)) {
        event.av = { status: 'infected', raw: clipRaw(classifier) };
      } else {
        const verdict = CLASSIFIER_VERDICTS.find(([re]) => re.test(classifier))?.[1];
        if (verdict === undefined) w.push('unknown_spam_status:classifier');
        event.spam = { verdict: verdict ?? 'unknown', raw: clipRaw(classifier), method: clipRaw(classifier) };
      }
    } else if (type === 'spam') {
      event.spam = { verdict: 'spam', raw: 'type=spam' };
    }
    const disposition = present(values.get('disposition'));
    if (disposition !== undefined) dispositionAction(event, disposition);
    return { type: 'event', event };
  },
};
