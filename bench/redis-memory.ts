// Redis memory per waiting job, for the sizing guide (docs/scaling.md): a queue on the shared Redis under a unique
// prefix is filled with N jobs and no worker, and Redis' memory is read before and after.
//  - message batches exactly as a collector queues them: the bench corpus (bench/pipeline/messages.ts) written
//    into a Dovecot mailbox, fetched with the collector's fetchHeaders() in chunks of accounts[].batchSize, cut by
//    the collector's Batcher at queue.batchMaxMessages / queue.batchMaxBytes, added with the collector's job
//    name, id and options;
//  - log batches as `mailverdict listen` queues them: the lines of test/fixtures/logs/*/*.log (comments left out)
//    over and over, each with a peer address and receive time, cut at listen.batchMaxLines / listen.batchMaxBytes.
// Two readings: INFO memory used_memory before/after (what the server grew by, but other clients of a shared Redis
// move it too; median of 3 reads each side) and the sum of MEMORY USAGE … SAMPLES 0 over every key under the prefix
// (only this bench's keys: jobs, the waiting list, the events stream, ids). Per job and per message or line.
// Writes bench/results/redis-memory.json (or --out) and removes its keys and mailbox.
//
// `tsx bench/redis-memory.ts [--message-jobs 100] [--log-jobs 100] [--user bob] [--out file]`
import { mkdirSync, readdirSync, readFileSync, writeFileSync } from 'node:fs';
import { dirname, join } from 'node:path';
import { parseArgs } from 'node:util';
import { ImapFlow } from 'imapflow';
import type { Redis } from 'ioredis';
import { fetchHeaders } from '../src/collector/fetch-headers.js';
import { imapOptions } from '../src/collector/imap-options.js';
import { parseConfig } from '../src/config/load-config.js';
import type { Config } from '../src/config/schema.js';
import { Batcher } from '../src/queue/batcher.js';
import { createRedis } from '../src/queue/connection.js';
import { singleRedis } from './single-redis.js';
import { batchJobOptions } from '../src/queue/job-options.js';
import { LOG_BATCH_JOB, logBatchJobId, queuedLineBytes, type LogBatchJob, type QueuedLogLine } from '../src/queue/log-batch.js';
import { batchJobId, type FetchedMessage, type MessageBatchJob } from '../src/queue/message-batch.js';
import { openMessageQueue } from '../src/queue/message-queue.js';
import { MESSAGE_BATCH_JOB } from '../src/queue/queue-names.js';
import { serviceSettings } from '../test/support/services.js';
import { REPO_ROOT } from './corpus.js';
import { buildBenchMessages } from './pipeline/messages.js';
import { deleteMailboxes, fillMailbox } from './scaling/mailbox.js';
import { deleteKeys } from './scaling/redis-keys.js';
import { intOption } from './int-option.js';

const round = (x: number, d = 0): number => Math.round(x * 10 ** d) / 10 ** d;
const sleep = (ms: number): Promise<void> => new Promise((r) => setTimeout(r, ms));
const log = (s: string): void => console.log(`[redis-memory bench ${new Date().toISOString().slice(11, 19)}] ${s}`);

interface Options {
  messageJobs: number;
  logJobs: number;
  user: string;
  out: string | undefined;
}

function parseOptions(argv: readonly string[]): Options {
  const { values } = parseArgs({
    args: [...argv],
    strict: true,
    options: { 'message-jobs': { type: 'string' }, 'log-jobs': { type: 'string' }, user: { type: 'string' }, out: { type: 'string' } },
  });
  const int = intOption;
  return {
    messageJobs: int(values['message-jobs'], 'message-jobs', 100),
    logJobs: int(values['log-jobs'], 'log-jobs', 100),
    user: values.user ?? 'bob',
    out: values.out,
  };
}

function benchConfig(user: string, prefix: string): Config {
  const s = serviceSettings();
  const password = s.imapUsers.find((u) => u.user === user)?.pass;
  if (password === undefined) throw new Error(`IMAP user ${user} is not one of scripts/services env's users`);
  return parseConfig({
    redis: { url: s.redisUrl, keyPrefix: prefix },
    elasticsearch: { nodes: [s.esUrl], indexPrefix: prefix },
    queue: { name: prefix },
    accounts: [{ id: 'bench', host: s.imapHost, port: s.imapPort, tls: 'none', user, password, mailboxes: [`${prefix}-box`] }],
  }, { env: {} });
}

async function usedMemory(redis: Redis): Promise<number> {
  const reads: number[] = [];
  for (let i = 0; i < 3; i++) {
    const info = await redis.info('memory');
    reads.push(Number(/used_memory:(\d+)/.exec(info)?.[1] ?? Number.NaN));
    await sleep(200);
  }
  return reads.sort((a, b) => a - b)[1] as number;
}

