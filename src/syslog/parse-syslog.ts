// Takes the syslog header off one message: RFC 5424 (`<PRI>1 TIMESTAMP HOST APP PROCID MSGID SD MSG`),
// RFC 3164 (`<PRI>Mmm dd hh:mm:ss HOST TAG[pid]: MSG`), and the same without `<PRI>` as log files hold them
// (traditional `Mmm dd hh:mm:ss` or ISO timestamps). Pure and lenient: what does not fit stays in `message`.

const FACILITIES = [
  'kern', 'user', 'mail', 'daemon', 'auth', 'syslog', 'lpr', 'news', 'uucp', 'cron', 'authpriv', 'ftp', 'ntp',
  'security', 'console', 'solaris-cron', 'local0', 'local1', 'local2', 'local3', 'local4', 'local5', 'local6', 'local7',
];
const SEVERITIES = ['emergency', 'alert', 'critical', 'error', 'warning', 'notice', 'informational', 'debug'];
const MONTHS = ['jan', 'feb', 'mar', 'apr', 'may', 'jun', 'jul', 'aug', 'sep', 'oct', 'nov', 'dec'];

export interface SyslogHeader {
  format: 'rfc5424' | 'rfc3164' | 'none';
  priority?: number;
  facility?: { code: number; name: string };
  severity?: { code: number; name: string };
  version?: number;
  timestamp?: Date;
  hostname?: string;
  appName?: string;
  procId?: string;
  msgId?: string;
  structuredData?: string;
  /** The message after header and tag. */
  message: string;
}

function priority(value: number): Pick<SyslogHeader, 'priority' | 'facility' | 'severity'> {
  const f = value >> 3;
  const s = value & 7;
  return { priority: value, facility: { code: f, name: FACILITIES[f] ?? String(f) }, severity: { code: s, name: SEVERITIES[s] ?? String(s) } };
}

const NIL = '-';

/**
 * The year of a year-less date: the latest that is not more than a day ahead of `now` (a December line read
 * in January is last year's; clocks a little ahead are tolerated).
 */
function bsdDate(month: number, day: number, time: string, now: Date): Date | undefined {
  const [h, m, s] = time.split(':').map(Number) as [number, number, number];
  for (const year of [now.getUTCFullYear() + 1, now.getUTCFullYear(), now.getUTCFullYear() - 1]) {
    const d = new Date(Date.UTC(year, month, day, h, m, s));
    if (Number.isNaN(d.getTime()) || d.getUTCDate() !== day) continue;
    if (d.getTime() - now.getTime() <= 24 * 3600 * 1000) return d;
  }
  return undefined;
}

function isoDate(raw: string): Date | undefined {
  if (!/^\d{4}-\d{2}-\d{2}T\d{2}:\d{2}:\d{2}(\.\d{1,9})?(Z|[+-]\d{2}:\d{2})$/.test(raw)) return undefined;
  const d = new Date(raw.replace(/(\.\d{3})\d+/, '$1'));
  return Number.isNaN(d.getTime()) ? undefined : d;
}

/** `TAG[pid]: rest` / `TAG: rest` → tag, pid, rest; undefined when the text does not start with a tag. */
function splitTag(text: string): { appName: string; procId?: string; rest: string } | undefined {
  const m = /^([A-Za-z0-9_./-]{1,48})(?:\[([^\]\s]{1,32})\])?: ?/.exec(text);
  if (m === null) return undefined;
  return { appName: m[1] as string, ...(m[2] !== undefined ? { procId: m[2] } : {}), rest: text.slice(m[0].length) };
}

/** Structured data `[id k="v"]…` or `-`: returns its end index in `text` starting at `from`. */
function structuredDataEnd(text: string, from: number): number {
  if (text[from] === '-') return from + 1;
  let i = from;
  while (text[i] === '[') {
    let inQuote = false;
    i++;
    for (; i < text.length; i++) {
      const ch = text[i];
      if (ch === '\\') { i++; continue; }
      if (ch === '"') inQuote = !inQuote;
      else if (ch === ']' && !inQuote) { i++; break; }
    }
  }
  return i;
}

