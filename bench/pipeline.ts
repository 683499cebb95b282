// Pipeline bench (issue 4 item 7; results in bench/results/): N messages (default 100,000, ~4.5 KB header blocks) in a
// fresh Dovecot mailbox, then in one run:
//  1. fetch ceiling: headers-only FETCH of the whole mailbox with imapflow and nothing else — the collector's
//     own fetchHeaders() in chunks of the account's batchSize on one connection; two passes (the first one
//     after delivery fills Dovecot's cache, the second is what the pipeline meets; the second is the ceiling);
//  2. bulk ceiling: the same messages parsed first (untimed), then BulkSink.indexBatch alone into a fresh index
//     prefix, worker.concurrency batches in flight; batches of bulkMaxDocs and of batchMaxMessages (what the
//     worker sends), the faster is the ceiling;
//  3. the pipeline: `node bin/mailverdict.js collect` and `... work` as separate child processes, timed from
//     their spawn until the mailbox's committed watermark reaches the last UID; peak RSS (VmHWM) of each when
//     the watermark passes 10,000 and at the end; CPU seconds per process and machine busy share per phase;
//  4. latency: with the pipeline idle, messages APPENDed one by one, append → searchable (an `ids` search on
//     the index prefix, i.e. after a refresh) p50/p95.
// Writes bench/results/pipeline.json (N = 100,000) or pipeline-<N>.json, prints a table, and removes the
// mailbox, indices, templates and Redis keys it created.
// Long runs (soak, up to 1,000,000 messages): messages are generated and delivered in chunks of 10,000 (never
// all in memory); the bulk ceiling uses the first 100,000; RSS and V8 heap of both processes are read every
// --rss-every committed messages (default 100,000) and fitted into a growth per 100k after the warm-up
// (--warmup, default a fifth of N); --skip-ceilings leaves out the fetch and bulk ceilings.
//
// `tsx bench/pipeline.ts [--messages N] [--latency-messages 50] [--latency-spacing-ms 200] [--user bob]
//   [--append] [--keep] [--no-build] [--skip-bulk-variant] [--profile (children write .cpuprofile files)]
//   [--patch file.diff (experiment: applied to the private build of HEAD's src/)] [--node-args "--flag …" (children)]
//   [--batch-size n] [--batch-max-messages n] [--batch-max-bytes n] [--max-waiting-jobs n] [--concurrency n]
//   [--bulk-max-docs n] [--bulk-max-bytes n] [--out file] [--rss-every n] [--warmup n] [--skip-ceilings]`
// (`npm run bench` / `tsx bench/run.ts pipeline` run it with the defaults.)
import { existsSync, mkdirSync, readFileSync, writeFileSync } from 'node:fs';
import { cpus, loadavg } from 'node:os';
import { dirname, join, resolve } from 'node:path';
import { parseArgs } from 'node:util';
import { Client } from '@elastic/elasticsearch';
import { Queue } from 'bullmq';
import { ImapFlow } from 'imapflow';
import { stringify } from 'yaml';
import { fetchHeaders } from '../src/collector/fetch-headers.js';
import { imapOptions } from '../src/collector/imap-options.js';
import { Watermark } from '../src/mailbox-state/watermark.js';
import { parseConfig } from '../src/config/load-config.js';
import type { Config } from '../src/config/schema.js';
import type { ParsedMessage } from '../src/document/types.js';
import { parseMessage } from '../src/parse/parse-message.js';
import { createRedis } from '../src/queue/connection.js';
import { openMessageQueue } from '../src/queue/message-queue.js';
import { stateKeyPrefix } from '../src/queue/queue-names.js';
import { bulkCeiling } from './pipeline/bulk-ceiling.js';
import { ensureIndexTemplates, loadIndexTemplates } from '../src/sink/index-setup.js';
import { serviceSettings } from '../test/support/services.js';
import { REPO_ROOT } from './corpus.js';
import { buildCli, freePort, startRole, stopChild, type Child } from './pipeline/children.js';
import { cpuSnapshot, cpuUsage, pidsByComm, type CpuGroups, type CpuUsage } from './pipeline/cpu.js';
import { maildirFolder, writeMaildir } from './pipeline/maildir.js';
import { benchMessageChunks, buildBenchMessages, type BenchMessage } from './pipeline/messages.js';
import { MemorySeries, type MemoryTrend } from './pipeline/memory-series.js';
import { readMemory, round1, type Memory } from './pipeline/proc-memory.js';
import { intOption } from './int-option.js';

const TARGET_COMBINED = 0.8;
const TARGET_RSS_MB = 300;
const TARGET_P95_MS = 3000;
const RSS_CHECKPOINT = 10_000;
const TARGET_RSS_SLOPE_MB_PER_100K = 2;
/** Messages generated (and held) at a time. */
const GENERATION_CHUNK = 10_000;
/** The bulk ceiling's documents are prebuilt in memory: at most this many. */
const BULK_SAMPLE = 100_000;
const ES_PID_FILE = '/var/lib/mailverdict/services/elasticsearch/es.pid';

interface Options {
  messages: number;
  latencyMessages: number;
  latencySpacingMs: number;
  user: string;
  append: boolean;
  keep: boolean;
  build: boolean;
  bulkVariant: boolean;
  profile: boolean;
  patch: string | undefined;
  nodeArgs: string[];
  out: string | undefined;
  rssEvery: number;
  warmup: number;
  ceilings: boolean;
  overrides: Partial<Record<'batchSize' | 'batchMaxMessages' | 'batchMaxBytes' | 'maxWaitingJobs' | 'concurrency' | 'bulkMaxDocs' | 'bulkMaxBytes', number>>;
}

