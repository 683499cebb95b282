// Scaling bench: how the pipeline grows with processes, and what each process costs per message, for the sizing
// guide (docs/scaling.md). One corpus (default 20,000 messages, ~4.5 KB header blocks) written once into the local
// Dovecot, then in one run:
//  1. bulk ceiling: the messages parsed first (untimed), then BulkSink.indexBatch alone into a fresh index prefix,
//     at the pipeline's batch size (queue.batchMaxMessages: one job = one bulk request) with 2 and 8 requests in
//     flight, and at elasticsearch.bulkMaxDocs with 2; Elasticsearch's CPU per document in each; the primary
//     store bytes per document after the first (refreshed, then merged to one segment);
//  2. the pipeline with 1 `mailverdict collect` and 1, 2, 4 `mailverdict work` processes (separate children of
//     the CLI compiled from HEAD), each run on a fresh Redis prefix (the watermark starts at 0) and a fresh index
//     prefix; msg/s, CPU per message per process (/proc/<pid>/stat, start-up excluded), of Elasticsearch, Redis
//     and Dovecot, peak RSS, load average; the index's store bytes per document;
//  3. 2 collectors, each reading its own mailbox holding half the corpus, with 2 workers.
// This machine's cores are shared: msg/s is bounded by them and by whatever else runs; CPU ms per message is the
// figure that carries over to other machines.
// Writes bench/results/scaling.json (or --out), prints a table, removes its mailboxes, indices, templates, Redis keys.
//
// `tsx bench/scaling.ts [--messages 20000] [--workers 1,2,4] [--repeat 1] [--two-collectors-workers 2 (0 = skip)]
//   [--user bob] [--no-build] [--keep] [--out file]`   (`tsx bench/run.ts scaling` runs the defaults.)
import { mkdirSync, readFileSync, writeFileSync } from 'node:fs';
import { cpus, loadavg, totalmem } from 'node:os';
import { dirname, join } from 'node:path';
import { parseArgs } from 'node:util';
import { Client } from '@elastic/elasticsearch';
import { parseConfig } from '../src/config/load-config.js';
import type { Config } from '../src/config/schema.js';
import { parseMessage } from '../src/parse/parse-message.js';
import { createRedis } from '../src/queue/connection.js';
import { ensureIndexTemplates } from '../src/sink/index-setup.js';
import { serviceSettings } from '../test/support/services.js';
import { REPO_ROOT } from './corpus.js';
import { buildCli } from './pipeline/children.js';
import { cpuSnapshot, cpuUsage, pidsByComm, type CpuGroups } from './pipeline/cpu.js';
import { buildBenchMessages } from './pipeline/messages.js';
import { deleteMailboxes, fillMailbox, type FilledMailbox } from './scaling/mailbox.js';
import { deleteKeys } from './scaling/redis-keys.js';
import { bulkCeiling, deleteIndices, type BulkCeiling, forceMerge, nodeIndexedTotal, storeSize } from './scaling/search-store.js';
import { runTopology, type Topology, type TopologyRun } from './scaling/topology.js';
import { intOption } from './int-option.js';

const ES_PID_FILE = '/var/lib/mailverdict/services/elasticsearch/es.pid';

interface Options {
  messages: number;
  workers: number[];
  repeat: number;
  twoCollectorsWorkers: number;
  user: string;
  build: boolean;
  keep: boolean;
  out: string | undefined;
}

function parseOptions(argv: readonly string[]): Options {
  const { values } = parseArgs({
    args: [...argv],
    strict: true,
    options: {
      messages: { type: 'string' }, workers: { type: 'string' }, repeat: { type: 'string' },
      'two-collectors-workers': { type: 'string' }, user: { type: 'string' }, 'no-build': { type: 'boolean' },
      keep: { type: 'boolean' }, out: { type: 'string' },
    },
  });
  const int = intOption;
  const workers = (values.workers ?? '1,2,4').split(',').map((w) => int(w.trim(), 'workers', 1));
  return {
    messages: int(values.messages, 'messages', 20_000, 2),
    workers,
    repeat: int(values.repeat, 'repeat', 1),
    twoCollectorsWorkers: int(values['two-collectors-workers'], 'two-collectors-workers', 2, 0),
    user: values.user ?? 'bob',
    build: values['no-build'] !== true,
    keep: values.keep === true,
    out: values.out,
  };
}

const round = (x: number, d = 0): number => Math.round(x * 10 ** d) / 10 ** d;
const sleep = (ms: number): Promise<void> => new Promise((r) => setTimeout(r, ms));
const log = (s: string): void => console.log(`[scaling bench ${new Date().toISOString().slice(11, 19)}] ${s}`);

