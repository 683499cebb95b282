// The event log KLMS 8 and KSMG 1.x keep in the OS syslog (facility mail, tag `KLMS` / `KSMG`;
// docs/log-formats.md, "Kaspersky"). Each line names its event (`MessageProcessedEvent`,
// `MessageNotProcessedEvent`, `MessageQuarantinedEvent`, `AvBasesOutdatedEvent`, …) followed by
// `key="value"` details; the Message* events are per-message, every other event is counted as `other`.
// The vendor publishes the event names and the status keys, not a full per-message sample line.
import { parseQuotedPairs } from './kit/quoted-pairs.js';
import { applyKasperskyPairs } from './kit/kaspersky-status-pairs.js';
import type { LogEvent, LogOutcome, LogParser } from './types.js';

const EVENT_NAME = /\b([A-Z][A-Za-z]+Event)\b[:,]?\s*/;
const MESSAGE_EVENTS = new Set(['MessageProcessedEvent', 'MessageNotProcessedEvent', 'MessageQuarantinedEvent']);

export const klmsSyslogParser: LogParser = {
  id: 'klms-syslog',
  detect(line) {
    const app = line.appName?.toUpperCase();
    return (app === 'KLMS' || app === 'KSMG') && EVENT_NAME.test(line.message.slice(0, 200));
  },
  parse(line): LogOutcome {
    const match = EVENT_NAME.exec(line.message.slice(0, 200));
    const name = match?.[1] ?? 'unnamed';
    if (!MESSAGE_EVENTS.has(name)) return { type: 'other', family: 'klms-syslog', kind: name };
    const rest = line.message.slice((match?.index ?? 0) + (match?.[0].length ?? 0));
    const { values, unterminated } = parseQuotedPairs(rest, ',');
    const isKlms = line.appName?.toUpperCase() === 'KLMS';
    const event: LogEvent = {
      family: 'klms-syslog',
      kind: name,
      gateway: isKlms ? { id: 'klms', vendor: 'Kaspersky', product: 'KLMS' } : { id: 'ksmg', vendor: 'Kaspersky', product: 'KSMG' },
      warnings: unterminated ? ['unterminated_quote'] : [],
    };
    applyKasperskyPairs(event, values);
    if (name === 'MessageNotProcessedEvent' && event.scan === undefined) {
      // Delivered without a finished scan; the line says so but not why.
      event.scan = { status: 'error', raw: 'MessageNotProcessedEvent' };
    }
    if (name === 'MessageQuarantinedEvent' && event.action === undefined) event.action = { type: 'quarantine', raw: 'MessageQuarantinedEvent' };
    return { type: 'event', event };
  },
};
