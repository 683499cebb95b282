// Cisco Secure Email Gateway (IronPort / ESA) text logs pushed over syslog (docs/log-formats.md, "Cisco"):
// the `mail_logs` subscription (`Info: MID 123 …`, several lines per message tied by the MID) and the
// `antivirus` log (`… MID 123 - Result 'CLEAN'`, `Virus '…'`, `Limit - 'Max Files Exceeded'`, `timed out on message`).
// Every line naming a MID is a per-message event (its kind says which step); connection (ICID/DCID without
// MID) and system lines are counted as `other`.
import type { LogEvent, LogOutcome, LogParser } from './types.js';
import { addressList, clipRaw } from './kit/event-fields.js';

const LEVEL = /^(Info|Warning|Critical|Debug|Trace):\s+/;
const MID = /\bMID (\d{1,20})\b/;
const GATEWAY = { id: 'ironport', vendor: 'Cisco', product: 'Secure Email Gateway' };

type Step = (event: LogEvent, text: string) => boolean;

/** Ordered recognisers: the first that matches names the line's kind and fills the event. */
const STEPS: readonly [kind: string, step: Step][] = [
  ['av_timeout', (e, t) => {
    if (!/\btimed out on message\b|\bantivirus timeout\b/i.test(t)) return false;
    e.av = { status: 'error', raw: clipRaw(t.slice(t.search(/timed out|timeout/i))) };
    e.scan = { status: 'timeout', raw: 'antivirus timed out' };
    return true;
  }],
  ['spam_timeout', (e, t) => {
    if (!/\b(?:engine|anti-?spam|CASE)\b.*\btime(?:d)? ?out\b/i.test(t)) return false;
    e.scan = { status: 'timeout', raw: clipRaw(t.slice(t.search(/time(?:d)? ?out/i))) };
    return true;
  }],
  ['av_limit', (e, t) => {
    const m = /\bLimit - '([^']*)'/.exec(t);
    if (m === null) return false;
    e.av = { status: 'not_scanned', raw: clipRaw(m[1] ?? '') };
    e.scan = { status: 'size_exceeded', raw: clipRaw(m[1] ?? '') };
    return true;
  }],
  ['av_result', (e, t) => {
    const virus = /\bVirus '([^']*)'/.exec(t) ?? /\bantivirus positive '([^']*)'/.exec(t);
    if (virus !== null) {
      e.av = { status: 'infected', raw: clipRaw(virus[0]), threats: [clipRaw(virus[1] ?? '')] };
      return true;
    }
    const result = /\bResult '([^']*)'/.exec(t) ?? /\bantivirus (negative|encrypted|unscannable)\b/.exec(t);
    if (result === null) return false;
    const raw = (result[1] ?? '').toUpperCase();
    const status = raw === 'CLEAN' || raw === 'NEGATIVE' ? 'clean' : raw === 'ENCRYPTED' ? 'encrypted' : raw === 'UNSCANNABLE' ? 'error' : 'unknown';
    if (status === 'unknown') e.warnings.push('unknown_av_status:result');
    e.av = { status, raw: clipRaw(result[1] ?? '') };
    return true;
  }],
  // Interim verdicts (spam or AV) keep only their raw text: the final line carries the verdict.
  ['interim_verdict', (_e, t) => /\binterim (?:AV )?verdict\b/i.test(t)],
  ['spam_verdict', (e, t) => {
    const m = /\busing engine: (\S+) (spam|suspect|bulk|marketing|graymail|social|negative|positive)(?: (positive|negative|suspect))?/i.exec(t);
    if (m === null) return false;
    const words = `${m[2] ?? ''} ${m[3] ?? ''}`.toLowerCase().trim();
    const verdict = words === 'spam positive' || words === 'positive' ? 'spam'
      : words === 'spam negative' || words === 'negative' ? 'clean'
        : words.startsWith('spam suspect') || words === 'suspect' ? 'suspect'
          : /^(bulk|marketing|graymail|social)/.test(words) ? (words.endsWith('negative') ? 'clean' : 'bulk') : 'unknown';
    if (verdict === 'unknown') e.warnings.push('unknown_spam_status:engine');
    e.spam = { verdict, raw: clipRaw(`${m[1] ?? ''} ${words}`), method: clipRaw(m[1] ?? '') };
    e.scan = { status: 'complete', raw: clipRaw(`${m[1] ?? ''} ${words}`) };
    return true;
  }],
  ['message_id', (e, t) => {
    const m = /\bMessage-ID '([^']*)'/.exec(t);
    if (m === null) return false;
    e.messageId = clipRaw(m[1] ?? '');
    return true;
  }],
  ['subject', (e, t) => {
    const m = /\bSubject '(.*)'\s*$/.exec(t);
    if (m === null) return false;
    e.subject = clipRaw(m[1] ?? '');
    return true;
  }],
  ['from', (e, t) => {
    const m = /\bFrom: <([^>]*)>/.exec(t);
    if (m === null) return false;
    const from = m[1] ?? '';
    if (from !== '') { e.from = [from]; e.sender = from; }
    return true;
  }],
  ['to', (e, t) => {
    const m = /\bTo: <([^>]*)>/.exec(t);
    if (m === null) return false;
    e.to = addressList(m[1]) ?? [];
    return true;
  }],
  ['quarantine', (e, t) => {
    if (!/\bquarantine\b/i.test(t) || !/\b(?:enqueued|moved|sent) (?:in)?to\b/i.test(t)) return false;
    e.action = { type: 'quarantine', raw: 'quarantine' };
    return true;
  }],
  ['delivered', (e, t) => {
    if (!/\bqueued for delivery\b|\bDelivery start\b/.test(t)) return false;
    e.action = { type: 'deliver', raw: 'queued for delivery' };
    return true;
  }],
  ['finished', (_e, t) => /\bMessage finished MID\b/.test(t)],
  ['aborted', (e, t) => {
    if (!/\baborted\b/.test(t)) return false;
    e.action = { type: 'drop', raw: 'aborted' };
    return true;
  }],
  ['start', (_e, t) => /\bStart MID\b/.test(t)],
];

export const ciscoMailLogsParser: LogParser = {
  id: 'cisco-mail-logs',
  detect(line) {
    return LEVEL.test(line.message) && !line.message.includes('CEF:');
  },
  parse(line): LogOutcome {
    const text = line.message.replace(LEVEL, '');
    const mid = MID.exec(text);
    if (mid === null) {
      const kind = /\bICID \d+/.test(text) ? 'connection' : /\bDCID \d+/.test(text) ? 'delivery_connection' : 'system';
      return { type: 'other', family: 'cisco-mail-logs', kind };
    }
    const event: LogEvent = { family: 'cisco-mail-logs', kind: 'message', gateway: GATEWAY, gatewayMid: mid[1] ?? '', warnings: [] };
    for (const [kind, step] of STEPS) {
      if (step(event, text)) {
        event.kind = kind;
        break;
      }
    }
    return { type: 'event', event };
  },
};
