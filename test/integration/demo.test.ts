// The demo end to end on the real Dovecot, Redis and Elasticsearch at a reduced size: every generated message
// is indexed exactly once, the printed summary's numbers are what Elasticsearch holds (counted here with
// independent queries), the alerter fires exactly once for the spike gateway, and a second run ends the same.
import { Queue } from 'bullmq';
import { ImapFlow } from 'imapflow';
import { Redis } from 'ioredis';
import { afterAll, describe, expect, it } from 'vitest';
import type { TextSink } from '../../src/commands/command.js';
import { parseConfig } from '../../src/config/load-config.js';
import type { Config } from '../../src/config/schema.js';
import { demoLogQuery } from '../../src/demo/demo-summary.js';
import { buildDemoGatewayLog } from '../../src/demo/generate-gateway-log.js';
import { generateDemoQuarantine } from '../../src/demo/generate-quarantine.js';
import { runDemo, type RunDemoResult } from '../../workers/run-demo.js';
import { parseMessage } from '../../src/parse/parse-message.js';
import { createSearchStore } from '../../src/sink/create-client.js';
import { serviceSettings, uniqueName } from '../support/services.js';

const SIZE = 1000;
const SEED = 'ci-demo';
const END = new Date('2026-06-01T00:00:00Z');

const s = serviceSettings();
const user = s.imapUsers[0]!;
const keyPrefix = uniqueName('itmv-demo');
const indexPrefix = uniqueName('itmv-demo').toLowerCase();
const queueName = uniqueName('itq-demo');
const mailbox = uniqueName('it-demo');
const config: Config = parseConfig({
  redis: { url: s.redisUrl, keyPrefix },
  elasticsearch: { nodes: [s.esUrl], indexPrefix },
  queue: { name: queueName },
  accounts: [{ id: 'demo', host: s.imapHost, port: s.imapPort, tls: 'none', user: user.user, password: user.pass, mailboxes: [mailbox] }],
}, { env: {} });
const es = createSearchStore(config.elasticsearch);

async function demo(): Promise<{ result: RunDemoResult; out: string }> {
  let out = '';
  let log = '';
  const sink = (append: (t: string) => void): TextSink => ({ write: (t) => { append(t); } });
  const result = await runDemo({
    config, account: config.accounts[0]!, mailbox, size: SIZE, seed: SEED, end: END,
    out: sink((t) => { out += t; }), log: sink((t) => { log += t; }), tty: false, ascii: true, timeoutMs: 120_000, listenPort: 5517,
  });
  expect(log).toContain('demo: setup: 3 index templates ready');
  return { result, out };
}

// The contract's mailverdict.origin, or mailverdict.source of the parser before it.
const under = (group: string): object => ({ bool: { filter: [{ term: { [`mailverdict.${group}.account`]: 'demo' } }, { term: { [`mailverdict.${group}.mailbox`]: mailbox } }] } });
const mailboxFilter = [{ bool: { should: [under('origin'), under('source')], minimum_should_match: 1 } }];
/** Documents a gateway stamped: named in gateway_ids, or (documents without the arrays) the top-level gateway. */
const legacy = (g: string, extra: object[] = []): object => ({ bool: { filter: [{ term: { 'mailverdict.gateway': g } }, ...extra], must_not: [{ exists: { field: 'mailverdict.gateway_ids' } }] } });
const stampedBy = (g: string): object => ({ bool: { should: [{ term: { 'mailverdict.gateway_ids': g } }, legacy(g)], minimum_should_match: 1 } });
const ownResult = (g: string, array: string, field: string, value: string): object => ({ bool: {
  should: [{ term: { [array]: `${g}:${value}` } }, legacy(g, [{ term: { [field]: value } }])], minimum_should_match: 1,
} });

async function count(extra: object[] = []): Promise<number> {
  const r = await es.count({ index: `${indexPrefix}-2*`, query: { bool: { filter: [...mailboxFilter, ...extra] } } });
  return r.count;
}

