// The one-command demo: generate the demo quarantine and the demo KSMG's log stream, APPEND the quarantine to its
// own IMAP mailbox (replacing an earlier demo's), apply the index templates (setup), run a collector, a worker and
// a syslog receiver (`listen`, loopback TCP) in this process, send the KSMG nodes' CEF events to it, wait until the
// mailbox's committed watermark reaches its last UID and every event is indexed, run the alerter over the month,
// and summarize what Elasticsearch now holds, both sources side by side. Only the demo's own mailbox and documents
// are touched.
import { connect as netConnect } from 'node:net';
import type { SearchStore } from '../src/sink/search-store.js';
import type { TextSink } from '../src/commands/command.js';
import { startCollector } from '../src/collector/collector.js';
import { imapOptions } from '../src/collector/imap-options.js';
import { Watermark } from '../src/mailbox-state/watermark.js';
import { documentId } from '../src/document/document-id.js';
import { readMessage } from '../src/headers/read-message.js';
import type { AccountConfig, Config } from '../src/config/schema.js';
import { startWorker } from './worker.js';
import { processCollectorId } from './process-identity.js';
import { createRedis } from '../src/queue/connection.js';
import { stateKeyPrefix } from '../src/queue/queue-names.js';
import { Progress } from '../src/replay/progress.js';
import { createLogger } from '../src/runtime/logger.js';
import { startListenRole } from '../src/syslog/listen-role.js';
import { buildDemoGatewayLog, type DemoGatewayLog } from '../src/demo/generate-gateway-log.js';
import { createSearchStore } from '../src/sink/create-client.js';
import { ensureIndexTemplates } from '../src/sink/index-setup.js';
import { demoLogQuery, queryDemoSummary, type DemoLogScope, type DemoSummary } from '../src/demo/demo-summary.js';
import { formatDemoSummary } from '../src/demo/format-summary.js';
import { generateDemoQuarantine, type DemoQuarantine } from '../src/demo/generate-quarantine.js';
import { replayAlerter } from '../src/demo/replay-alerter.js';
import { seedMailbox, type SeedResult } from '../src/demo/seed-mailbox.js';

export const DEMO_MAILBOX = 'mailverdict-demo';
export const DEMO_ACCOUNT_ID = 'demo';

export interface RunDemoOptions {
  config: Config;
  /** The IMAP account to seed and read; its mailboxes are replaced by `mailbox`. */
  account: AccountConfig;
  mailbox?: string;
  size?: number;
  seed?: string;
  end?: Date;
  kibanaUrl?: string | undefined;
  /** Only generate and APPEND (the docker-compose seeding service). */
  seedOnly?: boolean;
  /** Longest wait for the backlog to empty. */
  timeoutMs?: number;
  out: TextSink;
  /** Progress and step lines. */
  log: TextSink;
  tty: boolean;
  ascii?: boolean;
  /** The `status` command line the summary suggests. */
  statusCommand?: string;
  /** Loopback TCP port of the demo's syslog receiver; 0 (default) lets the system pick a free one. */
  listenPort?: number;
}

export interface RunDemoResult {
  quarantine: Pick<DemoQuarantine, 'start' | 'end' | 'spike' | 'seed'>;
  seeded: SeedResult;
  summary?: DemoSummary;
  seconds: number;
}

export async function runDemo(o: RunDemoOptions): Promise<RunDemoResult> {
  const started = Date.now();
  const mailbox = o.mailbox ?? DEMO_MAILBOX;
  const account: AccountConfig = { ...o.account, mailboxes: [{ path: mailbox }] };
  const step = (text: string): Promise<void> | void => o.log.write(`demo: ${text}\n`);

  const quarantine = await generateDemoQuarantine({
    ...(o.size === undefined ? {} : { size: o.size }),
    ...(o.seed === undefined ? {} : { seed: o.seed }),
    // Whole days: reruns on the same day give the same messages (and the same _ids).
    end: o.end ?? new Date(Math.floor(Date.now() / 86_400_000) * 86_400_000),
  });
  const q = quarantine;
  await step(`generated ${q.messages.length} messages from ${new Set(q.messages.map((m) => m.gateway)).size} gateways, `
    + `${q.start.toISOString().slice(0, 10)} to ${q.end.toISOString().slice(0, 10)} (seed "${q.seed}")`);
  const gatewayLog = buildDemoGatewayLog(q);
  await step(`gateway log: ${gatewayLog.lines.length} KSMG CEF events for ${gatewayLog.messages} messages `
    + `(${gatewayLog.logOnlyMessages} delivered after a scan timeout or fallback, in no quarantine)`);

  // Two demo runs on one mailbox would delete each other's mailbox and documents halfway.
  const lock = await acquireDemoLock(o.config, account.id, mailbox);
  try {
    return await seedAndIndex(o, account, mailbox, q, gatewayLog, started, step);
  } finally {
    await lock.release();
  }
}

