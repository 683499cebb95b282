// Cisco Secure Email Gateway consolidated event logs (docs/log-formats.md, "Cisco"): one CEF line per message,
// class ESA_CONSOLIDATED_LOG_EVENT, with per-engine verdicts (ESAASVerdict anti-spam, ESAAVVerdict anti-virus,
// ESAAMPVerdict file reputation, ESAGMVerdict graymail, ESAOFVerdict outbreak filters, ESACFVerdict content
// filters), the final action `act`, the gateway ids ESAMID / ESAICID, and the external Message-ID in cs4.
import type { AvStatus, SpamVerdict } from '../document/enums.js';
import { findCef, labelled, parseCef } from './kit/cef.js';
import { actionFrom, addressList, clipRaw, defined, present } from './kit/event-fields.js';
import type { LogEvent, LogOutcome, LogParser } from './types.js';

const SPAM: Readonly<Record<string, SpamVerdict>> = {
  POSITIVE: 'spam', SPAM: 'spam', NEGATIVE: 'clean', CLEAN: 'clean', SUSPECT: 'suspect', BULK: 'bulk',
  NOT_EVALUATED: 'none', SKIPPED: 'none', ERROR: 'none',
};
const AV: Readonly<Record<string, AvStatus>> = {
  POSITIVE: 'infected', VIRAL: 'infected', NEGATIVE: 'clean', CLEAN: 'clean', ENCRYPTED: 'encrypted',
  UNSCANNABLE: 'error', ERROR: 'error', NOT_EVALUATED: 'not_scanned', SKIPPED: 'not_scanned',
};

export const ciscoConsolidatedParser: LogParser = {
  id: 'cisco-consolidated',
  detect(line) {
    const at = findCef(line.message);
    return at >= 0 && line.message.slice(at, at + 120).includes('|Cisco|');
  },
  parse(line): LogOutcome {
    const cef = parseCef(line.message.slice(findCef(line.message)));
    if (cef.eventClass !== 'ESA_CONSOLIDATED_LOG_EVENT') return { type: 'other', family: 'cisco-consolidated', kind: cef.eventClass || 'unnamed' };
    const ext = cef.extension;
    const w = [...cef.problems];
    const version = present(cef.productVersion);
    const event: LogEvent = {
      family: 'cisco-consolidated',
      kind: cef.eventClass,
      gateway: { id: 'ironport', vendor: 'Cisco', product: 'Secure Email Gateway', ...(version !== undefined ? { version } : {}) },
      warnings: w,
    };
    const sender = present(ext.get('suser'));
    Object.assign(event, defined({
      gatewayMid: present(ext.get('ESAMID')),
      messageId: present(labelled(ext, 'ExternalMsgID') ?? ext.get('cs4')),
      subject: present(labelled(ext, 'Subject') ?? ext.get('ESASubject')),
      from: addressList(sender),
      sender,
      to: addressList(present(ext.get('duser'))),
      sourceIp: present(ext.get('src')),
    }));
    if (event.gatewayMid === undefined) w.push('missing_message_id');
    const as = present(ext.get('ESAASVerdict'));
    if (as !== undefined) {
      const verdict = SPAM[as.toUpperCase()];
      if (verdict === undefined) w.push('unknown_spam_status:ESAASVerdict');
      event.spam = { verdict: verdict ?? 'unknown', raw: clipRaw(as) };
      const upper = as.toUpperCase();
      event.scan = upper === 'ERROR' ? { status: 'error', raw: clipRaw(as) }
        : upper === 'NOT_EVALUATED' || upper === 'SKIPPED' ? { status: 'skipped', reason: 'policy', raw: clipRaw(as) }
          : verdict !== undefined ? { status: 'complete', raw: clipRaw(as) } : { status: 'unknown', raw: clipRaw(as) };
    }
    const av = present(ext.get('ESAAVVerdict'));
    if (av !== undefined) {
      const status = AV[av.toUpperCase()];
      if (status === undefined) w.push('unknown_av_status:ESAAVVerdict');
      event.av = { status: status ?? 'unknown', raw: clipRaw(av) };
    }
    const act = present(ext.get('act'));
    if (act !== undefined) event.action = actionFrom(act, w, 'act');
    return { type: 'event', event };
  },
};
