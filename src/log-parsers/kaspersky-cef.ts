// Kaspersky Secure Mail Gateway / Kaspersky Security for Linux Mail Server events in CEF over syslog
// (docs/log-formats.md, "Kaspersky"): `KSMG: CEF:0|AO Kaspersky Lab|Kaspersky Secure Mail Gateway|<ver>|<class>|…`.
// ScanLogic classes (LMS_EV_SCAN_LOGIC_*) are per-message events; every other class (settings, tasks,
// audit, updates, …) is counted as `other`. Long events come in parts (cn1Label=EventPart cn1=<n>
// cn2Label=TotalEventParts cn2=<total>) that are reassembled before parsing.
import type { AuthResults } from '../document/types.js';
import { toAuthResult } from '../parsers/canonical/auth-result.js';
import { findCef, labelled, parseCef, type CefEvent } from './kit/cef.js';
import {
  actionFrom, addressList, avFrom, clipRaw, defined, looksLikeMessageId, present, scanFrom, spamFrom, threatFrom,
} from './kit/event-fields.js';
import type { GatewayIdentity, LogEvent, LogLine, LogOutcome, LogParser } from './types.js';

const SCAN_LOGIC = 'LMS_EV_SCAN_LOGIC_';
/** The documented part counters, removed when parts are joined. */
const PART_COUNTERS = /(^|\s)(cn1Label=EventPart|cn2Label=TotalEventParts|cn1=\d+|cn2=\d+)(?=\s|$)/g;

function identity(cef: CefEvent): GatewayIdentity {
  const product = cef.product.toLowerCase();
  const version = present(cef.productVersion);
  const base = product.includes('linux mail server')
    ? { id: 'klms', vendor: 'Kaspersky', product: 'KLMS' }
    : { id: 'ksmg', vendor: 'Kaspersky', product: 'KSMG' };
  return version === undefined ? base : { ...base, version };
}

function isKaspersky(cef: CefEvent): boolean {
  return cef.vendor.toLowerCase().includes('kaspersky')
    && /mail gateway|linux mail server/i.test(cef.product);
}

function partInfo(cef: CefEvent): { part: number; total: number } | undefined {
  const part = Number(labelled(cef.extension, 'EventPart'));
  const total = Number(labelled(cef.extension, 'TotalEventParts'));
  if (!Number.isInteger(part) || !Number.isInteger(total) || total <= 1 || part < 1 || part > total || total > 1000) return undefined;
  return { part, total };
}

/** CEF `rt`/`end`: epoch milliseconds (the documented CEF date form we accept; others are left to syslog). */
function cefTime(cef: CefEvent): Date | undefined {
  const raw = cef.extension.get('rt') ?? cef.extension.get('end');
  if (raw === undefined || !/^\d{10,13}$/.test(raw)) return undefined;
  const ms = raw.length === 13 ? Number(raw) : Number(raw) * 1000;
  const d = new Date(ms);
  return Number.isNaN(d.getTime()) ? undefined : d;
}

/** Status of the module the event class is about: `outcome`, with `reason` as the not-scanned reason. */
function withReason(outcome: string, reason: string | undefined): string {
  return reason !== undefined && /^not\s*scanned$/i.test(outcome.trim()) ? `NotScanned, ${reason}` : outcome;
}

function applyModule(event: LogEvent, cls: string, cef: CefEvent): void {
  const ext = cef.extension;
  const w = event.warnings;
  const reason = present(ext.get('reason'));
  const module = cls.slice(SCAN_LOGIC.length);
  const statusField = ({ AV_STATUS: 'KSMGAvStatus', AS_STATUS: 'KSMGAsStatus', AP_STATUS: 'KSMGApStatus', MLF_STATUS: 'KSMGMlfStatus', KT_STATUS: 'KSMGKtStatus', MA_STATUS: 'KSMGMaStatus', CF_STATUS: 'KSMGCfStatus' } as Record<string, string | undefined>)[module];
  const outcome = present(ext.get('outcome')) ?? (statusField !== undefined ? present(ext.get(statusField)) : undefined);
  switch (module) {
    case 'AS_STATUS': {
      if (outcome === undefined) { w.push('missing_outcome'); break; }
      const raw = withReason(outcome, reason);
      event.spam = spamFrom(raw, w, 'outcome');
      const method = present(labelled(ext, 'Method') ?? ext.get('cs4'));
      if (method !== undefined) event.spam.method = clipRaw(method);
      // A verdict means the scan ran; not-scanned and error outcomes say why it did not.
      if (/^not\s*scanned$/i.test(outcome.trim())) event.scan = scanFrom(raw, w, 'outcome');
      else if (event.spam.verdict === 'none') event.scan = scanFrom(outcome, w, 'outcome');
      else if (event.spam.verdict !== 'unknown') event.scan = { status: 'complete', raw: clipRaw(raw) };
      break;
    }
    case 'AV_STATUS':
      if (outcome === undefined) { w.push('missing_outcome'); break; }
      event.av = avFrom(outcome, w, 'outcome');
      if (reason !== undefined) event.av.action = clipRaw(reason);
      break;
    case 'AP_STATUS':
      if (outcome === undefined) { w.push('missing_outcome'); break; }
      event.phishing = threatFrom(outcome, 'phishing', w, 'outcome');
      break;
    case 'MLF_STATUS':
      if (outcome === undefined) { w.push('missing_outcome'); break; }
      event.links = threatFrom(outcome, 'links', w, 'outcome');
      break;
    case 'KT_STATUS':
      if (outcome === undefined) { w.push('missing_outcome'); break; }
      event.sandbox = threatFrom(outcome, 'sandbox', w, 'outcome');
      break;
    case 'MA_STATUS': {
      const auth: AuthResults = {};
      const source = 'ksmg-cef';
      for (const [method, label, positional] of [['spf', 'SPF', 'cs4'], ['dkim', 'DKIM', 'cs5'], ['dmarc', 'DMARC', 'cs6']] as const) {
        const raw = present(labelled(ext, label) ?? ext.get(positional));
        if (raw === undefined) continue;
        const result = toAuthResult(raw, method);
        if (result === undefined) w.push(`unknown_auth_result:${method}`);
        auth[method] = { result: result?.result ?? 'unknown', raw: clipRaw(raw), source };
      }
      if (Object.keys(auth).length > 0) event.auth = auth;
      break;
    }
    case 'ALL_NOT_PROCESSED': {
      // The message went through unscanned: an internal error is a fallback, a cancelled scan an error.
      const raw = reason ?? outcome ?? '';
      const key = raw.replace(/[\s_-]/g, '').toLowerCase();
      if (key === 'internalerror') event.scan = { status: 'fallback', raw: clipRaw(raw) };
      else if (key === 'cancelled' || key === 'canceled') event.scan = { status: 'error', raw: clipRaw(raw) };
      else {
        event.scan = { status: 'unknown', ...(raw !== '' ? { raw: clipRaw(raw) } : {}) };
        w.push('unknown_not_processed_reason');
      }
      break;
    }
    default:
      break; // CF_STATUS, PART_RESULT and newer classes: the class and raw event are kept, no canonical field.
  }
}

