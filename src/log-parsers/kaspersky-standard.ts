// KSMG 2.1 "standard" syslog format (docs/log-formats.md, "Kaspersky"): `KSMG: key="value": key="value": …`,
// several values of one key joined by `;`, long events split by `event-part` / `event-total-parts` under one
// `event-guid`. The documented groups are audit events (counted as `other` by `event-type`); a line that
// carries per-module scan statuses (`as-status`, `av-status`, …) is a per-message event.
import { parseQuotedPairs } from './kit/quoted-pairs.js';
import { applyKasperskyPairs, hasModuleStatus } from './kit/kaspersky-status-pairs.js';
import { present } from './kit/event-fields.js';
import type { LogEvent, LogOutcome, LogParser } from './types.js';

/** `event-type="` right at the start, the documented first key. */
const STANDARD_START = /^[a-z][a-z0-9-]*="/;

export const kasperskyStandardParser: LogParser = {
  id: 'kaspersky-standard',
  detect(line) {
    const app = line.appName?.toUpperCase();
    return (app === 'KSMG' || app === 'KLMS') && STANDARD_START.test(line.message) && line.message.includes('":');
  },
  parse(line): LogOutcome {
    const { values, unterminated } = parseQuotedPairs(line.message, ':');
    const part = Number(values.get('event-part') ?? '1');
    const total = Number(values.get('event-total-parts') ?? '1');
    if (Number.isInteger(part) && Number.isInteger(total) && total > 1 && total <= 1000 && part >= 1 && part <= total) {
      return { type: 'part', family: 'kaspersky-standard', key: `${values.get('event-guid') ?? ''}|${total}`, part, total };
    }
    if (!hasModuleStatus(values)) {
      const kind = present(values.get('event-type')) ?? 'unnamed';
      return { type: 'other', family: 'kaspersky-standard', kind: kind.slice(0, 64) };
    }
    const event: LogEvent = {
      family: 'kaspersky-standard',
      kind: present(values.get('event')) ?? present(values.get('event-type')) ?? 'message',
      gateway: { id: line.appName?.toUpperCase() === 'KLMS' ? 'klms' : 'ksmg', vendor: 'Kaspersky', product: line.appName?.toUpperCase() === 'KLMS' ? 'KLMS' : 'KSMG' },
      warnings: unterminated ? ['unterminated_quote'] : [],
    };
    applyKasperskyPairs(event, values);
    return { type: 'event', event };
  },
  join(messages) {
    // Each part carries its own keys: the parts' pairs are concatenated, without the part counters.
    return messages
      .map((m) => m.replace(/(^|:\s*)event-(part|total-parts)="\d+"/g, '$1').replace(/^[:\s]+/, '').trim())
      .filter((m) => m !== '')
      .join(': ');
  },
};