async function seedAndIndex(
  o: RunDemoOptions, account: AccountConfig, mailbox: string, q: DemoQuarantine, gatewayLog: DemoGatewayLog, started: number,
  step: (text: string) => Promise<void> | void,
): Promise<RunDemoResult> {
  const appendProgress = new Progress({ sink: o.log, tty: o.tty, label: `demo: APPEND to ${account.user}/${mailbox}`, total: q.messages.length });
  const seeded = await seedMailbox(imapOptions(account), mailbox, q.messages, {
    progressEvery: 100,
    onProgress: (n) => void appendProgress.update(n, n),
  });
  await appendProgress.finish();
  const brief = { start: q.start, end: q.end, spike: q.spike, seed: q.seed };
  if (o.seedOnly === true) return { quarantine: brief, seeded, seconds: (Date.now() - started) / 1000 };

  const client = createSearchStore(o.config.elasticsearch);
  try {
    const templates = await ensureIndexTemplates(client, o.config.elasticsearch);
    await step(`setup: ${templates.length} index templates ready`);
    await removePreviousDemo(client, o.config.elasticsearch.indexPrefix, account.id, mailbox);
    // The same generated message indexed earlier from another mailbox is the same document (same _id):
    // remove those too, so this run's summary counts every generated message.
    await removeDocumentsById(client, o.config.elasticsearch.indexPrefix, q.messages.map((m) => documentId(readMessage(m.raw).headerBytes)));
    const logScope = { nodes: gatewayLog.nodes, start: q.start, end: q.end };
    await removeDemoLogEvents(client, o.config.elasticsearch.indexPrefix, logScope);
    await step('removed the documents of an earlier demo run from this mailbox and its gateway log (if any)');

    await runPipelineUntilDrained(o, account, mailbox, seeded, { client, log: gatewayLog, scope: logScope });

    const alerter = await replayAlerter(client, o.config.alerts, o.config.elasticsearch.indexPrefix, q.start, q.end);
    await step(`alerter: ${alerter.evaluations} evaluations over the period, ${alerter.recorded} new transitions recorded`);

    const summary = await queryDemoSummary(client, {
      indexPrefix: o.config.elasticsearch.indexPrefix, account: account.id, mailbox, start: q.start, end: q.end, gatewayLog: logScope,
    });
    const seconds = (Date.now() - started) / 1000;
    await o.out.write(formatDemoSummary(summary, {
      indexPrefix: o.config.elasticsearch.indexPrefix,
      esUrl: o.config.elasticsearch.nodes[0] ?? '',
      kibanaUrl: o.kibanaUrl,
      seconds,
      ...(o.ascii === undefined ? {} : { ascii: o.ascii }),
      ...(o.statusCommand === undefined ? {} : { statusCommand: o.statusCommand }),
    }));
    return { quarantine: brief, seeded, summary, seconds };
  } finally {
    await client.close().catch(() => undefined);
  }
}

const DEMO_LOCK_TTL_S = 15 * 60;

/** A Redis lock per demo mailbox (SET NX with a TTL, so a crashed run frees it); throws when taken. */
async function acquireDemoLock(config: Config, account: string, mailbox: string): Promise<{ release(): Promise<void> }> {
  const redis = createRedis(config.redis, 'command');
  const key = `${stateKeyPrefix(config)}:demo-lock:{${encodeURIComponent(account)}/${encodeURIComponent(mailbox)}}`;
  const token = `${process.pid}-${Date.now()}-${Math.random().toString(36).slice(2)}`;
  try {
    const ok = await redis.set(key, token, 'EX', DEMO_LOCK_TTL_S, 'NX');
    if (ok !== 'OK') throw new Error(`another demo run is using mailbox ${mailbox} of account ${account}; wait for it or pass --mailbox <other>`);
  } catch (err) {
    redis.disconnect();
    throw err;
  }
  return {
    async release() {
      await redis.eval("if redis.call('GET', KEYS[1]) == ARGV[1] then return redis.call('DEL', KEYS[1]) end return 0", 1, key, token).catch(() => undefined);
      redis.disconnect();
    },
  };
}

/**
 * Documents of an earlier demo run from the same mailbox (its mailbox was just replaced). Search + bulk delete
 * in pages: _delete_by_query lives in a module a minimal Elasticsearch may lack.
 */
async function removePreviousDemo(client: SearchStore, prefix: string, account: string, mailbox: string): Promise<void> {
  const index = `${prefix}-2*`;
  const query = { bool: { filter: [{ term: { 'mailverdict.origin.account': account } }, { term: { 'mailverdict.origin.mailbox': mailbox } }] } };
  await client.indices.refresh({ index, allow_no_indices: true, ignore_unavailable: true });
  for (let page = 0; page < 10_000; page++) {
    const found = await client.search({ index, size: 1000, _source: false, allow_no_indices: true, ignore_unavailable: true, query });
    if (found.hits.hits.length === 0) return;
    await client.bulk({ refresh: true, operations: found.hits.hits.map((h) => ({ delete: { _index: h._index, _id: h._id ?? '' } })) });
  }
}