function parseOptions(argv: readonly string[]): Options {
  const { values } = parseArgs({
    args: [...argv],
    strict: true,
    options: {
      messages: { type: 'string' }, 'latency-messages': { type: 'string' }, 'latency-spacing-ms': { type: 'string' },
      user: { type: 'string' }, append: { type: 'boolean' }, keep: { type: 'boolean' }, 'no-build': { type: 'boolean' },
      'skip-bulk-variant': { type: 'boolean' }, profile: { type: 'boolean' }, out: { type: 'string' },
      patch: { type: 'string' }, 'node-args': { type: 'string' },
      'batch-size': { type: 'string' }, 'batch-max-messages': { type: 'string' }, 'batch-max-bytes': { type: 'string' },
      'max-waiting-jobs': { type: 'string' }, concurrency: { type: 'string' }, 'bulk-max-docs': { type: 'string' },
      'bulk-max-bytes': { type: 'string' }, 'rss-every': { type: 'string' }, warmup: { type: 'string' },
      'skip-ceilings': { type: 'boolean' },
    },
  });
  const int = intOption;
  const overrides: Options['overrides'] = {};
  const set = (key: keyof Options['overrides'], v: string | undefined, name: string): void => {
    const n = int(v, name);
    if (n !== undefined) overrides[key] = n;
  };
  set('batchSize', values['batch-size'], 'batch-size');
  set('batchMaxMessages', values['batch-max-messages'], 'batch-max-messages');
  set('batchMaxBytes', values['batch-max-bytes'], 'batch-max-bytes');
  set('maxWaitingJobs', values['max-waiting-jobs'], 'max-waiting-jobs');
  set('concurrency', values.concurrency, 'concurrency');
  set('bulkMaxDocs', values['bulk-max-docs'], 'bulk-max-docs');
  set('bulkMaxBytes', values['bulk-max-bytes'], 'bulk-max-bytes');
  const messages = int(values.messages, 'messages', 100_000) as number;
  const rssEvery = int(values['rss-every'], 'rss-every', 100_000) as number;
  return {
    messages,
    rssEvery,
    warmup: int(values.warmup, 'warmup', Math.max(rssEvery, Math.round(messages / 5))) as number,
    ceilings: values['skip-ceilings'] !== true,
    latencyMessages: int(values['latency-messages'], 'latency-messages', 50) as number,
    latencySpacingMs: int(values['latency-spacing-ms'], 'latency-spacing-ms', 200) as number,
    user: values.user ?? 'bob',
    append: values.append === true,
    keep: values.keep === true,
    build: values['no-build'] !== true,
    bulkVariant: values['skip-bulk-variant'] !== true,
    profile: values.profile === true,
    patch: values.patch,
    nodeArgs: values['node-args'] === undefined ? [] : values['node-args'].split(' ').filter((a) => a !== ''),
    out: values.out,
    overrides,
  };
}

const round = (x: number, d = 0): number => Math.round(x * 10 ** d) / 10 ** d;
const sleep = (ms: number): Promise<void> => new Promise((r) => setTimeout(r, ms));
const log = (s: string): void => console.log(`[pipeline bench ${new Date().toISOString().slice(11, 19)}] ${s}`);
const load = (): number[] => loadavg().map((x) => round(x, 2));

function percentile(xs: readonly number[], p: number): number {
  if (xs.length === 0) return Number.NaN;
  const s = [...xs].sort((a, b) => a - b);
  return s[Math.min(s.length - 1, Math.ceil((p / 100) * s.length) - 1)] as number;
}

function benchConfig(o: Options, ids: { keyPrefix: string; queue: string; indexPrefix: string; mailbox: string }): Config {
  const s = serviceSettings();
  const password = s.imapUsers.find((u) => u.user === o.user)?.pass;
  if (password === undefined) throw new Error(`IMAP user ${o.user} is not one of scripts/services env's users`);
  const v = o.overrides;
  const raw = {
    redis: { url: s.redisUrl, keyPrefix: ids.keyPrefix },
    elasticsearch: {
      nodes: [s.esUrl], indexPrefix: ids.indexPrefix,
      ...(v.bulkMaxDocs !== undefined ? { bulkMaxDocs: v.bulkMaxDocs } : {}),
      ...(v.bulkMaxBytes !== undefined ? { bulkMaxBytes: v.bulkMaxBytes } : {}),
    },
    queue: {
      name: ids.queue,
      ...(v.batchMaxMessages !== undefined ? { batchMaxMessages: v.batchMaxMessages } : {}),
      ...(v.batchMaxBytes !== undefined ? { batchMaxBytes: v.batchMaxBytes } : {}),
      ...(v.maxWaitingJobs !== undefined ? { maxWaitingJobs: v.maxWaitingJobs } : {}),
    },
    worker: v.concurrency !== undefined ? { concurrency: v.concurrency } : {},
    accounts: [{
      id: 'bench', host: s.imapHost, port: s.imapPort, tls: 'none', user: o.user, password,
      ...(v.batchSize !== undefined ? { batchSize: v.batchSize } : {}),
      mailboxes: [ids.mailbox],
    }],
    log: { level: 'warn' },
  };
  return parseConfig(raw, { env: {} });
}

function accountOf(config: Config): Config['accounts'][number] {
  const account = config.accounts[0];
  if (account === undefined) throw new Error('bench config has no account');
  return account;
}

// ------------------------------------------------------------------------------------------------ delivery

