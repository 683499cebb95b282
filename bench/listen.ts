// Log bench (the "Logs" target of the design: `listen` → search store at least 80% of the bulk ceiling for the
// same log documents). N syslog lines (default 200,000; KSMG CEF, Cisco mail_logs and rspamd result lines, every
// one a per-message event), then in one run:
//  1. bulk ceiling: the same lines parsed first (untimed) into the documents the worker builds, then
//     BulkSink.indexBatch alone into a fresh index prefix, at the worker's batch size (`listen.batchMaxLines`
//     lines make one job, indexed as one batch) with `worker.concurrency` batches in flight;
//  2. the pipeline: `node bin/mailverdict.js listen` and `... work` as separate child processes (the CLI built
//     from HEAD, bench/pipeline/children.ts), the lines sent over one TCP connection with octet counting, timed
//     from the first byte sent until all N documents are searchable; VmRSS of both processes sampled every
//     500 ms through the run (bounded and flat: the buffer and the queue are bounded); CPU per process.
// ratio = pipeline lines/s ÷ ceiling docs/s. The machine is shared: loadavg is recorded at start and per phase.
// Writes bench/results/listen.json (N = 200,000) or listen-<N>.json, prints a summary, and removes the indices,
// templates, queue and Redis keys it created.
//
// `tsx bench/listen.ts [--lines N] [--port 5521] [--no-build] [--keep] [--out file]`
// (`npm run bench` / `tsx bench/run.ts listen` run it with the defaults.)
import { mkdirSync, readFileSync, writeFileSync } from 'node:fs';
import { connect as netConnect } from 'node:net';
import { cpus, loadavg } from 'node:os';
import { join } from 'node:path';
import { parseArgs } from 'node:util';
import { Client } from '@elastic/elasticsearch';
import { Queue } from 'bullmq';
import { stringify } from 'yaml';
import { parseConfig } from '../src/config/load-config.js';
import type { Config } from '../src/config/schema.js';
import { parseLogInput } from '../src/parse/parse-log.js';
import { createRedis } from '../src/queue/connection.js';
import { bulkCeiling } from './pipeline/bulk-ceiling.js';
import { ensureIndexTemplates } from '../src/sink/index-setup.js';
import { serviceSettings } from '../test/support/services.js';
import { REPO_ROOT } from './corpus.js';
import { buildCli, freePort, startRole, stopChild, type Child } from './pipeline/children.js';
import { cpuSnapshot, cpuUsage, pidsByComm, type CpuGroups } from './pipeline/cpu.js';
import { readMemory, round1 } from './pipeline/proc-memory.js';
import { intOption } from './int-option.js';

const TARGET_RATIO = 0.8;
const DEFAULT_LINES = 200_000;
const ES_PID_FILE = '/var/lib/mailverdict/services/elasticsearch/es.pid';

const round = (x: number, d = 0): number => Math.round(x * 10 ** d) / 10 ** d;
const sleep = (ms: number): Promise<void> => new Promise((r) => setTimeout(r, ms));
const log = (s: string): void => console.log(`[listen bench ${new Date().toISOString().slice(11, 19)}] ${s}`);
const load = (): number[] => loadavg().map((x) => round(x, 2));

interface Options { lines: number; port: number; build: boolean; keep: boolean; out: string | undefined }

function parseOptions(argv: readonly string[]): Options {
  const { values } = parseArgs({
    args: [...argv], strict: true,
    options: { lines: { type: 'string' }, port: { type: 'string' }, 'no-build': { type: 'boolean' }, keep: { type: 'boolean' }, out: { type: 'string' } },
  });
  const int = intOption;
  return { lines: int(values.lines, 'lines', DEFAULT_LINES), port: int(values.port, 'port', 5521), build: values['no-build'] !== true, keep: values.keep === true, out: values.out };
}

// ------------------------------------------------------------------------------------------------ lines

const CEF = 'CEF:0|AO Kaspersky Lab|Kaspersky Secure Mail Gateway|2.1.0.1234';
const MONTHS = ['Jan', 'Feb', 'Mar', 'Apr', 'May', 'Jun', 'Jul', 'Aug', 'Sep', 'Oct', 'Nov', 'Dec'];

function bsd(ms: number): string {
  const d = new Date(ms);
  const p = (n: number): string => String(n).padStart(2, '0');
  return `${MONTHS[d.getUTCMonth()]} ${String(d.getUTCDate()).padStart(2, ' ')} ${p(d.getUTCHours())}:${p(d.getUTCMinutes())}:${p(d.getUTCSeconds())}`;
}