/** MEMORY USAGE of every key under the prefix, summed per kind of key. */
async function keyMemory(redis: Redis, keyPrefix: string, queue: string): Promise<{ total: number; keys: number; by_kind: Record<string, { keys: number; bytes: number }> }> {
  const byKind: Record<string, { keys: number; bytes: number }> = {};
  let total = 0;
  let count = 0;
  let cursor = '0';
  const base = `${keyPrefix}:${queue}:`;
  do {
    const [next, keys] = await redis.scan(cursor, 'MATCH', `${keyPrefix}:*`, 'COUNT', 1000);
    for (const key of keys) {
      const bytes = Number(await redis.call('MEMORY', 'USAGE', key, 'SAMPLES', '0') ?? 0);
      const rest = key.startsWith(base) ? key.slice(base.length) : key;
      // Job hashes are `<prefix>:<queue>:<jobId>`; the queue's own structures have fixed names (wait, events, id, meta…).
      const kind = /^(mb-|log-)/.test(rest) ? (rest.includes(':') ? `job ${rest.slice(rest.indexOf(':') + 1)}` : 'job hash') : rest;
      const slot = byKind[kind] ?? { keys: 0, bytes: 0 };
      slot.keys++;
      slot.bytes += bytes;
      byKind[kind] = slot;
      total += bytes;
      count++;
    }
    cursor = next;
  } while (cursor !== '0');
  return { total, keys: count, by_kind: byKind };
}

/** The collector's batches of the bench corpus, fetched from Dovecot as the collector fetches them. */
async function collectorBatches(config: Config, count: number): Promise<MessageBatchJob[]> {
  const account = config.accounts[0] as Config['accounts'][number];
  const mailbox = `${config.redis.keyPrefix}-box`;
  const perJob = config.queue.batchMaxMessages;
  const built = buildBenchMessages(count * perJob);
  const filled = await fillMailbox(account, mailbox, built.messages);
  const client = new ImapFlow(imapOptions(account));
  await client.connect();
  const jobs: MessageBatchJob[] = [];
  try {
    await client.mailboxOpen(mailbox, { readOnly: true });
    const batcher = new Batcher(config.queue);
    let cursor = 0;
    const push = (messages: FetchedMessage[]): void => {
      jobs.push({ account: account.id, mailbox, uidvalidity: filled.uidvalidity, fromUid: cursor, messages, enqueuedAt: new Date().toISOString() });
      cursor = messages.at(-1)?.uid ?? cursor;
    };
    const uids = Array.from({ length: filled.lastUid }, (_, i) => i + 1);
    for (let i = 0; i < uids.length; i += account.batchSize) {
      for (const m of await fetchHeaders(client, uids.slice(i, i + account.batchSize))) for (const b of batcher.add(m)) push(b);
    }
    const rest = batcher.flush();
    if (rest.length > 0) push(rest);
  } finally {
    await client.logout().catch(() => undefined);
  }
  return jobs;
}

/** listen's batches of the fixture log lines, repeated until `count` jobs are full. */
function listenBatches(config: Config, count: number): LogBatchJob[] {
  const dir = join(REPO_ROOT, 'test', 'fixtures', 'logs');
  const lines: Buffer[] = [];
  for (const family of readdirSync(dir, { withFileTypes: true }).filter((d) => d.isDirectory()).map((d) => d.name).sort()) {
    for (const f of readdirSync(join(dir, family)).filter((x) => x.endsWith('.log')).sort()) {
      for (const line of readFileSync(join(dir, family, f), 'latin1').split('\n')) {
        if (line.trim() !== '' && !line.startsWith('#')) lines.push(Buffer.from(line, 'latin1'));
      }
    }
  }
  const { batchMaxLines, batchMaxBytes } = config.listen;
  const start = Date.UTC(2026, 9, 1);
  const jobs: LogBatchJob[] = [];
  let n = 0;
  while (jobs.length < count) {
    const batch: QueuedLogLine[] = [];
    let bytes = 0;
    for (;;) {
      const line: QueuedLogLine = {
        raw: (lines[n % lines.length] as Buffer).toString('base64'),
        peer: `192.0.2.${(n % 4) + 10}`,
        receivedAt: new Date(start + n).toISOString(),
      };
      const b = queuedLineBytes(line);
      if (batch.length >= batchMaxLines || (batch.length > 0 && bytes + b > batchMaxBytes)) break;
      batch.push(line);
      bytes += b;
      n++;
    }
    jobs.push({ kind: 'log', lines: batch, enqueuedAt: new Date().toISOString() });
  }
  return jobs;
}