/** The demo KSMG nodes' log events of the demo period (an earlier run's, the same or another seed). */
async function removeDemoLogEvents(client: SearchStore, prefix: string, scope: DemoLogScope): Promise<void> {
  const index = `${prefix}-2*`;
  for (let page = 0; page < 10_000; page++) {
    const found = await client.search({ index, size: 1000, _source: false, allow_no_indices: true, ignore_unavailable: true, query: demoLogQuery(scope) });
    if (found.hits.hits.length === 0) return;
    await client.bulk({ refresh: true, operations: found.hits.hits.map((h) => ({ delete: { _index: h._index, _id: h._id ?? '' } })) });
  }
}

async function countDemoLogEvents(client: SearchStore, prefix: string, scope: DemoLogScope): Promise<number> {
  await client.indices.refresh({ index: `${prefix}-2*`, allow_no_indices: true, ignore_unavailable: true });
  return (await client.count({ index: `${prefix}-2*`, allow_no_indices: true, ignore_unavailable: true, query: demoLogQuery(scope) })).count;
}

async function removeDocumentsById(client: SearchStore, prefix: string, ids: readonly string[]): Promise<void> {
  const index = `${prefix}-2*`;
  for (let i = 0; i < ids.length; i += 1000) {
    const found = await client.search({
      index, size: 1000, _source: false, allow_no_indices: true, ignore_unavailable: true,
      query: { ids: { values: ids.slice(i, i + 1000) } },
    });
    if (found.hits.hits.length === 0) continue;
    await client.bulk({ refresh: true, operations: found.hits.hits.map((h) => ({ delete: { _index: h._index, _id: h._id ?? '' } })) });
  }
}

interface GatewayLogRun {
  client: SearchStore;
  log: DemoGatewayLog;
  scope: DemoLogScope;
}

async function runPipelineUntilDrained(o: RunDemoOptions, account: AccountConfig, mailbox: string, seeded: SeedResult, logs: GatewayLogRun): Promise<void> {
  const config = { ...o.config, accounts: [account] };
  const worker = await startWorker(config);
  const collector = await startCollector(config, { collectorId: processCollectorId() });
  const { udpPort: _udp, tlsPort: _tls, tls: _tlsFiles, ...listenSettings } = config.listen;
  const listen = await startListenRole({ ...config, listen: { ...listenSettings, host: '127.0.0.1', tcpPort: o.listenPort ?? 0 } }, {
    logger: createLogger(config.log.level, process.stderr),
  });
  const redis = createRedis(config.redis, 'command');
  const watermark = new Watermark(redis, stateKeyPrefix(config), { account: account.id, mailbox });
  const expectedEvents = logs.log.lines.length;
  const progress = new Progress({ sink: o.log, tty: o.tty, label: 'demo: collector + listen → queue → worker → Elasticsearch', total: seeded.lastUid + expectedEvents });
  const deadline = Date.now() + (o.timeoutMs ?? 10 * 60_000);
  const prefix = config.elasticsearch.indexPrefix;
  try {
    // The KSMG nodes send their events while the collector reads the quarantine, as both would in production.
    const sent = sendSyslogTcp(listen.listener.ports.tcp ?? 0, logs.log.lines);
    let sendError: unknown;
    sent.catch((err: unknown) => { sendError = err; });
    let events = 0;
    for (;;) {
      if (sendError !== undefined) throw new Error(`sending the demo gateway log to listen failed: ${(sendError as Error).message}`);
      const state = await watermark.read();
      const committed = state !== undefined && state.uidvalidity === seeded.uidvalidity ? state.committed : 0;
      if (events < expectedEvents) events = await countDemoLogEvents(logs.client, prefix, logs.scope);
      await progress.update(committed + events, committed + events);
      if (committed >= seeded.lastUid && events >= expectedEvents) break;
      if (Date.now() > deadline) {
        throw new Error(`the pipeline did not finish within ${Math.round((o.timeoutMs ?? 600_000) / 1000)} s: ${committed} of ${seeded.lastUid} messages committed, `
          + `${events} of ${expectedEvents} gateway log events indexed (see \`mailverdict status\`)`);
      }
      await new Promise((resolve) => setTimeout(resolve, 200));
    }
    await sent;
    await progress.finish();
  } finally {
    await listen.stop().catch(() => undefined);
    await collector.stop().catch(() => undefined);
    await worker.stop().catch(() => undefined);
    redis.disconnect();
  }
}

/** Sends syslog messages over one TCP connection with octet counting (RFC 6587), as a gateway's syslog client does. */
async function sendSyslogTcp(port: number, lines: readonly string[]): Promise<void> {
  const socket = netConnect(port, '127.0.0.1');
  await new Promise<void>((resolve, reject) => socket.once('connect', resolve).once('error', reject));
  for (const line of lines) {
    if (!socket.write(`${Buffer.byteLength(line)} ${line}`)) await new Promise((resolve) => socket.once('drain', resolve));
  }
  await new Promise<void>((resolve) => socket.end(resolve));
}
