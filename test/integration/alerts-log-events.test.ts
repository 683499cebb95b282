// The scan-incomplete rule on gateway log events, against the real Elasticsearch: three gateway nodes send only
// their logs (no quarantine), each message's whole trail of events. A KSMG not-processed event, a KSMG
// "NotScanned, timeout expired", a Cisco "timed out on message" and an rspamd task timeout count like a header
// "timeout expired"; the trail's steps without a scan status (From:, queued, anti-virus results) are no scans and
// do not dilute the share. The lines are documented vendor formats parsed by the product's log parser.
import { readFileSync } from 'node:fs';
import { Client } from '@elastic/elasticsearch';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { alertConfigSchema } from '../../src/alerts/alert-config.js';
import type { AlertEvent } from '../../src/alerts/alert-event.js';
import { Alerter } from '../../src/alerts/alerter.js';
import { parseLogInput } from '../../src/parse/parse-log.js';
import { serviceSettings, uniqueName } from '../support/services.js';

const MINUTE = 60_000;
const T0 = Date.parse('2025-04-08T10:00:00Z');
const MONTHS = ['Jan', 'Feb', 'Mar', 'Apr', 'May', 'Jun', 'Jul', 'Aug', 'Sep', 'Oct', 'Nov', 'Dec'];

/** RFC 3164 header date (`Apr  8 10:00:07`), read back in UTC by the parser. */
function bsd(ms: number): string {
  const d = new Date(ms);
  const p = (n: number): string => String(n).padStart(2, '0');
  return `${MONTHS[d.getUTCMonth()]} ${String(d.getUTCDate()).padStart(2, ' ')} ${p(d.getUTCHours())}:${p(d.getUTCMinutes())}:${p(d.getUTCSeconds())}`;
}

type Outcome = 'complete' | 'fallback' | 'notscanned-timeout' | 'av-timeout' | 'task-timeout';

const CEF = 'CEF:0|AO Kaspersky Lab|Kaspersky Secure Mail Gateway|2.1.0.1234';

/** KSMG's ScanLogic events for one message (docs/log-formats.md): AS, AV and AP statuses, or not processed. */
function ksmgTrail(n: number, at: number, outcome: Outcome): string[] {
  const head = (s: number): string => `<134>${bsd(at + s * 1000)} ksmg1.example.com KSMG: ${CEF}`;
  const who = `cs1Label=MessageId cs1=<k${n}@sender.example> src=203.0.113.7 suser=a@sender.example duser=alice@example.com`;
  if (outcome === 'fallback') return [`${head(0)}|LMS_EV_SCAN_LOGIC_ALL_NOT_PROCESSED|Message not processed|8|${who} act=Skipped reason=InternalError`];
  const as = outcome === 'notscanned-timeout' ? 'outcome=NotScanned reason=timeout expired' : 'outcome=NotDetected';
  return [
    `${head(0)}|LMS_EV_SCAN_LOGIC_AS_STATUS|Anti-Spam status|5|${who} act=Skipped ${as}`,
    `${head(0)}|LMS_EV_SCAN_LOGIC_AV_STATUS|Anti-Virus status|5|${who} act=Skipped outcome=NotDetected`,
    `${head(1)}|LMS_EV_SCAN_LOGIC_AP_STATUS|Anti-Phishing status|5|${who} act=Skipped outcome=Clean`,
  ];
}

/** Cisco mail_logs for one message, with the antivirus log's timeout when it timed out. */
function ciscoTrail(n: number, at: number, outcome: Outcome): string[] {
  const mid = 5000 + n;
  const line = (s: number, tag: string, text: string): string => `<22>${bsd(at + s * 1000)} esa1.example.com ${tag}: ${text}`;
  return [
    line(0, 'mail_logs', `Info: Start MID ${mid} ICID 55`),
    line(0, 'mail_logs', `Info: MID ${mid} ICID 55 From: <a@sender.example>`),
    line(0, 'mail_logs', `Info: MID ${mid} ICID 55 RID 0 To: <alice@example.com>`),
    line(1, 'mail_logs', `Info: MID ${mid} Message-ID '<c${n}@sender.example>'`),
    line(1, 'mail_logs', `Info: MID ${mid} using engine: CASE spam negative`),
    outcome === 'av-timeout'
      ? line(2, 'antivirus', `Warning: sophos antivirus - MID ${mid} - timed out on message`)
      : line(2, 'mail_logs', `Info: MID ${mid} antivirus negative`),
    line(2, 'mail_logs', `Info: MID ${mid} queued for delivery`),
    line(3, 'mail_logs', `Info: Message finished MID ${mid} done`),
  ];
}

/** rspamd's result line; a timed-out task logs the timeout, then its forced result. */
function rspamdTrail(n: number, at: number, outcome: Outcome): string[] {
  const tag = (0xa00000 + n).toString(16);
  const line = (s: number, text: string): string => `${bsd(at + s * 1000)} filter1.example.com rspamd[4012]: <${tag}>; task; ${text}`;
  const result = line(1, `rspamd_task_write_log: id: <r${n}@sender.example>, qid: <Q${n}>, ip: 198.51.100.62, from: <a@sender.example>, (default: F (no action): [-0.10/15.00] [MIME_GOOD(-0.10){text/plain;}]), len: 1024, time: 80.0ms, rcpts: <alice@example.com>`);
  return outcome === 'task-timeout'
    ? [line(0, 'rspamd_task_timeout: processing of task time out: 8.0 second spent; forced processing'), result]
    : [result];
}

