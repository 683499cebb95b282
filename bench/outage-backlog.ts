// What Redis holds while Elasticsearch is away (docs/scaling.md, "How much waits in Redis"): a `mailverdict work`
// process reaches Elasticsearch through a TCP relay in this process; once it is ready the relay is closed (to the
// worker, Elasticsearch is down), a `mailverdict collect` process starts on a 60,000-message mailbox (300 jobs, more
// than queue.maxWaitingJobs, so the bound is tested), and the queue is sampled every 2 s for --down-seconds: jobs per
// state and the MEMORY USAGE of the queue's keys. Then the relay opens again and the run waits until every message is committed (or --recover-seconds pass).
// Writes bench/results/outage-backlog.json (or --out); removes its mailbox, indices, templates and Redis keys.
//
// `tsx bench/outage-backlog.ts [--messages 60000] [--down-seconds 150] [--recover-seconds 420] [--user quarantine]
//   [--no-build] [--out file]`
import { mkdirSync, writeFileSync } from 'node:fs';
import { createConnection, createServer, type Server, type Socket } from 'node:net';
import { loadavg } from 'node:os';
import { dirname, join } from 'node:path';
import { parseArgs } from 'node:util';
import { Client } from '@elastic/elasticsearch';
import { Queue } from 'bullmq';
import type { Redis } from 'ioredis';
import { stringify } from 'yaml';
import { parseConfig } from '../src/config/load-config.js';
import type { Config } from '../src/config/schema.js';
import { Watermark } from '../src/mailbox-state/watermark.js';
import { createRedis } from '../src/queue/connection.js';
import { singleRedis } from './single-redis.js';
import { ensureIndexTemplates } from '../src/sink/index-setup.js';
import { serviceSettings } from '../test/support/services.js';
import { REPO_ROOT } from './corpus.js';
import { buildCli, freePort, startRole, stopChild, type Child } from './pipeline/children.js';
import { buildBenchMessages } from './pipeline/messages.js';
import { deleteMailboxes, fillMailbox } from './scaling/mailbox.js';
import { deleteKeys } from './scaling/redis-keys.js';
import { deleteIndices } from './scaling/search-store.js';

const sleep = (ms: number): Promise<void> => new Promise((r) => setTimeout(r, ms));
const log = (s: string): void => console.log(`[outage-backlog bench ${new Date().toISOString().slice(11, 19)}] ${s}`);

/** A TCP relay to Elasticsearch that can be cut (every connection destroyed, new ones refused) and restored. */
class Relay {
  private server: Server | undefined;
  private readonly sockets = new Set<Socket>();

  constructor(readonly port: number, private readonly target: { host: string; port: number }) {}

  async open(): Promise<void> {
    const server = createServer((client) => {
      const upstream = createConnection(this.target);
      for (const s of [client, upstream]) {
        this.sockets.add(s);
        s.on('close', () => this.sockets.delete(s));
        s.on('error', () => undefined);
      }
      client.pipe(upstream).pipe(client);
    });
    await new Promise<void>((resolve, reject) => server.once('error', reject).listen(this.port, '127.0.0.1', resolve));
    this.server = server;
  }

  async cut(): Promise<void> {
    const server = this.server;
    this.server = undefined;
    for (const s of this.sockets) s.destroy();
    if (server !== undefined) await new Promise<void>((resolve) => server.close(() => resolve()));
  }
}

async function queueMemory(redis: Redis, keyPrefix: string): Promise<number> {
  let total = 0;
  let cursor = '0';
  do {
    const [next, keys] = await redis.scan(cursor, 'MATCH', `${keyPrefix}:*`, 'COUNT', 1000);
    for (const key of keys) total += Number(await redis.call('MEMORY', 'USAGE', key, 'SAMPLES', '0') ?? 0);
    cursor = next;
  } while (cursor !== '0');
  return total;
}