/** Delivers messages 0 … total-1, generated a chunk at a time. */
async function deliver(config: Config, mailbox: string, total: number, forceAppend: boolean) {
  const account = accountOf(config);
  const client = new ImapFlow(imapOptions(account));
  await client.connect();
  try {
    await client.mailboxCreate(mailbox);
    const home = join(dirname(serviceSettings().imapCaFile), 'mail', account.user);
    const folder = maildirFolder(home, mailbox);
    const t0 = performance.now();
    let method: string;
    let generateMs = 0;
    const chunks = benchMessageChunks(total, GENERATION_CHUNK);
    const next = (): BenchMessage[] | undefined => {
      const tGen = performance.now();
      const r = chunks.next();
      generateMs += performance.now() - tGen;
      return r.done === true ? undefined : r.value.messages;
    };
    if (!forceAppend && existsSync(join(folder, 'cur'))) {
      let first = 0;
      for (let messages = next(); messages !== undefined; messages = next()) {
        writeMaildir(folder, messages, first);
        first += messages.length;
      }
      method = 'maildir: files written into the mailbox\'s cur/ (owner = mail user, S=/W= sizes, mtime = INTERNALDATE), then indexed by Dovecot on STATUS';
    } else {
      // 32 APPENDs in flight on one connection (imapflow pipelines them in order, so UIDs follow the list).
      let first = 0;
      for (let messages = next(); messages !== undefined; messages = next()) {
        for (let i = 0; i < messages.length; i += 32) {
          const chunk = messages.slice(i, i + 32);
          const out = await Promise.all(chunk.map((m) => client.append(mailbox, m.raw, ['\\Seen'], m.internalDate)));
          if (out.some((r) => r === false)) throw new Error(`APPEND failed near message ${first + i + 1}`);
        }
        first += messages.length;
      }
      method = 'IMAP APPEND, 32 in flight on one connection';
    }
    const written = performance.now();
    const status = await client.status(mailbox, { messages: true, uidNext: true, uidValidity: true });
    const indexed = performance.now();
    if (status === false || status.messages !== total) {
      throw new Error(`mailbox ${mailbox} holds ${status === false ? '?' : status.messages} messages, expected ${total}`);
    }
    return {
      method,
      generated_in_chunks_of: GENERATION_CHUNK,
      generate_s: round(generateMs / 1000, 1),
      write_s: round((written - t0 - generateMs) / 1000, 1),
      dovecot_index_s: round((indexed - written) / 1000, 1),
      lastUid: (status.uidNext ?? 1) - 1,
      uidvalidity: Number(status.uidValidity ?? 0),
    };
  } finally {
    await client.logout().catch(() => undefined);
  }
}

// ------------------------------------------------------------------------------------------------ ceilings

async function fetchCeiling(config: Config, mailbox: string, expected: number) {
  const account = accountOf(config);
  const cpuA = cpuSnapshot(serviceGroups());
  const t0 = performance.now();
  const client = new ImapFlow(imapOptions(account));
  await client.connect();
  let messages = 0;
  let bytes = 0;
  let parts = 0;
  let cpuB = cpuA;
  try {
    await client.mailboxOpen(mailbox, { readOnly: true });
    const found = await client.search({ uid: '1:*' }, { uid: true });
    const uids = (Array.isArray(found) ? found : []).sort((a, b) => a - b);
    const chunk = account.batchSize;
    for (let i = 0; i < uids.length; i += chunk) {
      const rows = await fetchHeaders(client, uids.slice(i, i + chunk));
      messages += rows.length;
      for (const r of rows) {
        bytes += r.headers.length;
        parts += r.parts.length;
      }
    }
  } finally {
    // CPU before LOGOUT: Dovecot's imap process of this session ends with it.
    cpuB = cpuSnapshot(serviceGroups());
    await client.logout().catch(() => undefined);
  }
  const seconds = (performance.now() - t0) / 1000;
  if (messages !== expected) throw new Error(`fetch ceiling saw ${messages} messages, expected ${expected}`);
  return {
    seconds: round(seconds, 2), messages_per_second: round(messages / seconds), avg_header_job_chars: round(bytes / messages),
    mime_parts_fetched: parts, cpu: cpuUsage(cpuA, cpuB, messages),
  };
}

function prebuildDocuments(messages: readonly BenchMessage[], account: string, mailbox: string, uidvalidity: number): ParsedMessage[] {
  return messages.map((m, i) => parseMessage(m.raw, {
    origin: { kind: 'imap', account, mailbox, uidvalidity, uid: i + 1 },
    internalDate: m.internalDate,
  }));
}