async function measure<Job extends MessageBatchJob | LogBatchJob>(
  redis: Redis, config: Config, jobs: readonly Job[], add: (queue: ReturnType<typeof openMessageQueue<Job>>, job: Job) => Promise<unknown>,
  itemsOf: (job: Job) => number,
) {
  const connection = createRedis(config.redis, 'command');
  const queue = openMessageQueue<Job>(config, connection);
  queue.on('error', () => undefined);
  try {
    await queue.waitUntilReady();
    const before = await usedMemory(redis);
    const keysBefore = await keyMemory(redis, config.redis.keyPrefix, config.queue.name);
    for (const job of jobs) await add(queue, job);
    const waiting = await queue.getWaitingCount();
    if (waiting !== jobs.length) throw new Error(`${waiting} jobs waiting, expected ${jobs.length}`);
    const after = await usedMemory(redis);
    const keysAfter = await keyMemory(redis, config.redis.keyPrefix, config.queue.name);
    await deleteKeys(redis, config.redis.keyPrefix);
    const released = await usedMemory(redis);
    const items = jobs.reduce((n, j) => n + itemsOf(j), 0);
    const json = jobs.reduce((n, j) => n + JSON.stringify(j).length, 0);
    const used = after - before;
    const keys = keysAfter.total - keysBefore.total;
    return {
      jobs: jobs.length,
      items,
      items_per_job: round(items / jobs.length, 1),
      job_json_bytes_per_job: round(json / jobs.length),
      used_memory: { before, after, after_deleting_the_keys: released, grew_by: used, released_by_deleting: after - released },
      used_memory_per_job: round(used / jobs.length),
      used_memory_per_item: round(used / items, 1),
      key_memory: keysAfter,
      key_memory_per_job: round(keys / jobs.length),
      key_memory_per_item: round(keys / items, 1),
      redis_bytes_per_json_byte: round(keys / json, 3),
    };
  } finally {
    await queue.close().catch(() => undefined);
    connection.disconnect();
  }
}

export async function runRedisMemoryBench(argv: readonly string[] = []): Promise<void> {
  const o = parseOptions(argv);
  const prefix = `mvredis-${Date.now().toString(36)}${Math.random().toString(36).slice(2, 6)}`;
  const config = benchConfig(o.user, prefix);
  const account = config.accounts[0] as Config['accounts'][number];
  const redis = singleRedis(createRedis(config.redis, 'command'));
  try {
    const info = await redis.info();
    const field = (k: string): string => new RegExp(`^${k}:(.*)$`, 'm').exec(info)?.[1]?.trim() ?? 'unknown';
    const messageJobs = await collectorBatches(config, o.messageJobs);
    log(`${messageJobs.length} message batches fetched from Dovecot (${messageJobs.reduce((n, j) => n + j.messages.length, 0)} messages)`);
    const messages = await measure(redis, config, messageJobs, (q, job) => q.add(MESSAGE_BATCH_JOB, job, batchJobOptions(batchJobId(job))), (j) => j.messages.length);
    log(`message batches: ${messages.key_memory_per_job} B/job by key (${messages.key_memory_per_item} B/message), used_memory +${messages.used_memory_per_job} B/job`);
    const logJobs = listenBatches(config, o.logJobs);
    const logs = await measure(redis, config, logJobs, (q, job) => q.add(LOG_BATCH_JOB, job, batchJobOptions(logBatchJobId(job))), (j) => j.lines.length);
    log(`log batches: ${logs.key_memory_per_job} B/job by key (${logs.key_memory_per_item} B/line), used_memory +${logs.used_memory_per_job} B/job`);

    const result = {
      date: new Date().toISOString(),
      redis: {
        version: field('redis_version'),
        note: 'the shared local Redis: used_memory also moves with other clients; the key sums count only this bench\'s keys',
        maxmemory_policy: field('maxmemory_policy'),
      },
      configuration: {
        'accounts[0].batchSize': account.batchSize,
        'queue.batchMaxMessages': config.queue.batchMaxMessages,
        'queue.batchMaxBytes': config.queue.batchMaxBytes,
        'queue.maxWaitingJobs': config.queue.maxWaitingJobs,
        'listen.batchMaxLines': config.listen.batchMaxLines,
        'listen.batchMaxBytes': config.listen.batchMaxBytes,
        job_options: 'batchJobOptions(): custom id, removeOnComplete, attempts/backoff (src/queue/job-options.ts)',
      },
      message_batches: {
        corpus: 'bench/pipeline/messages.ts (bench/corpus.ts realistic header blocks + short bodies), fetched from Dovecot with fetchHeaders(), batched with Batcher',
        ...messages,
      },
      log_batches: {
        corpus: 'test/fixtures/logs/*/*.log lines (comments left out), repeated, peer 192.0.2.x, as listen queues them',
        ...logs,
      },
    };
    const out = o.out ?? join(REPO_ROOT, 'bench', 'results', 'redis-memory.json');
    mkdirSync(dirname(out), { recursive: true });
    writeFileSync(out, `${JSON.stringify(result, null, 2)}\n`);
    log(`written ${out}`);
  } finally {
    await deleteKeys(redis, prefix).catch(() => 0);
    const problems = await deleteMailboxes(account, [`${prefix}-box`]);
    if (problems.length > 0) log(`cleanup problems: ${problems.join('; ')}`);
    redis.disconnect();
  }
}

if (import.meta.url === `file://${process.argv[1]}`) {
  runRedisMemoryBench(process.argv.slice(2)).then(() => process.exit(0), (err: unknown) => {
    console.error(err);
    process.exit(1);
  });
}