export async function runOutageBacklogBench(argv: readonly string[] = []): Promise<void> {
  const { values } = parseArgs({
    args: [...argv], strict: true,
    options: {
      messages: { type: 'string' }, 'down-seconds': { type: 'string' }, 'recover-seconds': { type: 'string' },
      user: { type: 'string' }, 'no-build': { type: 'boolean' }, out: { type: 'string' },
    },
  });
  const messages = Number(values.messages ?? 60_000);
  const downSeconds = Number(values['down-seconds'] ?? 150);
  const recoverSeconds = Number(values['recover-seconds'] ?? 420);
  const user = values.user ?? 'quarantine';
  const tag = `mvoutage-${Date.now().toString(36)}${Math.random().toString(36).slice(2, 6)}`;
  const s = serviceSettings();
  const password = s.imapUsers.find((u) => u.user === user)?.pass;
  if (password === undefined) throw new Error(`IMAP user ${user} is not one of scripts/services env's users`);
  const mailbox = `${tag}-box`;
  const config: Config = parseConfig({
    redis: { url: s.redisUrl, keyPrefix: tag },
    elasticsearch: { nodes: [s.esUrl], indexPrefix: tag },
    queue: { name: tag },
    accounts: [{ id: 'bench', host: s.imapHost, port: s.imapPort, tls: 'none', user, password, mailboxes: [mailbox] }],
    log: { level: 'warn' },
  }, { env: {} });
  const account = config.accounts[0] as Config['accounts'][number];
  const dir = join(REPO_ROOT, 'bench', 'tmp', tag);
  mkdirSync(dir, { recursive: true });
  const es = new Client({ node: s.esUrl });
  const redis = singleRedis(createRedis(config.redis, 'command'));
  const queueConnection = createRedis(config.redis, 'command');
  const queue = new Queue(config.queue.name, { connection: queueConnection, prefix: tag });
  queue.on('error', () => undefined);
  const esUrl = new URL(s.esUrl);
  const relay = new Relay(await freePort(), { host: esUrl.hostname, port: Number(esUrl.port) });
  const children: Child[] = [];
  try {
    const cli = values['no-build'] === true ? { bin: join(REPO_ROOT, 'bench', 'tmp', 'build', 'bin', 'mailverdict.js'), commit: 'previous private build' } : buildCli(REPO_ROOT);
    const built = buildBenchMessages(messages);
    const filled = await fillMailbox(account, mailbox, built.messages);
    await ensureIndexTemplates(es, config.elasticsearch);
    await relay.open();
    const { alerts: _alerts, ...base } = config;
    const write = async (role: string, nodes: string[]): Promise<string> => {
      const file = join(dir, `${role}.yaml`);
      writeFileSync(file, stringify({ ...base, elasticsearch: { ...base.elasticsearch, nodes }, http: { host: '127.0.0.1', port: await freePort() } }));
      return file;
    };
    const worker = startRole(cli.bin, 'work', await write('work', [`http://127.0.0.1:${relay.port}`]), join(dir, 'work.log'));
    children.push(worker);
    // Ready once it consumes: a probe job would need Elasticsearch; BullMQ lists the worker's connection instead.
    for (let i = 0; i < 600 && (await queue.getWorkersCount()) === 0; i++) await sleep(100);
    if ((await queue.getWorkersCount()) === 0) throw new Error('the worker did not connect to the queue within 60 s');
    await relay.cut();
    log('worker ready; Elasticsearch cut off from it; starting the collector');
    const collector = startRole(cli.bin, 'collect', await write('collect', [s.esUrl]), join(dir, 'collect.log'));
    children.push(collector);
    const watermark = new Watermark(redis, tag, { account: account.id, mailbox });
    const samples: Record<string, number>[] = [];
    const t0 = performance.now();
    const sample = async (phase: string): Promise<void> => {
      const counts = await queue.getJobCounts('waiting', 'delayed', 'active', 'prioritized', 'completed', 'failed');
      const state = await watermark.read();
      samples.push({
        phase: phase === 'down' ? 0 : 1,
        t_s: Math.round((performance.now() - t0) / 100) / 10,
        ...counts,
        committed: state?.committed ?? 0,
        queue_key_bytes: await queueMemory(redis, tag),
      });
    };
    while (performance.now() - t0 < downSeconds * 1000) {
      await sample('down');
      await sleep(2000);
    }
    const atCut = samples.at(-1) as Record<string, number>;
    log(`after ${downSeconds} s without Elasticsearch: waiting ${atCut['waiting']}, delayed ${atCut['delayed']}, active ${atCut['active']}; queue keys ${Math.round((atCut['queue_key_bytes'] ?? 0) / 2 ** 20)} MiB`);
    await relay.open();
    const tUp = performance.now();
    let recovered: number | undefined;
    while (performance.now() - tUp < recoverSeconds * 1000) {
      await sample('up');
      if ((samples.at(-1)?.['committed'] ?? 0) >= filled.lastUid) {
        recovered = (performance.now() - tUp) / 1000;
        break;
      }
      await sleep(2000);
    }
    log(recovered === undefined ? `not all committed ${recoverSeconds} s after Elasticsearch came back` : `all ${filled.lastUid} committed ${Math.round(recovered)} s after Elasticsearch came back`);
    const peak = samples.reduce((m, x) => Math.max(m, x['queue_key_bytes'] ?? 0), 0);
    const result = {
      date: new Date().toISOString(),
      load_average_1_5_15: loadavg().map((x) => Math.round(x * 100) / 100),
      messages,
      configuration: {
        'queue.maxWaitingJobs': config.queue.maxWaitingJobs,
        'queue.batchMaxMessages': config.queue.batchMaxMessages,
        'worker.concurrency': config.worker.concurrency,
        'elasticsearch.maxRetries': config.elasticsearch.maxRetries,
        commit: cli.commit,
      },
      method: 'worker → TCP relay → Elasticsearch; relay closed once the worker was connected, collector started, queue sampled every 2 s; phase 0 = Elasticsearch away from the worker, 1 = back',
      down_seconds: downSeconds,
      at_end_of_outage: atCut,
      peak_queue_key_bytes: peak,
      peak_jobs_in_redis: samples.reduce((m, x) => Math.max(m, (x['waiting'] ?? 0) + (x['delayed'] ?? 0) + (x['active'] ?? 0) + (x['prioritized'] ?? 0)), 0),
      recovered_after_s: recovered === undefined ? null : Math.round(recovered),
      samples,
    };
    const out = values.out ?? join(REPO_ROOT, 'bench', 'results', 'outage-backlog.json');
    mkdirSync(dirname(out), { recursive: true });
    writeFileSync(out, `${JSON.stringify(result, null, 2)}\n`);
    log(`written ${out}`);
  } finally {
    for (const c of children) await stopChild(c, 20_000);
    await relay.cut();
    await queue.close().catch(() => undefined);
    queueConnection.disconnect();
    await deleteKeys(redis, tag).catch(() => 0);
    redis.disconnect();
    await deleteIndices(es, tag, true).catch(() => undefined);
    await es.close().catch(() => undefined);
    const problems = await deleteMailboxes(account, [mailbox]);
    if (problems.length > 0) log(`cleanup problems: ${problems.join('; ')}`);
  }
}

if (import.meta.url === `file://${process.argv[1]}`) {
  runOutageBacklogBench(process.argv.slice(2)).then(() => process.exit(0), (err: unknown) => {
    console.error(err);
    process.exit(1);
  });
}