/** The bench's configuration: defaults everywhere except names, with `prefix` for Redis keys and indices. */
function benchConfig(user: string, prefix: string, queue: string): Config {
  const s = serviceSettings();
  const password = s.imapUsers.find((u) => u.user === user)?.pass;
  if (password === undefined) throw new Error(`IMAP user ${user} is not one of scripts/services env's users`);
  return parseConfig({
    redis: { url: s.redisUrl, keyPrefix: prefix },
    elasticsearch: { nodes: [s.esUrl], indexPrefix: prefix },
    queue: { name: queue },
    accounts: [{ id: 'bench', host: s.imapHost, port: s.imapPort, tls: 'none', user, password, mailboxes: ['INBOX'] }],
    log: { level: 'warn' },
  }, { env: {} });
}

function withPrefix(config: Config, prefix: string): Config {
  return {
    ...config,
    redis: { ...config.redis, keyPrefix: prefix },
    elasticsearch: { ...config.elasticsearch, indexPrefix: prefix },
  };
}

/** CPU groups of the shared services and this process. */
function serviceGroups(): CpuGroups {
  let esPid = 0;
  try {
    esPid = Number(readFileSync(ES_PID_FILE, 'utf8').trim());
  } catch { /* not found: Elasticsearch's CPU is left out */ }
  return {
    bench: () => [process.pid],
    elasticsearch: () => (esPid > 0 ? [esPid] : []),
    redis: () => pidsByComm(['redis-server']).get('redis-server') ?? [],
    dovecot_imap: () => pidsByComm(['imap']).get('imap') ?? [],
  };
}