export function parseSyslog(line: string, now: Date): SyslogHeader {
  let text = line;
  let out: Partial<SyslogHeader> = {};
  const pri = /^<(\d{1,3})>/.exec(text);
  if (pri !== null && Number(pri[1]) <= 191) {
    out = priority(Number(pri[1]));
    text = text.slice(pri[0].length);
  }
  // RFC 5424: VERSION SP TIMESTAMP SP HOSTNAME SP APP-NAME SP PROCID SP MSGID SP SD [SP MSG]
  const v5424 = /^(\d{1,2}) (\S+) (\S+) (\S+) (\S+) (\S+) /.exec(text);
  if (out.priority !== undefined && v5424 !== null) {
    const [, version, ts, host, app, proc, msgId] = v5424 as unknown as string[];
    const sdStart = v5424[0].length;
    const sdEnd = structuredDataEnd(text, sdStart);
    let message = text.slice(sdEnd).replace(/^ /, '');
    if (message.startsWith('\ufeff')) message = message.slice(1);
    const timestamp = ts === NIL ? undefined : isoDate(ts as string);
    return {
      ...out, format: 'rfc5424', version: Number(version),
      ...(timestamp !== undefined ? { timestamp } : {}),
      ...(host !== NIL ? { hostname: host as string } : {}),
      ...(app !== NIL ? { appName: app as string } : {}),
      ...(proc !== NIL ? { procId: proc as string } : {}),
      ...(msgId !== NIL ? { msgId: msgId as string } : {}),
      ...(text[sdStart] === '[' ? { structuredData: text.slice(sdStart, sdEnd) } : {}),
      message,
    } as SyslogHeader;
  }
  // RFC 3164 / traditional file lines: `Mmm dd hh:mm:ss` or an ISO timestamp, then HOST, then TAG.
  let timestamp: Date | undefined;
  const bsd = /^([A-Z][a-z]{2}) {1,2}(\d{1,2}) (\d{2}:\d{2}:\d{2}) /.exec(text);
  const iso = bsd === null ? /^(\d{4}-\d{2}-\d{2}T\S+) /.exec(text) : null;
  if (bsd !== null) {
    const month = MONTHS.indexOf((bsd[1] as string).toLowerCase());
    if (month >= 0) timestamp = bsdDate(month, Number(bsd[2]), bsd[3] as string, now);
    if (timestamp !== undefined) text = text.slice(bsd[0].length);
  } else if (iso !== null) {
    timestamp = isoDate(iso[1] as string);
    if (timestamp !== undefined) text = text.slice(iso[0].length);
  }
  if (timestamp === undefined && out.priority === undefined) return { format: 'none', message: line };
  let hostname: string | undefined;
  if (timestamp !== undefined) {
    // A tag directly after the timestamp means the sender left the hostname out.
    const host = /^([A-Za-z0-9._-]+|\[?[0-9a-fA-F:.]+\]?) /.exec(text);
    if (host !== null && splitTag(text) === undefined) {
      hostname = host[1];
      text = text.slice(host[0].length);
    } else if (host !== null && /^\S+ \S+/.test(text) && splitTag(text.slice(host[0].length)) !== undefined) {
      hostname = host[1];
      text = text.slice(host[0].length);
    }
  }
  // KSMG's standard format puts the node's `ip:port` between hostname and tag.
  const node = /^(\d{1,3}(?:\.\d{1,3}){3}|\[[0-9a-fA-F:]+\]):\d{1,5} /.exec(text);
  if (node !== null && splitTag(text.slice(node[0].length)) !== undefined) text = text.slice(node[0].length);
  const tag = splitTag(text);
  return {
    ...out, format: 'rfc3164',
    ...(timestamp !== undefined ? { timestamp } : {}),
    ...(hostname !== undefined ? { hostname } : {}),
    ...(tag !== undefined ? { appName: tag.appName, ...(tag.procId !== undefined ? { procId: tag.procId } : {}) } : {}),
    message: tag !== undefined ? tag.rest : text,
  } as SyslogHeader;
}
