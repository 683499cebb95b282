// IMail Server anti-spam log (`spamMMDD.log`, or the same lines via the IMail log server / syslog;
// docs/log-formats.md, "IMail"): `Date - Time - Thread or Process ID - Anti-Spam Message ID - Host name -
// Entry Type - Message`, the anti-spam message id (e.g. `(00001316)`) tying a message's entries together.
// Entry types naming a blocklist test are per-message hits; other entry types are per-message events without
// a canonical verdict (the raw entry is kept); lines not in this shape are `other`.
// The vendor documents the column order, not a full sample line.
import { clipRaw, lineDateUtc } from './kit/event-fields.js';
import type { LogEvent, LogOutcome, LogParser } from './types.js';

const GATEWAY = { id: 'imail', vendor: 'Ipswitch', product: 'IMail Server' };
/** Date, time, thread, `(message id)`, host, entry type, message — columns separated by ` - `. */
const LINE = /^(\d{1,4}[/.-]\d{1,2}[/.-]\d{1,4})\s*-?\s*(\d{1,2}:\d{2}(?::\d{2})?)\s+-\s+(\S+)\s+-\s+\(([0-9A-Fa-f]{1,16})\)\s+-\s+(\S+)\s+-\s+([^-]+?)\s+-\s?(.*)$/s;
const BLOCKLIST_TYPES = /^(?:ADDRBL|DNSBL|HELOBL|IP4R|URLBL|RBL|SURBL|BLACK ?LIST)/i;

export const imailParser: LogParser = {
  id: 'imail',
  detect(line) {
    return LINE.test(line.message.slice(0, 4096));
  },
  parse(line): LogOutcome {
    const m = LINE.exec(line.message.slice(0, 64 * 1024));
    if (m === null) return { type: 'other', family: 'imail', kind: 'unparsed' };
    const [, date, time, , mid = '', , entryType = '', message = ''] = m;
    const event: LogEvent = {
      family: 'imail',
      kind: entryType.trim().slice(0, 64),
      gateway: GATEWAY,
      gatewayMid: mid,
      warnings: [],
    };
    const lineTime = line.timestamp === undefined ? lineDateUtc(date, time, event.warnings) : undefined;
    if (lineTime !== undefined) event.timestamp = lineTime;
    if (BLOCKLIST_TYPES.test(entryType.trim())) {
      event.spam = { verdict: 'blocklisted', raw: clipRaw(message.trim()), method: clipRaw(entryType.trim()), rules: [clipRaw(entryType.trim())] };
    }
    return { type: 'event', event };
  },
};
