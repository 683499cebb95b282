// amavisd-new's main log line, one per message (docs/log-formats.md, "amavisd-new"):
// `(<pid>-<n>) Passed CLEAN|Blocked SPAM|Blocked INFECTED (<virus>)|Passed SPAMMY|Blocked BANNED (<name>) …
// {RelayedInbound|DiscardedInbound,Quarantined…}, [client ip]:port <sender> -> <recipients>, Queue-ID: …,
// Message-ID: <…>, mail_id: …, Hits: <score>, size: …, queued_as: …, <n> ms`; scanner timeouts (`TIMED OUT`)
// are per-message too. Everything else (startup, SpamAssassin rule loading, …) is `other`.
import type { AvStatus, SpamVerdict } from '../document/enums.js';
import { addressList, clipRaw, present, scoreFrom } from './kit/event-fields.js';
import type { LogEvent, LogOutcome, LogParser } from './types.js';

const GATEWAY = { id: 'amavis', vendor: 'amavisd-new', product: 'amavisd-new' };
const LOG_ID = /^\(([0-9]+-[0-9]+(?:-[0-9]+)?)\)\s+/;
const RESULT = /^(Passed|Blocked|Not-Delivered|Bounced|Rejected|Discarded) ([A-Z-]+)(?: \(([^)]*)\))?/;
const SPAM: Readonly<Record<string, SpamVerdict>> = { CLEAN: 'clean', SPAM: 'spam', SPAMMY: 'spam' };
const AV: Readonly<Record<string, AvStatus>> = { CLEAN: 'clean', INFECTED: 'infected' };

function after(text: string, label: string): string | undefined {
  const at = text.indexOf(`${label}: `);
  if (at < 0) return undefined;
  const rest = text.slice(at + label.length + 2);
  const end = rest.indexOf(', ');
  return present(end < 0 ? rest : rest.slice(0, end));
}

export const amavisParser: LogParser = {
  id: 'amavis',
  detect(line) {
    return line.appName?.toLowerCase() === 'amavis' || (line.appName?.toLowerCase() === 'amavisd' && LOG_ID.test(line.message));
  },
  parse(line): LogOutcome {
    const id = LOG_ID.exec(line.message);
    const text = id === null ? line.message : line.message.slice(id[0].length);
    if (id !== null && /\btimed out\b|\bTIMED OUT\b/i.test(text)) {
      const event: LogEvent = { family: 'amavis', kind: 'timeout', gateway: GATEWAY, gatewayMid: id[1] ?? '', warnings: [] };
      event.scan = { status: 'timeout', raw: clipRaw(text) };
      return { type: 'event', event };
    }
    const result = RESULT.exec(text);
    if (id === null || result === null) return { type: 'other', family: 'amavis', kind: id === null ? 'process' : 'detail' };
    const [, disposition = '', category = '', detail] = result;
    const w: string[] = [];
    const event: LogEvent = { family: 'amavis', kind: `${disposition} ${category}`.toLowerCase(), gateway: GATEWAY, gatewayMid: id[1] ?? '', warnings: w };
    const spam = SPAM[category];
    if (spam !== undefined) event.spam = { verdict: spam, raw: category };
    const hits = scoreFrom(after(text, 'Hits'));
    if (hits !== undefined) event.spam = { ...(event.spam ?? { verdict: 'unknown', raw: category }), score: hits, scale: 'sa_points' };
    if (category === 'CLEAN' || category === 'SPAM' || category === 'SPAMMY') event.scan = { status: 'complete', raw: category };
    if (category === 'UNCHECKED') {
      event.scan = { status: 'error', raw: category };
      event.av = { status: 'not_scanned', raw: category };
    }
    const av = AV[category];
    if (av !== undefined) event.av = { status: av, raw: category, ...(av === 'infected' && detail !== undefined ? { threats: addressList(detail.replace(/,/g, ' ')) ?? [] } : {}) };
    if (!['CLEAN', 'SPAM', 'SPAMMY', 'INFECTED', 'BANNED', 'UNCHECKED', 'BAD-HEADER', 'OVERSIZED', 'MTA-BLOCKED'].includes(category)) w.push('unknown_category');
    const flags = /\{([^}]*)\}/.exec(text)?.[1] ?? '';
    const type = disposition === 'Passed' ? 'deliver'
      : /Quarantined/.test(flags) ? 'quarantine' : /Rejected|Bounced/.test(flags) || disposition === 'Rejected' || disposition === 'Bounced' ? 'reject' : 'drop';
    event.action = { type, raw: clipRaw(`${disposition}${flags !== '' ? ` {${flags}}` : ''}`) };
    const addresses = /\s<([^>]*)> -> ((?:<[^>]*>,?)+)/.exec(text);
    if (addresses !== null) {
      if ((addresses[1] ?? '') !== '') { event.from = [addresses[1] as string]; event.sender = addresses[1] as string; }
      const to = addressList(addresses[2]);
      if (to !== undefined) event.to = to;
    }
    const client = /\[([0-9a-fA-F.:]+)\]:\d+/.exec(text);
    if (client?.[1] !== undefined) event.sourceIp = client[1];
    const messageId = after(text, 'Message-ID');
    if (messageId !== undefined) event.messageId = clipRaw(messageId);
    const mailId = after(text, 'mail_id');
    if (mailId !== undefined) event.gatewayMid = clipRaw(mailId);
    return { type: 'event', event };
  },
};