/**
 * Line i of the corpus: half KSMG ScanLogic events (anti-spam and anti-virus of one message), a quarter Cisco
 * mail_logs steps, a quarter rspamd result lines; each names its own message, so every line is its own event.
 */
export function benchLine(i: number, start: number): string {
  const at = start + Math.floor(i / 20) * 1000;
  const node = `gw${i % 4}.example.com`;
  const id = `<b${i}.${(i * 2654435761 % 2 ** 32).toString(36)}@sender${i % 97}.example>`;
  switch (i % 4) {
    case 0:
    case 1: {
      const cls = i % 4 === 0 ? 'LMS_EV_SCAN_LOGIC_AS_STATUS|Anti-Spam status|5' : 'LMS_EV_SCAN_LOGIC_AV_STATUS|Anti-Virus status|3';
      const outcome = i % 4 === 0 ? ['NotDetected', 'Spam', 'ProbableSpam', 'MASSMAIL', 'Error'][i % 5] : 'NotDetected';
      return `<134>${bsd(at)} ${node} KSMG: ${CEF}|${cls}|cs1Label=MessageId cs1=${id} rt=${at} src=203.0.113.${i % 250} suser=news@sender${i % 97}.example duser=user${i % 50}@example.com cs2Label=Rules cs2=${i % 7} act=Skipped outcome=${outcome} KSMGMessageSubject=Report ${i}`;
    }
    case 2:
      return `<22>${bsd(at)} esa${i % 2}.example.com mail_logs: Info: MID ${1_000_000 + i} using engine: CASE spam ${i % 3 === 0 ? 'positive' : 'negative'}`;
    default:
      return `${bsd(at)} filter${i % 2}.example.com rspamd[4012]: <${(0x100000 + i).toString(16)}>; task; rspamd_task_write_log: id: ${id}, qid: <Q${i}>, ip: 198.51.100.${i % 250}, from: <a@sender${i % 97}.example>, (default: F (no action): [-0.10/15.00] [MIME_GOOD(-0.10){text/plain;},R_SPF_ALLOW(-0.20){+ip4:198.51.100.0/24;}]), len: ${1000 + i % 5000}, time: 80.0ms, rcpts: <user${i % 50}@example.com>`;
  }
}

// ------------------------------------------------------------------------------------------------ phases

function benchConfig(ids: { keyPrefix: string; queue: string; indexPrefix: string }, port: number): Config {
  const s = serviceSettings();
  return parseConfig({
    redis: { url: s.redisUrl, keyPrefix: ids.keyPrefix },
    elasticsearch: { nodes: [s.esUrl], indexPrefix: ids.indexPrefix, retentionMonths: 1200 },
    queue: { name: ids.queue },
    listen: { host: '127.0.0.1', tcpPort: port },
    log: { level: 'warn' },
  }, { env: {} });
}

async function waitForPort(port: number, child: Child, timeoutMs = 60_000): Promise<void> {
  const deadline = Date.now() + timeoutMs;
  for (;;) {
    if (child.process.exitCode !== null) throw new Error(`mailverdict listen exited early (code ${child.process.exitCode})`);
    const ok = await new Promise<boolean>((resolve) => {
      const s = netConnect(port, '127.0.0.1');
      s.once('connect', () => { s.destroy(); resolve(true); }).once('error', () => resolve(false));
    });
    if (ok) return;
    if (Date.now() > deadline) throw new Error(`listen did not open port ${port}`);
    await sleep(200);
  }
}

/** One TCP connection, octet counting (RFC 6587); waits for `drain`, so listen's backpressure paces it. */
async function sendAll(port: number, lines: readonly string[]): Promise<number> {
  const socket = netConnect(port, '127.0.0.1');
  await new Promise<void>((resolve, reject) => socket.once('connect', resolve).once('error', reject));
  const t0 = performance.now();
  let chunk = '';
  for (const line of lines) {
    chunk += `${Buffer.byteLength(line)} ${line}`;
    if (chunk.length < 64 * 1024) continue;
    if (!socket.write(chunk)) await new Promise((resolve) => socket.once('drain', resolve));
    chunk = '';
  }
  if (chunk !== '') socket.write(chunk);
  await new Promise<void>((resolve) => socket.end(resolve));
  return (performance.now() - t0) / 1000;
}

