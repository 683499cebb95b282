// The sizing table of docs/scaling.md, computed from the committed results (bench/results/scaling.json and
// redis-memory.json) so that every figure in it can be traced and recomputed after a new bench run:
//   `tsx bench/scaling/sizing.ts [--costs scaling|pipeline] [--peak-factor 3] [--utilisation 0.5] [--backlog-hours 4]
//     [--replicas 1] [--cores-per-es-node 8] [--disk-per-es-node-tb 4]`
// prints Markdown. `--costs pipeline` takes the CPU per message from bench/results/pipeline.json instead (the
// end-to-end bench, measured on a quieter machine); store bytes and Redis memory always come from the files above. The model is stated in the output; the rules of thumb it uses (utilisation, shard size,
// retention) are parameters, not measurements.
import { readFileSync } from 'node:fs';
import { join } from 'node:path';
import { parseArgs } from 'node:util';
import { REPO_ROOT } from '../corpus.js';

interface ScalingResults {
  date: string;
  per_message_cpu_ms_median: { collect: number; work: number; elasticsearch: number; redis: number; dovecot_imap: number };
  store_bytes_per_document: { refreshed: { bytes_per_document: number }; merged: { bytes_per_document: number } };
  configuration: { 'queue.batchMaxMessages': number; 'queue.maxWaitingJobs': number };
  runs: { collectors: number; node_indexed_documents: number; services: { cpu_seconds: Record<string, number> } }[];
}

interface PipelineResults {
  date: string;
  pipeline: { cpu: { cpu_ms_per_message: Record<string, number> } };
}

interface RedisResults {
  message_batches: { key_memory_per_job: number; key_memory_per_item: number; items_per_job: number };
  log_batches: { key_memory_per_job: number; key_memory_per_item: number; items_per_job: number };
}

const DAILY = [1_000_000, 10_000_000, 100_000_000];
const GB = 1e9;
/** Primary shard size to aim at (Elastic's guidance: 10–50 GB). */
const SHARD_TARGET_GB = 40;
const RETENTION_DAYS = 13 * 30.4; // elasticsearch.retentionMonths default 13

function options(argv: readonly string[]) {
  const { values } = parseArgs({
    args: [...argv], strict: true,
    options: {
      'peak-factor': { type: 'string' }, utilisation: { type: 'string' }, 'backlog-hours': { type: 'string' },
      replicas: { type: 'string' }, 'cores-per-es-node': { type: 'string' }, 'disk-per-es-node-tb': { type: 'string' },
      costs: { type: 'string' },
    },
  });
  const num = (v: string | undefined, fallback: number): number => (v === undefined ? fallback : Number(v));
  return {
    peakFactor: num(values['peak-factor'], 3),
    utilisation: num(values.utilisation, 0.5),
    backlogHours: num(values['backlog-hours'], 4),
    replicas: num(values.replicas, 1),
    coresPerEsNode: num(values['cores-per-es-node'], 8),
    diskPerEsNodeTb: num(values['disk-per-es-node-tb'], 4),
    costs: values.costs === 'pipeline' ? 'pipeline' as const : 'scaling' as const,
  };
}

const fmt = (x: number, d = 0): string => x.toLocaleString('en-US', { maximumFractionDigits: d, minimumFractionDigits: d });

interface Costs {
  source: string;
  collect: number;
  work: number;
  elasticsearch: number;
  redis: number;
}

function median(xs: readonly number[]): number {
  const sorted = [...xs].sort((a, b) => a - b);
  return Math.round((sorted[Math.floor((sorted.length - 1) / 2)] ?? Number.NaN) * 1000) / 1000;
}

/** The scaling bench's medians; Elasticsearch's CPU over every document the shared node indexed in each run. */
function scalingCosts(s: ScalingResults): Costs {
  const c = s.per_message_cpu_ms_median;
  const es = median(s.runs.filter((run) => run.collectors === 1)
    .map((run) => ((run.services.cpu_seconds['elasticsearch'] ?? Number.NaN) * 1000) / run.node_indexed_documents));
  return {
    source: `from bench/results/scaling.json of ${s.date.slice(0, 10)} (\`per_message_cpu_ms_median\`; Elasticsearch: its CPU seconds over the documents the node indexed, \`runs[].services.cpu_seconds.elasticsearch / runs[].node_indexed_documents\`, median of the 1-collector runs)`,
    collect: c.collect, work: c.work, elasticsearch: es, redis: c.redis,
  };
}

/** The end-to-end bench's CPU per message (one collector, one worker, 100k messages). */
function pipelineCosts(): Costs {
  const p = JSON.parse(readFileSync(join(REPO_ROOT, 'bench', 'results', 'pipeline.json'), 'utf8')) as PipelineResults;
  const c = p.pipeline.cpu.cpu_ms_per_message;
  const pick = (k: string): number => c[k] ?? Number.NaN;
  return {
    source: `from bench/results/pipeline.json of ${p.date.slice(0, 10)} (\`pipeline.cpu.cpu_ms_per_message\`)`,
    collect: pick('collector'), work: pick('worker'), elasticsearch: pick('elasticsearch'), redis: pick('redis'),
  };
}