/** Both ceilings: the fetch ceiling over the whole mailbox, the bulk ceiling over `sample` (prebuilt documents). */
async function measureCeilings(
  o: Options, config: Config, es: Client, mailbox: string, sample: readonly BenchMessage[], uidvalidity: number,
  bulkPrefixes: readonly string[], phases: Record<string, number[]>,
) {
  phases['fetch'] = load();
  const fetchCold = await fetchCeiling(config, mailbox, o.messages);
  log(`fetch ceiling pass 1 (fills Dovecot's cache): ${fetchCold.messages_per_second} msg/s`);
  const fetchWarm = await fetchCeiling(config, mailbox, o.messages);
  log(`fetch ceiling pass 2: ${fetchWarm.messages_per_second} msg/s`);

  const tParse = performance.now();
  const docs = prebuildDocuments(sample, 'bench', mailbox, uidvalidity);
  const parseSeconds = (performance.now() - tParse) / 1000;
  log(`parsed ${docs.length} documents (untimed for the ceiling) in ${round(parseSeconds, 1)} s; heap ${round(process.memoryUsage().heapUsed / 2 ** 20)} MB`);
  phases['bulk'] = load();
  const lanes = config.worker.concurrency;
  const cpuBulkA = cpuSnapshot(serviceGroups());
  const bulkA = await bulkCeiling(es, { ...config.elasticsearch, indexPrefix: bulkPrefixes[0] as string }, docs, config.elasticsearch.bulkMaxDocs, lanes);
  const cpuBulk = cpuUsage(cpuBulkA, cpuSnapshot(serviceGroups()), docs.length);
  log(`bulk ceiling (${bulkA.batch_docs} docs × ${lanes} in flight): ${bulkA.messages_per_second} msg/s`);
  const bulkB = o.bulkVariant && config.queue.batchMaxMessages !== config.elasticsearch.bulkMaxDocs
    ? await bulkCeiling(es, { ...config.elasticsearch, indexPrefix: bulkPrefixes[1] as string }, docs, Math.min(config.queue.batchMaxMessages, config.elasticsearch.bulkMaxDocs), lanes)
    : undefined;
  if (bulkB !== undefined) log(`bulk, pipeline-shaped (${bulkB.batch_docs} docs × ${lanes} in flight): ${bulkB.messages_per_second} msg/s`);
  const sampleSize = docs.length;
  docs.length = 0;
  // The ceiling indices go before the pipeline runs: no merges of theirs compete with it.
  for (const p of bulkPrefixes) await es.indices.delete({ index: `${p}-*`, allow_no_indices: true, ignore_unavailable: true });
  return { fetchCold, fetchWarm, bulkA, bulkB, cpuBulk, parseSeconds, sample: sampleSize };
}

// ------------------------------------------------------------------------------------------------ pipeline

interface PipelineRun {
  seconds_from_spawn: number;
  messages_per_second: number;
  first_commit_after_s: number;
  steady_messages_per_second: number;
  rss_mb: Record<string, { at_10k: Memory | undefined; at_end: Memory | undefined; max_sampled_rss_mb: number }>;
  /** V8 heap of each process from its /metrics (prom-client default metrics), MB. */
  heap_mb: Record<string, { at_10k?: Record<string, number>; at_end?: Record<string, number> }>;
  rss_checkpoint_note: string;
  /** Every --rss-every committed messages: RSS, VmHWM and V8 heap of each process. */
  memory_series: { every: number; by_role: MemorySeries['byRole'] };
  queue_waiting_samples: { t_s: number; waiting: number; active: number; committed: number }[];
  cpu: CpuUsage;
  exit_codes: Record<string, number | null>;
  /** Seconds from SIGTERM to exit (graceful shutdown), per process. */
  stop_seconds: Record<string, number>;
}