const NODES = [
  { key: 'ksmg@ksmg1.example.com', trail: ksmgTrail, failures: ['fallback', 'fallback', 'fallback', 'notscanned-timeout', 'notscanned-timeout', 'notscanned-timeout'] },
  { key: 'ironport@esa1.example.com', trail: ciscoTrail, failures: Array<Outcome>(6).fill('av-timeout') },
  { key: 'rspamd@filter1.example.com', trail: rspamdTrail, failures: Array<Outcome>(6).fill('task-timeout') },
] as const satisfies readonly { key: string; trail: (n: number, at: number, o: Outcome) => string[]; failures: readonly Outcome[] }[];

describe('scan-incomplete alerts from gateway log events (real Elasticsearch)', () => {
  const client = new Client({ node: serviceSettings().esUrl });
  const prefix = uniqueName('it-logalert');
  const indexed = new Map<string, number>();

  beforeAll(async () => {
    for (const [file, suffix] of [['mailverdict-template.json', '2'], ['alerts-template.json', 'alerts']] as const) {
      const t = JSON.parse(readFileSync(new URL(`../../mappings/${file}`, import.meta.url), 'utf8')) as Record<string, unknown>;
      await client.indices.putIndexTemplate({ name: `${prefix}-${suffix}`, ...t, index_patterns: [`${prefix}-${suffix}*`] } as never);
    }
    const operations: unknown[] = [];
    let n = 0;
    const add = (lines: string[], at: number): void => {
      for (const raw of lines) {
        const r = parseLogInput({ raw, now: new Date(at + 60_000) });
        if (r.type !== 'event') throw new Error(`not an event: ${raw}`);
        const doc = r.parsed.document;
        const key = `${doc.mailverdict.gateway}@${doc.observer.hostname ?? ''}`;
        indexed.set(key, (indexed.get(key) ?? 0) + 1);
        operations.push({ create: { _index: `${prefix}-2025.04`, _id: r.parsed.id } }, doc);
      }
    };
    for (const node of NODES) {
      // Normal traffic from an hour before the spike to 45 minutes after: one message every 2.5 minutes.
      for (let at = T0 - 60 * MINUTE; at < T0 + 45 * MINUTE; at += 2.5 * MINUTE) add(node.trail(n++, at + 7_000, 'complete'), at + 7_000);
      // The spike: six messages without a finished scan within [T0, T0 + 15 min).
      node.failures.forEach((outcome, i) => { add(node.trail(n++, T0 + 30_000 + i * MINUTE, outcome), T0 + 30_000 + i * MINUTE); });
    }
    const bulk = await client.bulk({ operations, refresh: 'wait_for' });
    expect(bulk.items.filter((i) => i.create?.error !== undefined).map((i) => i.create?.error?.reason)).toEqual([]);
  });

  afterAll(async () => {
    await client.indices.delete({ index: `${prefix}-*`, ignore_unavailable: true, allow_no_indices: true });
    for (const suffix of ['2', 'alerts']) await client.indices.deleteIndexTemplate({ name: `${prefix}-${suffix}` }).catch(() => undefined);
    await client.close();
  });

  it('the trails are indexed as log events, most of them without a scan status', () => {
    // 42 normal messages + 6 failures per node: KSMG 3 events a message (1 when not processed), Cisco 8, rspamd 1 (2 on timeout).
    expect(Object.fromEntries(indexed)).toEqual({
      'ksmg@ksmg1.example.com': 42 * 3 + 3 * 3 + 3,
      'ironport@esa1.example.com': 48 * 8,
      'rspamd@filter1.example.com': 48 + 6,
    });
  });

  it('fires once per node on its timeouts and not-processed events, counting scans (not trail steps), and resolves once', async () => {
    const alerts = alertConfigSchema.parse({
      intervalMs: MINUTE,
      rules: [{ name: 'scan-incomplete', windowMs: 15 * MINUTE, baselineMs: 60 * MINUTE, minCount: 5, resolveAfterWindows: 2 }],
      silentCollector: { enabled: false },
    });
    const alerter = new Alerter({ alerts, elasticsearch: { indexPrefix: prefix } }, { client });
    const events: AlertEvent[] = [];
    // Whole windows: the spike's window is [T0, T0 + 15 min) exactly.
    for (let at = T0 - 15 * MINUTE; at <= T0 + 45 * MINUTE; at += 15 * MINUTE) events.push(...(await alerter.evaluateOnce(new Date(at + 5_000))).map((s) => s.event));

    const fired = events.filter((e) => e.state === 'fired');
    expect(fired.map((e) => e.gateway).sort()).toEqual(NODES.map((n) => n.key).sort());
    const at = (key: string): AlertEvent | undefined => fired.find((e) => e.gateway === key);
    // The window [T0, T0+15 min): 6 normal messages and the 6 failures of each node.
    // KSMG: each normal message's anti-spam event is its scan; 3 not-processed (fallback), 3 NotScanned timeouts.
    expect(at('ksmg@ksmg1.example.com')).toMatchObject({ count: 6, total: 12, share: 0.5 });
    // Cisco: the spam engine's verdict of every message, plus the anti-virus timeout of the six.
    expect(at('ironport@esa1.example.com')).toMatchObject({ count: 6, total: 18 });
    // rspamd: every result line, plus the six task timeouts.
    expect(at('rspamd@filter1.example.com')).toMatchObject({ count: 6, total: 18 });
    expect(at('ksmg@ksmg1.example.com')?.message).toMatch(/fallback 3/);
    expect(at('ksmg@ksmg1.example.com')?.message).toMatch(/timeout 3/);
    expect(events.filter((e) => e.state === 'resolved').map((e) => e.gateway).sort()).toEqual(NODES.map((n) => n.key).sort());
  });
});
