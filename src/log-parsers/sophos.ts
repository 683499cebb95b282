// Sophos Firewall (XG / SFOS) email protection logs (docs/log-formats.md, "Sophos"): `key=value` syslog with
// `device="SFW"`, `log_type="Anti-Spam"|"Anti-Virus"`, `log_component="SMTP"`, `log_subtype="Spam"|"Probable Spam"|…`,
// `from_email_address`, `to_email_address`, `email_subject`, `mailid`, `spamaction`, `reason`, `quarantine_reason`.
// Anti-Spam / Anti-Virus lines of the mail components are per-message events; all other log types are `other`.
import type { AvStatus, SpamVerdict } from '../document/enums.js';
import { parseQuotedPairs } from './kit/quoted-pairs.js';
import { actionFrom, addressList, clipRaw, defined, lineDateUtc, present } from './kit/event-fields.js';
import type { LogEvent, LogOutcome, LogParser } from './types.js';

const SPAM_SUBTYPES: Readonly<Record<string, SpamVerdict>> = {
  spam: 'spam', 'probable spam': 'suspect', clean: 'clean', 'not spam': 'clean', 'virus outbreak': 'spam',
  'probable virus outbreak': 'suspect', allowed: 'allowlisted', denied: 'blocklisted', 'rbl': 'blocklisted',
};
const AV_SUBTYPES: Readonly<Record<string, AvStatus>> = { virus: 'infected', clean: 'clean', 'probable virus': 'suspicious' };
const SPAM_ACTIONS: Readonly<Record<string, string>> = { 'prefix subject': 'tag', 'add header': 'tag', drop: 'drop', accept: 'accept' };

export const sophosParser: LogParser = {
  id: 'sophos',
  detect(line) {
    return line.message.includes('log_type=') && /device(?:_name)?="?S[FG]W/.test(line.message.slice(0, 200)) || line.message.startsWith('device="SFW"');
  },
  parse(line): LogOutcome {
    const { values, unterminated } = parseQuotedPairs(line.message);
    const logType = (values.get('log_type') ?? '').toLowerCase();
    const component = (values.get('log_component') ?? '').toLowerCase();
    const mail = /smtp|pop|imap|mta|email/.test(component);
    if ((logType !== 'anti-spam' && logType !== 'anti-virus') || !mail) {
      return { type: 'other', family: 'sophos', kind: (logType || 'untyped').slice(0, 64) };
    }
    const w: string[] = unterminated ? ['unterminated_quote'] : [];
    const subtype = present(values.get('log_subtype')) ?? '';
    const event: LogEvent = {
      family: 'sophos',
      kind: `${logType}:${subtype.toLowerCase()}`.slice(0, 64),
      gateway: { id: 'sophos', vendor: 'Sophos', product: 'Sophos Firewall' },
      warnings: w,
    };
    const lineTime = line.timestamp === undefined ? lineDateUtc(values.get('date'), values.get('time'), w, values.get('timezone')) : undefined;
    if (lineTime !== undefined) event.timestamp = lineTime;
    const sender = present(values.get('from_email_address'));
    Object.assign(event, defined({
      gatewayMid: present(values.get('mailid')),
      subject: present(values.get('email_subject')),
      from: addressList(sender),
      sender,
      to: addressList(present(values.get('to_email_address'))),
      sourceIp: present(values.get('src_ip')),
    }));
    if (logType === 'anti-spam') {
      const verdict = SPAM_SUBTYPES[subtype.toLowerCase()];
      if (verdict === undefined) w.push('unknown_spam_status:log_subtype');
      event.spam = { verdict: verdict ?? 'unknown', raw: clipRaw(subtype) };
      const reason = present(values.get('reason'));
      if (reason !== undefined) event.spam.method = clipRaw(reason);
      const action = present(values.get('spamaction'));
      if (action !== undefined) {
        const mapped = SPAM_ACTIONS[action.toLowerCase()] ?? action;
        event.action = { ...actionFrom(mapped, w, 'spamaction'), raw: clipRaw(action) };
      }
    } else {
      const status = AV_SUBTYPES[subtype.toLowerCase()];
      if (status === undefined) w.push('unknown_av_status:log_subtype');
      const name = present(values.get('virus'));
      event.av = { status: status ?? 'unknown', raw: clipRaw(subtype), ...(name !== undefined ? { threats: [clipRaw(name)] } : {}) };
    }
    if (present(values.get('quarantine_reason')) !== undefined && event.action === undefined) {
      event.action = { type: 'quarantine', raw: clipRaw(values.get('quarantine_reason') ?? '') };
    }
    return { type: 'event', event };
  },
};
