// The demo KSMG's own log stream: the CEF ScanLogic events (docs/log-formats.md, "Kaspersky") its nodes send to
// `mailverdict listen` for ALL the mail they process — one anti-spam event (or a not-processed event) and one
// anti-virus event per message. That includes mail the quarantine never sees: during the spike, messages
// delivered after their scan timed out or fell back. Timeouts are written the way KSMG documents them for its
// events (a scan past "Maximum scanning time" gets anti-spam status `Error`, delivered; an internal error is
// `ALL_NOT_PROCESSED` with reason `InternalError`). Pure and deterministic: the same quarantine gives the same lines.
//   <134>Jun  1 10:15:03 ksmg-2.corp.example.ru KSMG: CEF:0|AO Kaspersky Lab|Kaspersky Secure Mail Gateway|2.1.0.1234|LMS_EV_SCAN_LOGIC_AS_STATUS|Anti-Spam status|5|cs1Label=MessageId cs1=<…> …
import type { SpamVerdict } from '../document/enums.js';
import { readMessage } from '../headers/read-message.js';
import { DEMO_GATEWAY_LOG } from './demo-profile.js';
import type { DemoMessage, DemoQuarantine } from './generate-quarantine.js';
import { SeededRandom } from './seeded-random.js';

const CEF_HEAD = 'CEF:0|AO Kaspersky Lab|Kaspersky Secure Mail Gateway|2.1.0.1234';
const MONTHS = ['Jan', 'Feb', 'Mar', 'Apr', 'May', 'Jun', 'Jul', 'Aug', 'Sep', 'Oct', 'Nov', 'Dec'];
/** CEF extension values escape `\` and `=` (and line breaks). */
const cefValue = (v: string): string => v.replace(/\\/g, '\\\\').replace(/=/g, '\\=').replace(/[\r\n]+/g, ' ');

/** How a message's scan ended, as KSMG's events say it. */
type ScanEnd = { kind: 'verdict'; outcome: string } | { kind: 'timeout' } | { kind: 'fallback' };

export interface DemoGatewayLog {
  /** Syslog lines (RFC 3164 header, `KSMG:` tag, CEF), in time order. */
  lines: string[];
  /** Messages the events are about: every quarantined KSMG message and the log-only ones. */
  messages: number;
  /** Of those, messages only the logs know (delivered after a scan timeout or fallback). */
  logOnlyMessages: number;
  /** Messages whose scan did not complete, by canonical status the parser gives them (`error`, `fallback`). */
  incomplete: Record<string, number>;
  /** Gateway nodes that send events (`observer.hostname` of the log documents). */
  nodes: readonly string[];
}

const OUTCOME: Record<SpamVerdict, string> = {
  clean: 'NotDetected', spam: 'Spam', suspect: 'ProbableSpam', bulk: 'MASSMAIL', blocklisted: 'Denylisted',
  allowlisted: 'Trusted', formal: 'Formal', none: 'NotScanned', unknown: 'NotDetected',
};

function scanEnd(m: Pick<DemoMessage, 'fixture' | 'verdict'>): ScanEnd {
  if (m.fixture.endsWith('-timeout-expired')) return { kind: 'timeout' };
  if (m.fixture.endsWith('-fallback')) return { kind: 'fallback' };
  if (m.verdict !== undefined) return { kind: 'verdict', outcome: OUTCOME[m.verdict] };
  return { kind: 'verdict', outcome: /-spam$/.test(m.fixture) ? 'Spam' : 'NotDetected' };
}

/** A message of another gateway whose fixture carries this gateway's headers too ("kaspersky/ksmg-klms-two-hop"). */
function passedThrough(m: Pick<DemoMessage, 'fixture'>, gateway: string): boolean {
  return m.fixture.slice(m.fixture.indexOf('/') + 1).split('-').includes(gateway);
}

function bsdTime(ms: number): string {
  const d = new Date(ms);
  const p = (n: number): string => String(n).padStart(2, '0');
  return `${MONTHS[d.getUTCMonth()]} ${String(d.getUTCDate()).padStart(2, ' ')} ${p(d.getUTCHours())}:${p(d.getUTCMinutes())}:${p(d.getUTCSeconds())}`;
}

interface Processed {
  at: number;
  node: string;
  messageId: string;
  sender: string;
  recipient: string;
  subject?: string;
  end: ScanEnd;
  infected: boolean;
}

/** The first address of a header value: `Name <a@b>` or `a@b`. */
function address(value: string | undefined): string {
  const v = value ?? '';
  return /<([^<>\s]+@[^<>\s]+)>/.exec(v)?.[1] ?? /[^\s<>,;"]+@[^\s<>,;"]+/.exec(v)?.[0] ?? 'unknown@invalid';
}