async function countDocs(es: Client, prefix: string): Promise<number> {
  await es.indices.refresh({ index: `${prefix}-2*`, allow_no_indices: true, ignore_unavailable: true });
  return (await es.count({ index: `${prefix}-2*`, allow_no_indices: true, ignore_unavailable: true })).count;
}

/** Elasticsearch, Redis and this process: in both phases. */
function sharedCpuGroups(): CpuGroups {
  const esPid = Number(readFileSync(ES_PID_FILE, 'utf8').trim());
  return {
    elasticsearch: () => (Number.isInteger(esPid) ? [esPid] : []),
    redis: () => pidsByComm(['redis-server']).get('redis-server') ?? [],
    bench: () => [process.pid],
  };
}

/**
 * Where the ratio comes from when both phases keep the cores busy: the ceiling spends `ceiling` CPU ms per
 * document (Elasticsearch plus the bench's own serialisation), the pipeline `pipeline` CPU ms per line
 * (Elasticsearch plus listen, work, Redis). On shared cores the ratio cannot exceed ceiling ÷ pipeline; the
 * margin says how much CPU per line parse, queue and listen may use in all for the target ratio.
 */
function cpuBudget(ceilingMs: Record<string, number>, pipelineMs: Record<string, number>) {
  const sum = (m: Record<string, number>): number => Object.values(m).reduce((a, b) => a + b, 0);
  const ceiling = sum(ceilingMs);
  const pipeline = sum(pipelineMs);
  const shared = (pipelineMs['elasticsearch'] ?? 0) + (pipelineMs['bench'] ?? 0);
  return {
    ceiling_cpu_ms_per_doc: round(ceiling, 4),
    pipeline_cpu_ms_per_line: round(pipeline, 4),
    cpu_bound_ratio: round(ceiling / pipeline, 3),
    pipeline_cpu_ms_beyond_elasticsearch: round(pipeline - shared, 4),
    allowed_beyond_elasticsearch_for_target: round(ceiling / TARGET_RATIO - shared, 4),
  };
}

interface RssSample { t_s: number; indexed: number; listen_mb: number; work_mb: number }

async function runPipeline(bin: string, config: Config, dir: string, es: Client, lines: readonly string[], port: number) {
  const httpPorts = { listen: await freePort(), work: await freePort() };
  const files = { listen: join(dir, 'listen.yaml'), work: join(dir, 'work.yaml') };
  for (const role of ['listen', 'work'] as const) {
    const { alerts: _alerts, ...rest } = config;
    writeFileSync(files[role], stringify({ ...rest, http: { host: '127.0.0.1', port: httpPorts[role] } }));
  }
  const worker = startRole(bin, 'work', files.work, join(dir, 'work.log'));
  const listen = startRole(bin, 'listen', files.listen, join(dir, 'listen.log'));
  const children = [listen, worker];
  try {
    await waitForPort(port, listen);
    const groups: CpuGroups = { listen: () => [listen.pid], work: () => [worker.pid], ...sharedCpuGroups() };
    const before = cpuSnapshot(groups);
    const t0 = performance.now();
    const sent = sendAll(port, lines);
    const samples: RssSample[] = [];
    const peak = { listen: 0, work: 0 };
    let indexed = 0;
    let sendSeconds: number | undefined;
    void sent.then((s) => { sendSeconds = s; });
    const deadline = Date.now() + Math.max(10 * 60_000, lines.length * 10);
    let lastLog = 0;
    for (;;) {
      for (const c of children) if (c.process.exitCode !== null) throw new Error(`mailverdict ${c.role} exited early; see ${join(dir, `${c.role}.log`)}`);
      const l = readMemory(listen.pid);
      const w = readMemory(worker.pid);
      peak.listen = Math.max(peak.listen, l?.peakMb ?? 0);
      peak.work = Math.max(peak.work, w?.peakMb ?? 0);
      indexed = await countDocs(es, config.elasticsearch.indexPrefix);
      const now = performance.now();
      samples.push({ t_s: round((now - t0) / 1000, 1), indexed, listen_mb: l?.rssMb ?? 0, work_mb: w?.rssMb ?? 0 });
      if (now - lastLog > 10_000) {
        lastLog = now;
        log(`pipeline: ${indexed}/${lines.length} indexed after ${round((now - t0) / 1000, 1)} s (listen ${l?.rssMb} MB, work ${w?.rssMb} MB)`);
      }
      if (indexed >= lines.length) break;
      if (Date.now() > deadline) throw new Error(`pipeline did not finish: ${indexed}/${lines.length} indexed`);
      await sleep(500);
    }
    const seconds = (performance.now() - t0) / 1000;
    await sent;
    const after = cpuSnapshot(groups);
    const stop: Record<string, number | null> = {};
    for (const c of children) stop[c.role] = await stopChild(c);
    return { seconds, sendSeconds: sendSeconds ?? seconds, samples, peak, cpu: cpuUsage(before, after, lines.length), exitCodes: stop };
  } finally {
    for (const c of children) await stopChild(c, 5000).catch(() => undefined);
  }
}