function scanLogicEvent(cef: CefEvent, line: LogLine): LogEvent {
  const ext = cef.extension;
  const event: LogEvent = {
    family: 'kaspersky-cef',
    kind: cef.eventClass,
    gateway: identity(cef),
    warnings: cef.problems.map((p) => p),
  };
  const id = present(labelled(ext, 'MessageId') ?? ext.get('cs1'));
  if (id !== undefined) {
    // The documentation calls cs1 "Message ID" without saying which: an RFC 5322 id is used as such.
    if (looksLikeMessageId(id)) event.messageId = id;
    else event.gatewayMid = clipRaw(id);
  } else {
    event.warnings.push('missing_message_id');
  }
  const sender = present(ext.get('suser'));
  Object.assign(event, defined({
    timestamp: cefTime(cef),
    subject: present(ext.get('KSMGMessageSubject')),
    from: addressList(sender),
    to: addressList(present(ext.get('duser'))),
    sender,
    sourceIp: present(ext.get('src')) ?? present(ext.get('c6a2')),
  }));
  const rules = present(labelled(ext, 'Rules') ?? ext.get('cs2'));
  if (rules !== undefined) event.ruleIds = addressList(rules) ?? [];
  applyModule(event, cef.eventClass, cef);
  const act = present(ext.get('act'));
  if (act !== undefined) event.action = actionFrom(act, event.warnings, 'act', cef.eventClass.slice(SCAN_LOGIC.length).toLowerCase());
  void line;
  return event;
}

export const kasperskyCefParser: LogParser = {
  id: 'kaspersky-cef',
  detect(line) {
    const at = findCef(line.message);
    return at >= 0 && line.message.slice(at, at + 64).toLowerCase().includes('kaspersky');
  },
  parse(line): LogOutcome {
    const cef = parseCef(line.message.slice(findCef(line.message)));
    if (!isKaspersky(cef)) return { type: 'other', family: 'kaspersky-cef', kind: 'not_mail_product' };
    const parts = partInfo(cef);
    if (parts !== undefined) {
      // Parts of one event share its class and identity (audit events: externalId; ScanLogic: the message id).
      const who = present(cef.extension.get('externalId')) ?? present(labelled(cef.extension, 'MessageId') ?? cef.extension.get('cs1')) ?? '';
      return { type: 'part', family: 'kaspersky-cef', key: `${cef.eventClass}|${who}|${parts.total}`, ...parts };
    }
    if (!cef.eventClass.startsWith(SCAN_LOGIC)) return { type: 'other', family: 'kaspersky-cef', kind: cef.eventClass || 'unnamed' };
    return { type: 'event', event: scanLogicEvent(cef, line) };
  },
  join(messages) {
    // The first part keeps its header; every part's extension follows, without the part counters.
    const first = messages[0] ?? '';
    const at = findCef(first);
    if (at < 0) return first;
    const head = parseCef(first.slice(at));
    const headerText = first.slice(0, first.length - head.rawExtension.length);
    const extensions = messages.map((m) => {
      const i = findCef(m);
      return i >= 0 ? parseCef(m.slice(i)).rawExtension.replace(PART_COUNTERS, ' ').trim() : '';
    });
    return `${headerText}${extensions.filter((e) => e !== '').join(' ')}`;
  },
};