function fromQuarantine(m: DemoMessage, fallbackNode: string): Processed {
  const { block } = readMessage(m.raw);
  const header = (name: string): string | undefined => block.byName.get(name)?.[0]?.value;
  const subject = header('subject');
  return {
    // KSMG sends ScanLogic events once it has processed the message: a few seconds after the verdict.
    at: m.time.getTime() + 2000,
    node: m.node ?? fallbackNode,
    messageId: (header('message-id') ?? '').trim(),
    sender: address(header('from')),
    recipient: address(header('to')),
    ...(subject === undefined ? {} : { subject }),
    end: scanEnd(m),
    infected: m.fixture.endsWith('-infected'),
  };
}

function eventLines(p: Processed): string[] {
  const head = `<134>${bsdTime(p.at)} ${p.node} KSMG: ${CEF_HEAD}`;
  const who = `cs1Label=MessageId cs1=${cefValue(p.messageId)} rt=${p.at} suser=${cefValue(p.sender)} duser=${cefValue(p.recipient)}`
    + (p.subject === undefined ? '' : ` KSMGMessageSubject=${cefValue(p.subject.slice(0, 200))}`);
  const av = `${head}|LMS_EV_SCAN_LOGIC_AV_STATUS|Anti-Virus status|${p.infected ? 8 : 3}|${who} act=${p.infected ? 'AttachmentsDeleted' : 'Skipped'} outcome=${p.infected ? 'Infected' : 'NotDetected'}`;
  switch (p.end.kind) {
    case 'fallback':
      return [`${head}|LMS_EV_SCAN_LOGIC_ALL_NOT_PROCESSED|Message not processed|8|${who} act=Skipped reason=InternalError`];
    case 'timeout':
      return [`${head}|LMS_EV_SCAN_LOGIC_AS_STATUS|Anti-Spam status|5|${who} act=Skipped outcome=Error`, av];
    default: {
      const act = /^(Spam|Denylisted)$/.test(p.end.outcome) ? 'Quarantined' : 'Skipped';
      return [`${head}|LMS_EV_SCAN_LOGIC_AS_STATUS|Anti-Spam status|5|${who} act=${act} outcome=${p.end.outcome}`, av];
    }
  }
}

export function buildDemoGatewayLog(q: DemoQuarantine): DemoGatewayLog {
  const { gateway, nodes, logOnlyPerQuarantinedIncomplete, recipientDomain } = DEMO_GATEWAY_LOG;
  const rand = new SeededRandom(`${q.seed}|gateway-log|${q.end.toISOString()}`);
  // Every message the gateway processed: its own, and those it passed on to another filter (a two-hop fixture).
  const processed: Processed[] = q.messages.filter((m) => m.gateway === gateway || passedThrough(m, gateway)).map((m) => fromQuarantine(m, nodes[0]));
  // Mail delivered after the spike node's scan timed out or fell back: in no quarantine, only in the logs.
  const spikeIncomplete = processed.filter((p) => p.node === q.spike.node && p.end.kind !== 'verdict' && p.at >= q.spike.start.getTime() && p.at < q.spike.end.getTime());
  const logOnly = Math.round(spikeIncomplete.length * logOnlyPerQuarantinedIncomplete);
  const span = q.spike.end.getTime() - q.spike.start.getTime();
  for (let i = 0; i < logOnly; i++) {
    const at = q.spike.start.getTime() + Math.floor(((i + rand.next()) * span) / logOnly);
    processed.push({
      at: Math.floor(at / 1000) * 1000,
      node: q.spike.node,
      messageId: `<delivered-${i}.${q.end.getTime().toString(36)}@${recipientDomain}>`,
      sender: `news@${rand.pick(['partner.example.com', 'supplier.example.org', 'lists.example.org'])}`,
      recipient: `${rand.pick(['buh', 'it', 'sales', 'ops', 'hr'])}@${recipientDomain}`,
      end: rand.next() < 0.5 ? { kind: 'timeout' } : { kind: 'fallback' },
      infected: false,
    });
  }
  processed.sort((a, b) => a.at - b.at || a.messageId.localeCompare(b.messageId));
  const incomplete: Record<string, number> = {};
  for (const p of processed) {
    if (p.end.kind === 'verdict') continue;
    // The statuses the parser gives these events: anti-spam `Error` → error, not processed → fallback.
    const status = p.end.kind === 'timeout' ? 'error' : 'fallback';
    incomplete[status] = (incomplete[status] ?? 0) + 1;
  }
  return {
    lines: processed.flatMap(eventLines),
    messages: processed.length,
    logOnlyMessages: logOnly,
    incomplete,
    nodes,
  };
}