export function sizingMarkdown(argv: readonly string[] = []): string {
  const o = options(argv);
  const s = JSON.parse(readFileSync(join(REPO_ROOT, 'bench', 'results', 'scaling.json'), 'utf8')) as ScalingResults;
  const r = JSON.parse(readFileSync(join(REPO_ROOT, 'bench', 'results', 'redis-memory.json'), 'utf8')) as RedisResults;
  const c = o.costs === 'pipeline' ? pipelineCosts() : scalingCosts(s);
  const bytesPerDoc = Math.max(s.store_bytes_per_document.refreshed.bytes_per_document, s.store_bytes_per_document.merged.bytes_per_document);
  const perJob = r.message_batches.key_memory_per_job;
  const perMessage = r.message_batches.key_memory_per_item;
  const jobSize = s.configuration['queue.batchMaxMessages'];
  const rows: string[][] = [];
  for (const daily of DAILY) {
    const avg = daily / 86_400;
    const peak = avg * o.peakFactor;
    const cores = (ms: number): number => (peak * ms) / 1000;
    const collectorCores = cores(c.collect);
    const workerCores = cores(c.work);
    const esCores = cores(c.elasticsearch);
    // A Node.js process runs its JavaScript on one core: a process is planned at `utilisation` of one core.
    const collectors = Math.max(1, Math.ceil(collectorCores / o.utilisation));
    const workers = Math.max(2, Math.ceil(workerCores / o.utilisation));
    const appCores = (collectorCores + workerCores) / o.utilisation;
    const backlogMessages = avg * 3600 * o.backlogHours;
    const backlogGb = (backlogMessages * perMessage) / GB;
    const primaryPerDayGb = (daily * bytesPerDoc) / GB;
    const diskPerDayGb = primaryPerDayGb * (1 + o.replicas);
    const shards = Math.max(1, Math.ceil((primaryPerDayGb * 30.4) / SHARD_TARGET_GB));
    const esNodesCpu = Math.ceil(esCores / o.utilisation / o.coresPerEsNode);
    const esNodesDisk = Math.ceil((diskPerDayGb * RETENTION_DAYS) / 1000 / o.diskPerEsNodeTb);
    const esNodes = Math.max(esNodesCpu, esNodesDisk, 1 + o.replicas);
    const redisCore = cores(c.redis);
    rows.push([
      `${fmt(daily / 1e6)}M`,
      `${fmt(avg, 1)} / ${fmt(peak)}`,
      `${collectors}`,
      `${workers} (${fmt(workerCores, 2)} cores at peak)`,
      `${fmt(appCores, 2)}`,
      `${fmt(esCores, 2)} cores (${esNodesCpu} node by CPU)`,
      `${fmt(diskPerDayGb, 1)} GB/day, ${fmt((diskPerDayGb * RETENTION_DAYS) / 1000, 1)} TB over 13 months (${esNodesDisk} node(s) by disk)`,
      `${esNodes}`,
      `${shards}`,
      `${fmt(redisCore, 2)}`,
      `${fmt(backlogGb, 1)} GB (${fmt(Math.ceil(backlogMessages / jobSize))} jobs)`,
    ]);
  }
  const header = ['messages/day', 'msg/s average / peak', 'collectors', 'worker processes', 'mailverdict cores', 'Elasticsearch indexing at peak', `Elasticsearch disk (1 + ${o.replicas} replica)`, 'Elasticsearch data nodes', 'primary shards per monthly index', 'Redis core at peak', `Redis for a ${o.backlogHours} h backlog held in Redis`];
  const lines = [
    `| ${header.join(' | ')} |`,
    `|${header.map(() => '---').join('|')}|`,
    ...rows.map((row) => `| ${row.join(' | ')} |`),
    '',
    `Model (\`tsx bench/scaling/sizing.ts --costs ${o.costs} --peak-factor ${o.peakFactor} --utilisation ${o.utilisation} --backlog-hours ${o.backlogHours} --replicas ${o.replicas} --cores-per-es-node ${o.coresPerEsNode} --disk-per-es-node-tb ${o.diskPerEsNodeTb}\`):`,
    `peak = ${o.peakFactor} × the daily average rate; CPU per message ${c.source}: collector ${c.collect} ms, worker ${c.work} ms, Elasticsearch ${c.elasticsearch} ms, Redis ${c.redis} ms;`,
    `every process and node planned at ${o.utilisation * 100}% of its cores at peak; at least 2 worker processes`,
    `(one can die); Elasticsearch data nodes = the most of: by CPU (${o.coresPerEsNode} cores each), by disk (${o.diskPerEsNodeTb} TB each, 13 months kept), 1 + replicas; store ${fmt(bytesPerDoc)} B per document (the larger of \`store_bytes_per_document.refreshed\` and \`.merged\`), primary shards of ≤ ${SHARD_TARGET_GB} GB,`,
    `a month = 30.4 days; a backlog held in Redis costs ${fmt(perMessage)} B per message (\`message_batches.key_memory_per_item\`,`,
    `${fmt(perJob)} B per job of ${jobSize}) at the daily average rate.`,
  ];
  return lines.join('\n');
}

if (import.meta.url === `file://${process.argv[1]}`) console.log(sizingMarkdown(process.argv.slice(2)));
