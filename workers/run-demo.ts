// The one-command demo: generate the demo quarantine, APPEND it to its own IMAP mailbox (replacing an earlier
// demo's), apply the index templates (setup), run a collector and a worker in this process until the
// mailbox's committed watermark reaches its last UID (backlog empty), run the alerter over the month, and
// summarize what Elasticsearch now holds. Only the demo's own mailbox and documents are touched.
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
import { createSearchStore } from '../src/sink/create-client.js';
import { ensureIndexTemplates } from '../src/sink/index-setup.js';
import { queryDemoSummary, type DemoSummary } from '../src/demo/demo-summary.js';
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

  // Two demo runs on one mailbox would delete each other's mailbox and documents halfway.
  const lock = await acquireDemoLock(o.config, account.id, mailbox);
  try {
    return await seedAndIndex(o, account, mailbox, q, started, step);
  } finally {
    await lock.release();
  }
}

async function seedAndIndex(
  o: RunDemoOptions, account: AccountConfig, mailbox: string, q: DemoQuarantine, started: number, step: (text: string) => Promise<void> | void,
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
    await step('removed the documents of an earlier demo run from this mailbox (if any)');

    await runPipelineUntilDrained(o, account, mailbox, seeded);

    const alerter = await replayAlerter(client, o.config.alerts, o.config.elasticsearch.indexPrefix, q.start, q.end);
    await step(`alerter: ${alerter.evaluations} evaluations over the period, ${alerter.recorded} new transitions recorded`);

    const summary = await queryDemoSummary(client, { indexPrefix: o.config.elasticsearch.indexPrefix, account: account.id, mailbox, start: q.start, end: q.end });
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

async function runPipelineUntilDrained(o: RunDemoOptions, account: AccountConfig, mailbox: string, seeded: SeedResult): Promise<void> {
  const config = { ...o.config, accounts: [account] };
  const worker = await startWorker(config);
  const collector = await startCollector(config, { collectorId: processCollectorId() });
  const redis = createRedis(config.redis, 'command');
  const watermark = new Watermark(redis, stateKeyPrefix(config), { account: account.id, mailbox });
  const progress = new Progress({ sink: o.log, tty: o.tty, label: 'demo: collector → queue → worker → Elasticsearch', total: seeded.lastUid });
  const deadline = Date.now() + (o.timeoutMs ?? 10 * 60_000);
  try {
    for (;;) {
      const state = await watermark.read();
      const committed = state !== undefined && state.uidvalidity === seeded.uidvalidity ? state.committed : 0;
      await progress.update(committed, committed);
      if (committed >= seeded.lastUid) break;
      if (Date.now() > deadline) {
        throw new Error(`the pipeline did not finish within ${Math.round((o.timeoutMs ?? 600_000) / 1000)} s: ${committed} of ${seeded.lastUid} messages committed (see \`mailverdict status\`)`);
      }
      await new Promise((resolve) => setTimeout(resolve, 200));
    }
    await progress.finish();
  } finally {
    await collector.stop().catch(() => undefined);
    await worker.stop().catch(() => undefined);
    redis.disconnect();
  }
}