describe('mailverdict demo end to end (reduced size, real services)', () => {
  afterAll(async () => {
    await es.indices.delete({ index: `${indexPrefix}-*`, ignore_unavailable: true, allow_no_indices: true }).catch(() => undefined);
    for (const t of await es.indices.getIndexTemplate({ name: `${indexPrefix}-*` }).then((r) => r.index_templates, () => [])) {
      await es.indices.deleteIndexTemplate({ name: t.name }).catch(() => undefined);
    }
    await es.close();
    const redis = new Redis(s.redisUrl);
    redis.on('error', () => undefined);
    const q = new Queue(queueName, { connection: redis, prefix: keyPrefix });
    q.on('error', () => undefined);
    await q.obliterate({ force: true }).catch(() => undefined);
    await q.close();
    const keys = await redis.keys(`${keyPrefix}:*`);
    if (keys.length > 0) await redis.del(...keys);
    redis.disconnect();
    const imap = new ImapFlow({ host: s.imapHost, port: s.imapPort, secure: false, doSTARTTLS: false, auth: { user: user.user, pass: user.pass }, logger: false });
    await imap.connect();
    await imap.mailboxDelete(mailbox).catch(() => undefined);
    await imap.logout();
  });

  let first: { result: RunDemoResult; out: string };

  it('indexes every generated message exactly once', async () => {
    first = await demo();
    expect(first.result.seeded.appended).toBe(SIZE);
    const generated = await generateDemoQuarantine({ size: SIZE, seed: SEED, end: END });
    const expected = generated.messages.map((m) => parseMessage(m.raw, { origin: { kind: 'file' } }).id).sort();
    const r = await es.search({ index: `${indexPrefix}-2*`, size: 10_000, _source: false, query: { bool: { filter: mailboxFilter } } });
    expect(r.hits.hits.map((h) => h._id).sort()).toEqual(expected);
  });

  it('prints a summary whose numbers are what Elasticsearch holds', async () => {
    const summary = first.result.summary!;
    expect(summary.documents).toBe(await count());
    expect(first.out).toContain(`mailverdict demo: ${summary.documents} documents indexed in ${indexPrefix}-2026.05`);
    // Every profiled gateway, plus the amavis stamp of the multi-gateway mail.
    const names = summary.gateways.map((g) => g.gateway).sort();
    expect(names).toEqual(expect.arrayContaining(['ctch', 'exchange', 'imail', 'klms', 'kse', 'ksmg']));
    // With the per-gateway arrays (issue 10), a message that passed several gateways counts for each of them; a
    // parser without them leaves the multi-gateway mail to its top-level gateway.
    const perGateway = (await count([{ exists: { field: 'mailverdict.gateway_ids' } }])) > 0;
    expect(names.filter((n) => !['ctch', 'exchange', 'imail', 'klms', 'kse', 'ksmg'].includes(n))).toEqual(perGateway ? ['amavis'] : []);
    const stamps = summary.gateways.reduce((n, g) => n + g.documents, 0);
    if (perGateway) expect(stamps).toBeGreaterThan(summary.documents);
    else expect(stamps).toBe(summary.documents);
    for (const g of summary.gateways) {
      expect(g.documents).toBe(await count([stampedBy(g.gateway)]));
      for (const [verdict, n] of Object.entries(g.verdicts)) expect(n).toBe(await count([ownResult(g.gateway, 'mailverdict.spam.by_gateway', 'mailverdict.spam.verdict', verdict)]));
      for (const [status, n] of Object.entries(g.scanStatuses)) expect(n).toBe(await count([ownResult(g.gateway, 'mailverdict.scan.by_gateway', 'mailverdict.scan.status', status)]));
      expect(Object.values(g.scanStatuses).reduce((a, b) => a + b, 0)).toBe(g.documents);
      // The table line of the gateway shows its count.
      expect(first.out).toMatch(new RegExp(`^${g.gateway}\\s+${g.documents}\\s`, 'm'));
    }
    const ksmg = summary.gateways.find((g) => g.gateway === 'ksmg')!;
    expect((ksmg.scanStatuses['fallback'] ?? 0) + (ksmg.scanStatuses['timeout'] ?? 0)).toBeGreaterThan(40);
  });

  it('the alerter fired exactly once, for the spike gateway, inside the spike, and it resolved', async () => {
    const summary = first.result.summary!;
    const fired = summary.alerts.filter((a) => a.state === 'fired');
    // "ksmg@<node>" where the node is known, "ksmg" for documents without one.
    expect(fired.map((a) => a.gateway.split('@')[0])).toEqual([first.result.quarantine.spike.gateway]);
    if (fired[0]!.gateway.includes('@')) expect(fired[0]!.gateway).toBe(`${first.result.quarantine.spike.gateway}@${first.result.quarantine.spike.node}`);
    const at = new Date(fired[0]!.at).getTime();
    expect(at).toBeGreaterThan(first.result.quarantine.spike.start.getTime());
    expect(at).toBeLessThanOrEqual(first.result.quarantine.spike.end.getTime());
    expect(summary.alerts.filter((a) => a.state === 'resolved')).toHaveLength(1);
    const stored = await es.count({ index: `${indexPrefix}-alerts`, query: { term: { state: 'fired' } } });
    expect(stored.count).toBe(fired.length);
    expect(first.out).toContain('alerts fired: 1');
  });

  it("indexes every event of the demo KSMG's log stream once, beside the quarantine, and the summary shows both", async () => {
    const generated = await generateDemoQuarantine({ size: SIZE, seed: SEED, end: END });
    const gatewayLog = buildDemoGatewayLog(generated);
    const scope = { nodes: gatewayLog.nodes, start: generated.start, end: generated.end };
    const events = await es.count({ index: `${indexPrefix}-2*`, query: demoLogQuery(scope) });
    expect(events.count).toBe(gatewayLog.lines.length);
    expect(gatewayLog.logOnlyMessages).toBeGreaterThan(0);
    const log = first.result.summary!.gatewayLog!;
    const quarantine = first.result.summary!.gateways.find((g) => g.gateway === 'ksmg')!;
    // Every message KSMG stamped in the quarantine, and the ones delivered after a timeout that only the logs know.
    expect(gatewayLog.messages).toBe(quarantine.documents + gatewayLog.logOnlyMessages);
    expect(log).toMatchObject({ gateway: 'ksmg', events: gatewayLog.lines.length, messages: gatewayLog.messages });
    // One scan status per message (its anti-spam or not-processed event): the incomplete ones as generated.
    expect(Object.values(log.scanStatuses).reduce((a, b) => a + b, 0)).toBe(gatewayLog.messages);
    expect({ error: log.scanStatuses['error'], fallback: log.scanStatuses['fallback'] }).toEqual(gatewayLog.incomplete);
    const notCompleted = (st: Record<string, number>): number => (st['timeout'] ?? 0) + (st['fallback'] ?? 0) + (st['error'] ?? 0);
    expect(notCompleted(log.scanStatuses)).toBeGreaterThan(notCompleted(quarantine.scanStatuses));
    expect(first.out).toContain('ksmg, seen two ways:');
    expect(first.out).toMatch(new RegExp(`^\\s+messages\\s+${quarantine.documents}\\s+${gatewayLog.messages}$`, 'm'));
    expect(first.out).toContain(`  ${gatewayLog.lines.length} log events: `);

    // A quarantined KSMG message's trail: its header document and its two log events share email.message_id.
    const header = await es.search<{ email: { message_id: string } }>({
      index: `${indexPrefix}-2*`, size: 1, query: { bool: { filter: [...mailboxFilter, { term: { 'mailverdict.gateway': 'ksmg' } }, { term: { 'mailverdict.scan.status': 'complete' } }] } },
    });
    const id = header.hits.hits[0]?._source?.email.message_id;
    expect(id).toBeDefined();
    const trail = await es.search<{ event: { dataset: string } }>({ index: `${indexPrefix}-2*`, size: 10, query: { term: { 'email.message_id': id! } }, sort: [{ '@timestamp': 'asc' }] });
    expect(trail.hits.hits.map((h) => h._source?.event.dataset)).toEqual(['mailverdict.message', 'mailverdict.log', 'mailverdict.log']);
  });

  it('a second run replaces the demo and ends with the same numbers, nothing doubled or re-alerted', async () => {
    const second = await demo();
    expect(second.result.summary!.documents).toBe(SIZE);
    expect(await count()).toBe(SIZE);
    expect(second.result.summary!.gateways).toEqual(first.result.summary!.gateways);
    expect(second.result.summary!.alerts).toEqual(first.result.summary!.alerts);
    expect(second.result.summary!.gatewayLog).toEqual(first.result.summary!.gatewayLog);
  });
});