async function runPipeline(
  bin: string, config: Config, dir: string, ids: { mailbox: string }, target: { lastUid: number; uidvalidity: number; n: number },
  cpuGroups: (children: Child[]) => CpuGroups,
  nodeArgs: readonly string[],
  series: MemorySeries,
): Promise<{ run: PipelineRun; children: Child[]; watermark: Watermark; redis: ReturnType<typeof createRedis>; queue: Queue; queueConnection: ReturnType<typeof createRedis> }> {
  const ports = { collect: await freePort(), work: await freePort() };
  const files: Record<'collect' | 'work', string> = { collect: join(dir, 'collect.yaml'), work: join(dir, 'work.yaml') };
  for (const role of ['collect', 'work'] as const) {
    const { alerts: _alerts, ...rest } = config;
    writeFileSync(files[role], stringify({ ...rest, http: { host: '127.0.0.1', port: ports[role] } }));
  }
  const redis = createRedis(config.redis, 'command');
  const watermark = new Watermark(redis, stateKeyPrefix(config), { account: 'bench', mailbox: ids.mailbox });
  // BullMQ does not close a connection it is given: kept to close it ourselves.
  const queueConnection = createRedis(config.redis, 'command');
  const queue: Queue = openMessageQueue(config, queueConnection);
  queue.on('error', () => undefined);

  const before = cpuSnapshot(cpuGroups([]));
  const t0 = performance.now();
  // Worker first (it checks the templates), collector right after: both start up in parallel.
  const worker = startRole(bin, 'work', files.work, join(dir, 'work.log'), nodeArgs);
  const collector = startRole(bin, 'collect', files.collect, join(dir, 'collect.log'), nodeArgs);
  const children = [collector, worker];
  const groups = cpuGroups(children);
  const mem: PipelineRun['rss_mb'] = {};
  for (const c of children) mem[c.role] = { at_10k: undefined, at_end: undefined, max_sampled_rss_mb: 0 };
  const samples: PipelineRun['queue_waiting_samples'] = [];
  const heap: PipelineRun['heap_mb'] = {};
  let firstCommitAt: number | undefined;
  let committedAtFirst = 0;
  let committed = 0;
  let lastSample = 0;
  let lastLog = 0;
  const deadline = Date.now() + Math.max(15 * 60_000, target.n * 20);
  try {
    for (;;) {
      for (const c of children) {
        if (c.process.exitCode !== null || c.process.signalCode !== null) {
          throw new Error(`mailverdict ${c.role} exited early (code ${c.process.exitCode}, signal ${c.process.signalCode}); see ${join(dir, `${c.role === 'collect' ? 'collect' : 'work'}.log`)}`);
        }
        const m = readMemory(c.pid);
        const slot = mem[c.role];
        if (m !== undefined && slot !== undefined) slot.max_sampled_rss_mb = Math.max(slot.max_sampled_rss_mb, m.rssMb);
        if (m !== undefined) series.observe(c.role, m.rssMb);
      }
      const state = await watermark.read();
      committed = state !== undefined && state.uidvalidity === target.uidvalidity ? state.committed : 0;
      const now = performance.now();
      if (committed > 0 && firstCommitAt === undefined) {
        firstCommitAt = now;
        committedAtFirst = committed;
      }
      if (committed >= Math.min(RSS_CHECKPOINT, target.lastUid)) {
        for (const c of children) {
          const slot = mem[c.role];
          if (slot !== undefined && slot.at_10k === undefined) {
            slot.at_10k = readMemory(c.pid);
            heap[c.role] = { at_10k: await scrapeHeap(ports[c.role as 'collect' | 'work']) };
          }
        }
      }
      if (series.due(committed)) {
        const t = round((now - t0) / 1000, 1);
        for (const c of children) {
          const m = readMemory(c.pid);
          const h = await scrapeHeap(ports[c.role as 'collect' | 'work']);
          if (m === undefined) continue;
          series.add(c.role, {
            committed, t_s: t, rss_mb: m.rssMb, peak_mb: m.peakMb,
            ...(h['nodejs_heap_size_used'] !== undefined ? { heap_used_mb: h['nodejs_heap_size_used'] } : {}),
            ...(h['nodejs_external_memory'] !== undefined ? { external_mb: h['nodejs_external_memory'] } : {}),
          });
        }
        series.advance(committed);
      }
      // Long runs: a queue sample per 1/200 of the run at most, so the result stays readable.
      if (now - lastSample >= Math.max(1000, target.n / 200)) {
        lastSample = now;
        const counts = await queue.getJobCounts('waiting', 'active');
        samples.push({ t_s: round((now - t0) / 1000, 1), waiting: counts['waiting'] ?? 0, active: counts['active'] ?? 0, committed });
      }
      if (now - lastLog >= 10_000) {
        lastLog = now;
        log(`pipeline: ${committed}/${target.lastUid} committed after ${round((now - t0) / 1000, 1)} s`);
      }
      if (committed >= target.lastUid) break;
      if (Date.now() > deadline) throw new Error(`pipeline did not finish: ${committed}/${target.lastUid} committed`);
      await sleep(100);
    }
  } catch (err) {
    // The caller only learns of the children when this returns: stop them here.
    for (const c of children) await stopChild(c, 5000);
    throw err;
  }
  const tEnd = performance.now();
  for (const c of children) {
    const slot = mem[c.role];
    if (slot !== undefined) slot.at_end = readMemory(c.pid);
    heap[c.role] = { ...heap[c.role], at_end: await scrapeHeap(ports[c.role as 'collect' | 'work']) };
  }
  const after = cpuSnapshot(groups);
  const seconds = (tEnd - t0) / 1000;
  const first = ((firstCommitAt ?? tEnd) - t0) / 1000;
  return {
    children, watermark, redis, queue, queueConnection,
    run: {
      seconds_from_spawn: round(seconds, 2),
      messages_per_second: round(target.n / seconds),
      first_commit_after_s: round(first, 2),
      steady_messages_per_second: round((target.n - committedAtFirst) / Math.max(0.001, seconds - first)),
      rss_mb: mem,
      heap_mb: heap,
      memory_series: { every: series.every, by_role: series.byRole },
      rss_checkpoint_note: `VmHWM/VmRSS from /proc/<pid>/status of each child, read when the committed watermark first reached ${RSS_CHECKPOINT} (or N when smaller) and when it reached N; max_sampled_rss_mb = highest VmRSS over 100 ms polls`,
      queue_waiting_samples: samples,
      cpu: cpuUsage(before, after, target.n),
      exit_codes: {},
      stop_seconds: {},
    },
  };
}

async function scrapeHeap(port: number): Promise<Record<string, number>> {
  const out: Record<string, number> = {};
  try {
    const text = await (await fetch(`http://127.0.0.1:${port}/metrics`, { signal: AbortSignal.timeout(2000) })).text();
    for (const line of text.split('\n')) {
      for (const key of ['nodejs_heap_size_used_bytes', 'nodejs_heap_size_total_bytes', 'nodejs_external_memory_bytes']) {
        if (line.startsWith(`mailverdict_process_${key} `)) out[key.replace('_bytes', '')] = round(Number(line.split(' ')[1]) / 2 ** 20, 1);
      }
    }
  } catch { /* not answering: left empty */ }
  return out;
}

// ------------------------------------------------------------------------------------------------ latency

async function measureLatency(config: Config, es: Client, mailbox: string, messages: readonly BenchMessage[], spacingMs: number) {
  const account = accountOf(config);
  const ids = messages.map((m) => parseMessage(m.raw, { origin: { kind: 'file', path: 'latency.eml' } }).id);
  const appendedAt = new Map<string, number>();
  const searchableAt = new Map<string, number>();
  const client = new ImapFlow(imapOptions(account));
  await client.connect();
  let polling = true;
  const index = `${config.elasticsearch.indexPrefix}-*`;
  const poller = (async () => {
    while (polling) {
      const pending = [...appendedAt.keys()].filter((id) => !searchableAt.has(id));
      if (pending.length > 0) {
        const res = await es.search({ index, query: { ids: { values: pending } }, _source: false, size: pending.length });
        const now = performance.now();
        for (const h of res.hits.hits) if (h._id !== undefined && !searchableAt.has(h._id)) searchableAt.set(h._id, now);
      }
      await sleep(50);
    }
  })();
  try {
    for (const [i, m] of messages.entries()) {
      const start = performance.now();
      appendedAt.set(ids[i] as string, start);
      const out = await client.append(mailbox, m.raw, [], new Date());
      if (out === false) throw new Error('latency APPEND failed');
      await sleep(Math.max(0, spacingMs - (performance.now() - start)));
    }
    const deadline = performance.now() + 30_000;
    while (searchableAt.size < ids.length && performance.now() < deadline) await sleep(50);
  } finally {
    polling = false;
    await poller;
    await client.logout().catch(() => undefined);
  }
  const lat = ids.filter((id) => searchableAt.has(id)).map((id) => (searchableAt.get(id) as number) - (appendedAt.get(id) as number));
  return {
    messages: ids.length,
    searchable: lat.length,
    spacing_ms: spacingMs,
    p50_ms: round(percentile(lat, 50)),
    p95_ms: round(percentile(lat, 95)),
    max_ms: round(Math.max(...lat)),
    min_ms: round(Math.min(...lat)),
    method: 'time from issuing APPEND (separate IMAP connection) until an `ids` search on <prefix>-* returns it (polled every 50 ms; searchable = after a refresh)',
  };
}