export async function runScalingBench(argv: readonly string[] = []): Promise<void> {
  const o = parseOptions(argv);
  const tag = `mvscale-${Date.now().toString(36)}${Math.random().toString(36).slice(2, 6)}`;
  const config = benchConfig(o.user, tag, tag);
  const account = config.accounts[0] as Config['accounts'][number];
  const dir = join(REPO_ROOT, 'bench', 'tmp', tag);
  mkdirSync(dir, { recursive: true });
  const es = new Client({ node: serviceSettings().esUrl, requestTimeout: 300_000 });
  const redis = createRedis(config.redis, 'command');
  const usedPrefixes: string[] = [];
  const mailboxNames: string[] = [];
  const loadStart = loadavg().map((x) => round(x, 2));
  log(`N=${o.messages}, workers ${o.workers.join(',')} × ${o.repeat}, prefix ${tag}; load ${loadStart.join(' ')}`);

  try {
    const cli = o.build ? buildCli(REPO_ROOT) : { bin: join(REPO_ROOT, 'bin', 'mailverdict.js'), commit: 'working tree dist/', seconds: 0 };
    if (o.build) log(`built the CLI of ${cli.commit.slice(0, 10)} in ${round(cli.seconds, 1)} s`);
    const built = buildBenchMessages(o.messages);
    log(`generated ${o.messages} messages (avg header block ${built.avgHeaderBytes} B)`);

    // One mailbox with the whole corpus; two more with a half each for the two-collector run.
    const whole = await fillMailbox(account, `${tag}-all`, built.messages);
    mailboxNames.push(whole.name);
    const halves: FilledMailbox[] = [];
    if (o.twoCollectorsWorkers > 0) {
      const mid = Math.floor(o.messages / 2);
      for (const [i, part] of [built.messages.slice(0, mid), built.messages.slice(mid)].entries()) {
        const m = await fillMailbox(account, `${tag}-half${i + 1}`, part);
        mailboxNames.push(m.name);
        halves.push(m);
      }
    }
    log(`mailboxes written and indexed by Dovecot (${round(whole.writeSeconds + whole.dovecotIndexSeconds, 1)} s for the whole corpus)`);

    // ---- bulk ceilings (documents parsed beforehand, untimed)
    const docs = built.messages.map((m, i) => parseMessage(m.raw, {
      origin: { kind: 'imap', account: account.id, mailbox: whole.name, uidvalidity: whole.uidvalidity, uid: i + 1 },
      internalDate: m.internalDate,
    }));
    const jobSize = config.queue.batchMaxMessages;
    const shapes = [
      { batch: jobSize, lanes: 2 },
      { batch: jobSize, lanes: 8 },
      { batch: config.elasticsearch.bulkMaxDocs, lanes: 2 },
    ];
    const bulk: (BulkCeiling & { cpu_ms_per_document: Record<string, number>; machine_busy: number; node_indexed_documents: number; elasticsearch_cpu_ms_per_node_indexed_document: number })[] = [];
    let store: { refreshed: unknown; merged: unknown } | undefined;
    for (const [i, shape] of shapes.entries()) {
      const prefix = `${tag}-b${i}`;
      usedPrefixes.push(prefix);
      const settings = { ...config.elasticsearch, indexPrefix: prefix };
      await ensureIndexTemplates(es, settings);
      const indexedBefore = await nodeIndexedTotal(es);
      const before = cpuSnapshot(serviceGroups());
      const ceiling = await bulkCeiling(es, settings, docs, shape.batch, shape.lanes);
      const cpu = cpuUsage(before, cpuSnapshot(serviceGroups()), docs.length);
      const nodeIndexed = await nodeIndexedTotal(es) - indexedBefore;
      bulk.push({
        ...ceiling, cpu_ms_per_document: cpu.cpu_ms_per_message ?? {}, machine_busy: cpu.machine_busy, node_indexed_documents: nodeIndexed,
        elasticsearch_cpu_ms_per_node_indexed_document: round(((cpu.cpu_seconds['elasticsearch'] ?? Number.NaN) * 1000) / Math.max(1, nodeIndexed), 3),
      });
      log(`bulk ceiling ${shape.batch} docs × ${shape.lanes} in flight: ${ceiling.messages_per_second} docs/s, Elasticsearch ${cpu.cpu_ms_per_message?.['elasticsearch']} CPU ms/doc`);
      if (i === 0) {
        const refreshed = await storeSize(es, prefix);
        await forceMerge(es, prefix);
        store = { refreshed, merged: await storeSize(es, prefix) };
        log(`store: ${refreshed.bytes_per_document} B/doc refreshed, ${(store.merged as { bytes_per_document: number }).bytes_per_document} B/doc merged to one segment`);
      }
      await deleteIndices(es, prefix, true);
    }
    docs.length = 0;
    await sleep(2000);

    // ---- pipeline topologies
    const shapesToRun: { label: string; topology: Topology }[] = [];
    for (let r = 0; r < o.repeat; r++) {
      for (const w of o.workers) shapesToRun.push({ label: `1 collector, ${w} worker(s)`, topology: { collectors: [[whole]], workers: w } });
    }
    if (o.twoCollectorsWorkers > 0) {
      shapesToRun.push({ label: `2 collectors (a mailbox each), ${o.twoCollectorsWorkers} worker(s)`, topology: { collectors: halves.map((h) => [h]), workers: o.twoCollectorsWorkers } });
    }
    const runs: (TopologyRun & { label: string; node_indexed_documents: number; index_store: unknown })[] = [];
    // Written after every run, so that a run that fails late (a child dying, the shared services hiccuping) leaves
    // the runs before it on disk, marked incomplete.
    const writeResults = (complete: boolean): void => {
      const median = (xs: number[]): number => {
        const s = [...xs].sort((a, b) => a - b);
        return s.length === 0 ? Number.NaN : (s[Math.floor((s.length - 1) / 2)] as number);
      };
      const oneCollector = runs.filter((r) => r.collectors === 1);
      const per = (pick: (r: TopologyRun) => number | undefined): number => round(median(oneCollector.map((r) => pick(r) ?? Number.NaN)), 3);
      const costs = {
        collect: per((r) => r.cpu_ms_per_message.collect),
        work: per((r) => r.cpu_ms_per_message.work),
        elasticsearch: per((r) => r.services.cpu_ms_per_message?.['elasticsearch']),
        // The node is shared: its CPU over every document it indexed in the window, ours and others'.
        elasticsearch_per_node_indexed_document: round(median(oneCollector.map((r) => ((r.services.cpu_seconds['elasticsearch'] ?? Number.NaN) * 1000) / r.node_indexed_documents)), 3),
        redis: per((r) => r.services.cpu_ms_per_message?.['redis']),
        dovecot_imap: per((r) => r.services.cpu_ms_per_message?.['dovecot_imap']),
      };
      const result = {
        date: new Date().toISOString(),
        complete,
        node: process.version,
        machine: {
          cpus: cpus().length,
          cpu_model: cpus()[0]?.model ?? 'unknown',
          memory_gb: round(totalmem() / 2 ** 30, 1),
          note: 'cores shared with other work while measuring (see load averages and machine_busy); msg/s is bounded by these cores and that load, CPU ms per message is the figure that carries over (itself inflated under heavy oversubscription)',
        },
        load_average_1_5_15: { start: loadStart, end: loadavg().map((x) => round(x, 2)) },
        messages: o.messages,
        header_block_avg_bytes: built.avgHeaderBytes,
        message_avg_bytes: built.avgMessageBytes,
        corpus: built.built,
        configuration: {
          'accounts[0].batchSize': account.batchSize,
          'queue.batchMaxMessages': config.queue.batchMaxMessages,
          'queue.batchMaxBytes': config.queue.batchMaxBytes,
          'queue.maxWaitingJobs': config.queue.maxWaitingJobs,
          'worker.concurrency': config.worker.concurrency,
          'elasticsearch.bulkMaxDocs': config.elasticsearch.bulkMaxDocs,
          processes: '`node bin/mailverdict.js collect|work -c …` (CLI compiled from the commit below), log level warn; each collector reads its own mailboxes',
          commit: cli.commit,
          services: 'Dovecot (local, plain IMAP), Redis (local), Elasticsearch single node (local), all on the same cores',
        },
        bulk_ceiling: {
          method: 'BulkSink.indexBatch on prebuilt documents into a fresh index prefix; batch_docs per request, in_flight requests at a time; node_indexed_documents = the node\'s indexing.index_total growth over the same window (more than the corpus = someone else indexed too, and the Elasticsearch CPU is not ours alone)',
          variants: bulk,
        },
        store_bytes_per_document: {
          method: 'primary store size of the monthly indices (_cat/indices pri.store.size) / top-level document count (_count), 1 shard, 0 replicas, after the first bulk-ceiling variant: refreshed, then force-merged to one segment',
          ...(store ?? {}),
        },
        runs,
        per_message_cpu_ms_median: {
          note: 'median over the 1-collector runs of the working CPU (start-up excluded) per message; Elasticsearch, Redis and Dovecot (all its imap processes) over the whole run: they are shared services, so these include any other client\'s work in the window (compare node_indexed_documents with messages)',
          ...costs,
        },
        messages_per_second_per_core: Object.fromEntries(Object.entries(costs).map(([k, v]) => [k, round(1000 / v)])),
      };
      if (complete) {
        console.log(`\nscaling bench: ${o.messages} messages, ${cpus().length} cores (shared), load ${loadStart.join(' ')} at start`);
        console.table(Object.fromEntries(runs.map((r) => [r.label, {
          'msg/s': r.messages_per_second,
          steady: r.steady_messages_per_second,
          'collect ms/msg': r.cpu_ms_per_message.collect,
          'work ms/msg': r.cpu_ms_per_message.work,
          'ES ms/msg': r.services.cpu_ms_per_message?.['elasticsearch'],
          busy: r.services.machine_busy,
          'max waiting': r.queue_waiting.max,
        }])));
        console.table(Object.fromEntries(bulk.map((b) => [`bulk ${b.batch_docs} × ${b.in_flight}`, { 'docs/s': b.messages_per_second, 'ES ms/doc': b.cpu_ms_per_document['elasticsearch'] }])));
      }
      const out = o.out ?? join(REPO_ROOT, 'bench', 'results', 'scaling.json');
      mkdirSync(dirname(out), { recursive: true });
      writeFileSync(out, `${JSON.stringify(result, null, 2)}\n`);
      log(`written ${out}`);
    };
    for (const [i, s] of shapesToRun.entries()) {
      const prefix = `${tag}-r${i}`;
      usedPrefixes.push(prefix);
      const runConfig = withPrefix(config, prefix);
      await ensureIndexTemplates(es, runConfig.elasticsearch);
      log(`run ${i + 1}/${shapesToRun.length}: ${s.label}`);
      const indexedBefore = await nodeIndexedTotal(es);
      const run = await runTopology(cli.bin, runConfig, dir, s.topology, serviceGroups(), log);
      const nodeIndexed = await nodeIndexedTotal(es) - indexedBefore;
      const indexStore = await storeSize(es, prefix);
      if (indexStore.documents !== run.messages) throw new Error(`${s.label}: ${indexStore.documents} documents indexed, expected ${run.messages}`);
      runs.push({ label: s.label, ...run, node_indexed_documents: nodeIndexed, index_store: indexStore });
      log(`  ${run.messages_per_second} msg/s (steady ${run.steady_messages_per_second}); CPU ms/msg collect ${run.cpu_ms_per_message.collect}, work ${run.cpu_ms_per_message.work}, ES ${run.services.cpu_ms_per_message?.['elasticsearch']}; busy ${run.services.machine_busy}; load ${run.load_average_1_5_15.end.join(' ')}`);
      await deleteIndices(es, prefix, true);
      await deleteKeys(redis, prefix);
      writeResults(false);
      await sleep(2000); // the deleted index's files and the children's exits settle before the next run
    }

    writeResults(true);
  } finally {
    if (!o.keep) {
      const problems = await deleteMailboxes(account, mailboxNames);
      for (const prefix of usedPrefixes) {
        await deleteIndices(es, prefix, true).catch((err: unknown) => problems.push(`indices ${prefix}: ${String(err)}`));
        await deleteKeys(redis, prefix).catch((err: unknown) => problems.push(`redis ${prefix}: ${String(err)}`));
      }
      log(problems.length === 0 ? 'cleaned up mailboxes, indices, templates and Redis keys' : `cleanup problems: ${problems.join('; ')}`);
    }
    redis.disconnect();
    await es.close().catch(() => undefined);
  }
}

if (import.meta.url === `file://${process.argv[1]}`) {
  runScalingBench(process.argv.slice(2)).then(() => process.exit(0), (err: unknown) => {
    console.error(err);
    process.exit(1);
  });
}