/** RSS at each quarter of the run (by lines indexed) and its spread after the first quarter: "flat" means small. */
function rssProfile(samples: readonly RssSample[], total: number, key: 'listen_mb' | 'work_mb') {
  const at = (share: number): number => samples.find((s) => s.indexed >= share * total)?.[key] ?? 0;
  const later = samples.filter((s) => s.indexed >= 0.25 * total).map((s) => s[key]);
  return {
    at_25pct: at(0.25), at_50pct: at(0.5), at_75pct: at(0.75), at_100pct: at(1),
    max_sampled: round1(Math.max(...samples.map((s) => s[key]))),
    spread_after_25pct: round1(later.length === 0 ? 0 : Math.max(...later) - Math.min(...later)),
  };
}

async function cleanup(es: Client, config: Config, prefixes: readonly string[]): Promise<void> {
  for (const p of prefixes) {
    await es.indices.delete({ index: `${p}-*`, ignore_unavailable: true, allow_no_indices: true }).catch(() => undefined);
    const templates = await es.indices.getIndexTemplate({ name: `${p}-*` }).then((r) => r.index_templates, () => []);
    for (const t of templates) await es.indices.deleteIndexTemplate({ name: t.name }).catch(() => undefined);
  }
  const redis = createRedis(config.redis, 'command');
  const queue = new Queue(config.queue.name, { connection: redis, prefix: config.redis.keyPrefix });
  queue.on('error', () => undefined);
  await queue.obliterate({ force: true }).catch(() => undefined);
  await queue.close();
  const keys = await redis.keys(`${config.redis.keyPrefix}:*`);
  if (keys.length > 0) await redis.del(...keys);
  redis.disconnect();
}