// ------------------------------------------------------------------------------------------------ cleanup

async function cleanup(config: Config, es: Client, mailbox: string, prefixes: readonly string[]): Promise<string[]> {
  const problems: string[] = [];
  const client = new ImapFlow(imapOptions(accountOf(config)));
  try {
    await client.connect();
    await client.mailboxDelete(mailbox);
  } catch (err) {
    problems.push(`mailbox ${mailbox}: ${String(err)}`);
  } finally {
    await client.logout().catch(() => undefined);
  }
  for (const prefix of prefixes) {
    try {
      await es.indices.delete({ index: `${prefix}-*`, allow_no_indices: true, ignore_unavailable: true, expand_wildcards: 'all' });
      for (const t of loadIndexTemplates(prefix)) await es.indices.deleteIndexTemplate({ name: t.name }, { ignore: [404] });
    } catch (err) {
      problems.push(`indices ${prefix}-*: ${String(err)}`);
    }
  }
  const redis = createRedis(config.redis, 'command');
  try {
    let cursor = '0';
    for (let i = 0; i < 100_000; i++) {
      const [next, keys] = await redis.scan(cursor, 'MATCH', `${config.redis.keyPrefix}:*`, 'COUNT', 1000);
      if (keys.length > 0) await redis.unlink(...keys);
      cursor = next;
      if (cursor === '0') break;
    }
  } catch (err) {
    problems.push(`redis ${config.redis.keyPrefix}:*: ${String(err)}`);
  } finally {
    redis.disconnect();
  }
  return problems;
}

async function countDocs(es: Client, prefix: string): Promise<{ messages: number; deadletters: number }> {
  await es.indices.refresh({ index: `${prefix}-*`, allow_no_indices: true, ignore_unavailable: true });
  const all = await es.count({ index: `${prefix}-*`, allow_no_indices: true, ignore_unavailable: true });
  const dead = await es.count({ index: `${prefix}-deadletter`, allow_no_indices: true, ignore_unavailable: true });
  return { messages: all.count - dead.count, deadletters: dead.count };
}

// ------------------------------------------------------------------------------------------------ main

