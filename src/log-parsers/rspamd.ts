// rspamd's per-message result line written by rspamd_task_write_log (docs/log-formats.md, "rspamd"), with the
// default log_format: `<tag>; task; rspamd_task_write_log: id: <Message-ID>, qid: <queue id>, ip: …, from: <…>,
// (default: F (no action): [1.20/15.00] [SYM1(1.00){…},…]), len: …, time: …, rcpts: <…>`, and the task timeout
// `rspamd_task_timeout: processing of task time out: 8.0 second spent; forced processing`. Other lines are `other`.
// A custom log_format changes the result line: what is not recognised stays raw with a warning.
import { toActionType } from '../parsers/canonical/action.js';
import { toSpamVerdict } from '../parsers/canonical/spam-verdict.js';
import { addressList, clipRaw, present, scoreFrom } from './kit/event-fields.js';
import type { LogEvent, LogOutcome, LogParser } from './types.js';

const GATEWAY = { id: 'rspamd', vendor: 'rspamd', product: 'rspamd' };
const TAG = /<([0-9a-f]{4,32})>;\s*(\w+);\s*(\w+):/;
const METRIC = /\(default: ([TF]) \(([^)]*)\): \[([-\d.]+)\/([-\d.]+)\] \[([^\]]*)\]/;
const MAX_SYMBOLS = 200;

function field(text: string, name: string): string | undefined {
  // `name: value,` where the value ends at the next ", <word>:" (values such as `<a@b>` hold no such pair).
  const at = text.indexOf(` ${name}: `);
  if (at < 0) return undefined;
  const start = at + name.length + 3;
  const rest = text.slice(start);
  const end = rest.search(/, (?:[a-z_ ]{2,20}: |\(default:)/);
  return present(end < 0 ? rest : rest.slice(0, end));
}

function symbols(raw: string): string[] {
  const out: string[] = [];
  for (const m of raw.matchAll(/(?:^|,)\s*([A-Z0-9_]+)\(/g)) {
    if (out.length >= MAX_SYMBOLS) break;
    if (m[1] !== undefined) out.push(m[1]);
  }
  return out;
}

export const rspamdParser: LogParser = {
  id: 'rspamd',
  detect(line) {
    return line.appName?.toLowerCase() === 'rspamd' || /; (?:task|csession); rspamd_task_(?:write_log|timeout)/.test(line.message.slice(0, 200));
  },
  parse(line): LogOutcome {
    const m = line.message;
    const tag = TAG.exec(m.slice(0, 400));
    const func = tag?.[3] ?? '';
    if (func === 'rspamd_task_timeout') {
      const event: LogEvent = { family: 'rspamd', kind: 'task_timeout', gateway: GATEWAY, gatewayMid: tag?.[1] ?? '', warnings: [] };
      const raw = m.slice(m.indexOf('rspamd_task_timeout:') + 'rspamd_task_timeout:'.length).trim();
      event.scan = { status: 'timeout', raw: clipRaw(raw) };
      return { type: 'event', event };
    }
    if (func !== 'rspamd_task_write_log') return { type: 'other', family: 'rspamd', kind: (tag?.[2] ?? 'untagged').slice(0, 64) };
    const w: string[] = [];
    const event: LogEvent = { family: 'rspamd', kind: 'task_result', gateway: GATEWAY, gatewayMid: tag?.[1] ?? '', warnings: w };
    const id = field(m, 'id');
    if (id !== undefined && id !== '<undef>') event.messageId = clipRaw(id);
    const qid = field(m, 'qid');
    if (qid !== undefined && qid !== '<undef>') event.gatewayMid = clipRaw(qid.replace(/^<|>$/g, ''));
    const ip = field(m, 'ip');
    if (ip !== undefined) event.sourceIp = ip;
    const from = field(m, 'from');
    const fromList = from === '<>' ? undefined : addressList(from);
    if (fromList !== undefined) { event.from = fromList; event.sender = fromList[0] as string; }
    const rcpts = addressList(field(m, 'rcpts') ?? field(m, 'rcpt'));
    if (rcpts !== undefined) event.to = rcpts;
    const metric = METRIC.exec(m);
    if (metric === null) {
      w.push('unknown_result_format');
      return { type: 'event', event };
    }
    const action = metric[2] ?? '';
    const verdict = toSpamVerdict(action);
    if (verdict === undefined) w.push('unknown_spam_status:action');
    const score = scoreFrom(metric[3]);
    const threshold = scoreFrom(metric[4]);
    event.spam = {
      verdict: verdict ?? 'unknown', raw: clipRaw(action), scale: 'rspamd_points',
      ...(score !== undefined ? { score } : {}), ...(threshold !== undefined ? { threshold } : {}),
      rules: symbols(metric[5] ?? ''),
    };
    event.scan = { status: 'complete', raw: clipRaw(action) };
    const type = toActionType(action);
    if (type === undefined) w.push('unknown_action:action');
    event.action = { type: type ?? 'unknown', raw: clipRaw(action) };
    return { type: 'event', event };
  },
};