export async function runListenBench(argv: readonly string[] = []): Promise<void> {
  const o = parseOptions(argv);
  const stamp = Date.now().toString(36);
  const ids = { keyPrefix: `bench-listen-${stamp}`, queue: `bench-listen-${stamp}`, indexPrefix: `bench-listen-${stamp}` };
  const ceilingPrefix = `${ids.indexPrefix}-ceiling`;
  const config = benchConfig(ids, o.port);
  const dir = join(REPO_ROOT, 'bench', 'tmp', `listen-${stamp}`);
  mkdirSync(dir, { recursive: true });
  const es = new Client({ node: serviceSettings().esUrl });
  const phases: Record<string, number[]> = { start: load() };
  try {
    const cli = o.build ? buildCli(REPO_ROOT) : { bin: join(REPO_ROOT, 'bin', 'mailverdict.js'), commit: 'working tree dist/', seconds: 0 };
    log(`CLI of ${cli.commit.slice(0, 10)} built in ${round(cli.seconds, 1)} s`);
    // Log lines of the last days, so every document lands inside the retention window.
    const start = Date.now() - 3 * 86_400_000;
    const lines = Array.from({ length: o.lines }, (_, i) => benchLine(i, start));
    const bytes = lines.reduce((n, l) => n + Buffer.byteLength(l), 0);
    const now = new Date();
    const docs = lines.map((raw) => {
      const r = parseLogInput({ raw, now });
      if (r.type !== 'event') throw new Error(`bench line is not an event: ${raw.slice(0, 120)}`);
      return r.parsed;
    });
    if (new Set(docs.map((d) => d.id)).size !== docs.length) throw new Error('bench lines must give distinct document ids');
    log(`${o.lines} lines (${round(bytes / o.lines)} bytes each on average) parsed into documents`);

    phases['bulk'] = load();
    // The worker hands its log documents to the same sink (workers/process-log-batch.ts).
    const ceilingCpuBefore = cpuSnapshot(sharedCpuGroups());
    const bulk = await bulkCeiling(es, { ...config.elasticsearch, indexPrefix: ceilingPrefix }, docs, config.listen.batchMaxLines, config.worker.concurrency);
    const ceilingCpu = cpuUsage(ceilingCpuBefore, cpuSnapshot(sharedCpuGroups()), o.lines);
    const ceiling = { batch_docs: bulk.batch_docs, in_flight: bulk.in_flight, seconds: bulk.seconds, docs_per_second: bulk.messages_per_second, cpu: ceilingCpu };
    log(`bulk ceiling: ${ceiling.docs_per_second} docs/s (${ceiling.batch_docs} per batch, ${ceiling.in_flight} in flight)`);

    phases['pipeline'] = load();
    await ensureIndexTemplates(es, config.elasticsearch);
    const run = await runPipeline(cli.bin, config, dir, es, lines, o.port);
    const linesPerSecond = round(o.lines / run.seconds);
    const ratio = round(linesPerSecond / ceiling.docs_per_second, 3);
    log(`listen → work → Elasticsearch: ${linesPerSecond} lines/s; ratio to the ceiling ${ratio} (target ≥ ${TARGET_RATIO})`);
    const loadEnd = load();

    const result = {
      bench: 'listen',
      date: new Date().toISOString(),
      commit: cli.commit,
      machine: { cpus: cpus().length, model: cpus()[0]?.model ?? '', loadavg_start: phases['start'], loadavg_end: loadEnd, loadavg_per_phase: phases,
        note: 'shared machine: other sessions\' tests and servers run on the same two cores during the bench' },
      corpus: { lines: o.lines, avg_line_bytes: round(bytes / o.lines), mix: 'KSMG CEF AS/AV status 50%, Cisco mail_logs CASE verdict 25%, rspamd result 25%; every line one event' },
      config: { batch_max_lines: config.listen.batchMaxLines, flush_ms: config.listen.flushMs, max_waiting_jobs: config.queue.maxWaitingJobs, worker_concurrency: config.worker.concurrency, bulk_max_docs: config.elasticsearch.bulkMaxDocs },
      bulk_ceiling: ceiling,
      pipeline: {
        method: 'node bin/mailverdict.js listen and work as child processes (CLI compiled from HEAD); lines sent over one TCP connection with octet counting; timed from the first byte sent until a _count (after refresh, polled every 500 ms) reaches N',
        seconds: round(run.seconds, 2),
        lines_per_second: linesPerSecond,
        send_seconds: round(run.sendSeconds, 2),
        rss_mb: { listen: rssProfile(run.samples, o.lines, 'listen_mb'), work: rssProfile(run.samples, o.lines, 'work_mb') },
        peak_rss_mb: run.peak,
        cpu: run.cpu,
        exit_codes: run.exitCodes,
      },
      ratio_to_ceiling: ratio,
      cpu_budget: cpuBudget(ceilingCpu.cpu_ms_per_message ?? {}, run.cpu.cpu_ms_per_message ?? {}),
      target_ratio: TARGET_RATIO,
      meets_target: ratio >= TARGET_RATIO,
      rss_samples: run.samples.filter((_, i) => i % 4 === 0),
    };
    const out = o.out ?? join(REPO_ROOT, 'bench', 'results', o.lines === DEFAULT_LINES ? 'listen.json' : `listen-${o.lines}.json`);
    writeFileSync(out, `${JSON.stringify(result, null, 2)}\n`);
    log(`wrote ${out}`);
    console.table({
      ceiling: { 'docs or lines/s': ceiling.docs_per_second },
      'listen → ES': { 'docs or lines/s': linesPerSecond },
    });
    console.log(`ratio ${ratio} (target ≥ ${TARGET_RATIO}); RSS listen max ${result.pipeline.rss_mb.listen.max_sampled} MB, work max ${result.pipeline.rss_mb.work.max_sampled} MB; loadavg ${phases['start']?.join(' ')} → ${loadEnd.join(' ')}`);
  } finally {
    if (!o.keep) await cleanup(es, config, [ids.indexPrefix, ceilingPrefix]);
    await es.close();
  }
}

if (import.meta.url === `file://${process.argv[1]}`) {
  runListenBench(process.argv.slice(2)).then(() => process.exit(0), (err: unknown) => {
    console.error(err);
    process.exit(1);
  });
}