export async function runPipelineBench(argv: readonly string[] = []): Promise<void> {
  const o = parseOptions(argv);
  const tag = `${Date.now().toString(36)}${Math.random().toString(36).slice(2, 6)}`;
  const ids = { keyPrefix: `mvbench-${tag}`, queue: `mvbench-${tag}`, indexPrefix: `mvbench-${tag}-p`, mailbox: `mvbench-${tag}` };
  const bulkPrefixes = [`mvbench-${tag}-ba`, `mvbench-${tag}-bb`];
  const config = benchConfig(o, ids);
  const dir = join(REPO_ROOT, 'bench', 'tmp', `pipeline-${tag}`);
  mkdirSync(dir, { recursive: true });
  const es = new Client({ node: serviceSettings().esUrl, requestTimeout: 120_000 });
  const loadStart = load();
  const phases: Record<string, number[]> = { start: loadStart };
  let children: Child[] = [];
  let extra: { redis: ReturnType<typeof createRedis>; queue: Queue; queueConnection: ReturnType<typeof createRedis> } | undefined;
  log(`N=${o.messages}, mailbox ${o.user}/${ids.mailbox}, index prefix ${ids.indexPrefix}, redis prefix ${ids.keyPrefix}; load ${loadStart.join(' ')}`);

  try {
    const cli = o.build ? buildCli(REPO_ROOT, o.patch === undefined ? undefined : resolve(o.patch)) : { bin: join(REPO_ROOT, 'bin', 'mailverdict.js'), commit: 'working tree dist/', seconds: 0 };
    if (o.build) log(`built the CLI of ${cli.commit.slice(0, 10)} into bench/tmp/build in ${round(cli.seconds, 1)} s`);

    // The first messages (the bulk ceiling's sample, or one chunk for the averages) and the latency messages
    // are held; the backfill is generated again, a chunk at a time, while it is delivered.
    const tGen = performance.now();
    const built = buildBenchMessages(Math.min(o.messages, o.ceilings ? BULK_SAMPLE : GENERATION_CHUNK));
    const latencyMessages = buildBenchMessages(o.latencyMessages, o.messages).messages;
    log(`generated the first ${built.messages.length} messages (avg header block ${built.avgHeaderBytes} B, message ${built.avgMessageBytes} B) in ${round((performance.now() - tGen) / 1000, 1)} s`);

    const delivery = await deliver(config, ids.mailbox, o.messages, o.append);
    log(`delivered: ${delivery.method.split(':')[0]} ${delivery.write_s} s (+ generation ${delivery.generate_s} s), Dovecot indexing ${delivery.dovecot_index_s} s; last UID ${delivery.lastUid}`);

    let ceilings: Awaited<ReturnType<typeof measureCeilings>> | undefined;
    if (o.ceilings) ceilings = await measureCeilings(o, config, es, ids.mailbox, built.messages, delivery.uidvalidity, bulkPrefixes, phases);
    await ensureIndexTemplates(es, config.elasticsearch);
    await sleep(3000);
    built.messages.length = 0;

    phases['pipeline'] = load();
    log('pipeline: starting `mailverdict work` and `mailverdict collect`');
    const nodeArgs = [...o.nodeArgs, ...(o.profile ? ['--cpu-prof', `--cpu-prof-dir=${join(dir, 'profiles')}`] : [])];
    const series = new MemorySeries(o.rssEvery);
    const p = await runPipeline(cli.bin, config, dir, ids, { lastUid: delivery.lastUid, uidvalidity: delivery.uidvalidity, n: o.messages }, (cs) => ({
      ...serviceGroups(), ...Object.fromEntries(cs.map((c) => [c.role === 'collect' ? 'collector' : 'worker', () => [c.pid]])),
    }), nodeArgs, series);
    const trends: Record<string, MemoryTrend> = Object.fromEntries(['collect', 'work'].map((r) => [r, series.trend(r, o.warmup, p.run.rss_mb[r]?.max_sampled_rss_mb ?? 0)]));
    for (const [r, t] of Object.entries(trends)) log(`memory ${r}: max RSS ${t.max_rss_mb} MB, lowest RSS ${t.rss_min_slope_mb_per_100k ?? '?'} MB, RSS ${t.rss_slope_mb_per_100k ?? '?'} MB and heap ${t.heap_used_slope_mb_per_100k ?? '?'} MB per 100k after ${t.warmup_messages} (${t.points} points)`);
    children = p.children;
    extra = { redis: p.redis, queue: p.queue, queueConnection: p.queueConnection };
    log(`pipeline: ${o.messages} messages in ${p.run.seconds_from_spawn} s = ${p.run.messages_per_second} msg/s`);

    phases['latency'] = load();
    await sleep(3000); // the collector is back in IDLE
    const latency = await measureLatency(config, es, ids.mailbox, latencyMessages, o.latencySpacingMs);
    log(`latency: p50 ${latency.p50_ms} ms, p95 ${latency.p95_ms} ms (${latency.searchable}/${latency.messages} searchable)`);

    for (const c of children) {
      const t = performance.now();
      p.run.exit_codes[c.role] = await stopChild(c, 60_000);
      p.run.stop_seconds[c.role] = round((performance.now() - t) / 1000, 2);
    }
    children = [];
    const counts = await countDocs(es, ids.indexPrefix);
    const loadEnd = load();

    // Without ceilings (--skip-ceilings) the ratios are NaN, written as null.
    const fetch = ceilings?.fetchWarm.messages_per_second ?? Number.NaN;
    const bulk = ceilings === undefined ? Number.NaN : Math.max(ceilings.bulkA.messages_per_second, ceilings.bulkB?.messages_per_second ?? 0);
    const combined = 1 / (1 / fetch + 1 / bulk);
    const pipe = p.run.messages_per_second;
    const peakOf = (role: string, at: 'at_10k' | 'at_end'): number => p.run.rss_mb[role]?.[at]?.peakMb ?? Number.NaN;
    const result = {
      date: new Date().toISOString(),
      node: process.version,
      cpus: cpus().length,
      load_average_1_5_15: { ...phases, end: loadEnd },
      messages: o.messages,
      header_block_avg_bytes: built.avgHeaderBytes,
      message_avg_bytes: built.avgMessageBytes,
      corpus: {
        built: built.built, distinct_fixtures: built.fixtures,
        averages_over_first: built.messages.length === 0 ? Math.min(o.messages, o.ceilings ? BULK_SAMPLE : GENERATION_CHUNK) : built.messages.length,
        multipart_messages_among_them: built.multipart,
      },
      delivery,
      configuration: {
        imap: `${config.accounts[0]?.host}:${config.accounts[0]?.port} tls=none, user ${o.user}`,
        'accounts[0].batchSize': accountOf(config).batchSize,
        'queue.batchMaxMessages': config.queue.batchMaxMessages,
        'queue.batchMaxBytes': config.queue.batchMaxBytes,
        'queue.maxWaitingJobs': config.queue.maxWaitingJobs,
        'worker.concurrency': config.worker.concurrency,
        'elasticsearch.bulkMaxDocs': config.elasticsearch.bulkMaxDocs,
        'elasticsearch.bulkMaxBytes': config.elasticsearch.bulkMaxBytes,
        overrides: o.overrides,
        processes: '`node bin/mailverdict.js collect -c …` and `… work -c …` (CLI compiled from the commit below into bench/tmp/build), log level warn',
        commit: cli.commit,
        experiment: { patch: o.patch ?? null, node_args: o.nodeArgs, MALLOC_ARENA_MAX: process.env['MALLOC_ARENA_MAX'] ?? null },
      },
      messages_per_second: {
        fetch_ceiling: fetch,
        fetch_first_pass: ceilings?.fetchCold.messages_per_second ?? null,
        bulk_ceiling: bulk,
        bulk_variants: ceilings === undefined ? [] : [ceilings.bulkA, ...(ceilings.bulkB === undefined ? [] : [ceilings.bulkB])],
        combined_ceiling: round(combined),
        pipeline: pipe,
        pipeline_steady: p.run.steady_messages_per_second,
      },
      ratios: {
        pipeline_vs_slower_ceiling: round(pipe / Math.min(fetch, bulk), 3),
        pipeline_vs_combined_ceiling: round(pipe / combined, 3),
      },
      targets: {
        pipeline_vs_combined_ceiling: TARGET_COMBINED, peak_rss_mb: TARGET_RSS_MB, latency_p95_ms: TARGET_P95_MS,
        rss_slope_mb_per_100k: TARGET_RSS_SLOPE_MB_PER_100K,
      },
      met: {
        pipeline_vs_combined_ceiling: ceilings === undefined ? null : pipe / combined >= TARGET_COMBINED,
        peak_rss: ['collect', 'work'].every((r) => peakOf(r, 'at_end') < TARGET_RSS_MB),
        rss_slope: Object.values(trends).every((t) => t.rss_min_slope_mb_per_100k !== null && t.rss_min_slope_mb_per_100k < TARGET_RSS_SLOPE_MB_PER_100K),
        latency_p95: latency.p95_ms < TARGET_P95_MS && latency.searchable === latency.messages,
      },
      memory: {
        note: `RSS (VmRSS) and V8 heap used of each process every ${o.rssEvery} committed messages (pipeline.memory_series); ` +
          `slopes are least-squares fits over the readings at or after ${o.warmup} committed (warm-up before); the target applies to ` +
          `rss_min_slope (each interval's lowest polled RSS, i.e. what stays after GC); max_rss_mb includes VmHWM`,
        trend: trends,
      },
      pipeline: p.run,
      fetch_ceiling: ceilings === undefined ? null : { first_pass: ceilings.fetchCold, second_pass: ceilings.fetchWarm },
      bulk_ceiling: ceilings === undefined ? null : {
        sample_messages: ceilings.sample, prebuild_parse_seconds: round(ceilings.parseSeconds, 1), cpu_first_variant: ceilings.cpuBulk,
      },
      latency,
      verification: { indexed_messages: counts.messages, expected: o.messages + latency.messages, dead_letters: counts.deadletters },
    };

    console.log(`\npipeline bench: ${o.messages} messages, avg header block ${built.avgHeaderBytes} B, load ${phases['pipeline']?.join(' ')} at pipeline start`);
    console.table({
      'fetch ceiling (headers-only FETCH)': { 'msg/s': fetch, ratio: '', target: '' },
      'bulk ceiling (BulkSink, prebuilt docs)': { 'msg/s': bulk, ratio: '', target: '' },
      'combined ceiling 1/(1/f+1/b)': { 'msg/s': round(combined), ratio: '', target: '' },
      'pipeline (collect + work processes)': { 'msg/s': pipe, ratio: '', target: '' },
      'pipeline / slower ceiling': { 'msg/s': '', ratio: result.ratios.pipeline_vs_slower_ceiling, target: '' },
      'pipeline / combined ceiling': { 'msg/s': '', ratio: result.ratios.pipeline_vs_combined_ceiling, target: `≥ ${TARGET_COMBINED}` },
    });
    console.table(Object.fromEntries(['collect', 'work'].map((r) => [r, {
      [`peak RSS MB at ${Math.min(RSS_CHECKPOINT, o.messages)}`]: peakOf(r, 'at_10k'),
      [`peak RSS MB at ${o.messages}`]: peakOf(r, 'at_end'),
      'CPU s': p.run.cpu.cpu_seconds[r === 'collect' ? 'collector' : 'worker'],
      target: `< ${TARGET_RSS_MB}`,
    }])));
    console.log(`latency append → searchable: p50 ${latency.p50_ms} ms, p95 ${latency.p95_ms} ms, max ${latency.max_ms} ms (${latency.searchable}/${latency.messages}; target p95 < ${TARGET_P95_MS} ms)`);
    console.log(`indexed ${counts.messages} of ${o.messages + latency.messages}, dead letters ${counts.deadletters}; load end ${loadEnd.join(' ')}`);

    const out = o.out ?? join(REPO_ROOT, 'bench', 'results', o.messages === 100_000 ? 'pipeline.json' : `pipeline-${o.messages}.json`);
    mkdirSync(dirname(out), { recursive: true });
    writeFileSync(out, `${JSON.stringify(result, null, 2)}\n`);
    log(`written ${out}`);
  } finally {
    for (const c of children) await stopChild(c, 5000);
    if (extra !== undefined) {
      await extra.queue.close().catch(() => undefined);
      extra.queueConnection.disconnect();
      extra.redis.disconnect();
    }
    if (!o.keep) {
      const problems = await cleanup(config, es, ids.mailbox, [ids.indexPrefix, ...bulkPrefixes]);
      log(problems.length === 0 ? 'cleaned up mailbox, indices, templates and Redis keys' : `cleanup problems: ${problems.join('; ')}`);
    }
    await es.close().catch(() => undefined);
  }
}

/** CPU groups of the shared services and this process. */
function serviceGroups(): CpuGroups {
  const esPid = (() => {
    try {
      return Number(readFileSync(ES_PID_FILE, 'utf8').trim());
    } catch {
      return 0;
    }
  })();
  return {
    bench: () => [process.pid],
    elasticsearch: () => (esPid > 0 ? [esPid] : []),
    redis: () => pidsByComm(['redis-server']).get('redis-server') ?? [],
    dovecot_imap: () => pidsByComm(['imap']).get('imap') ?? [],
  };
}

if (import.meta.url === `file://${process.argv[1]}`) {
  runPipelineBench(process.argv.slice(2)).then(() => process.exit(0), (err: unknown) => {
    console.error(err);
    process.exit(1);
  });
}
