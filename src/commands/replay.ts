// `mailverdict replay <paths...>`: backfill from .eml files, directories of them, mbox files and Maildirs,
// through the queue (default, the running workers index them) or --direct into Elasticsearch. The _id is
// the header-block hash, so a message already indexed from a mailbox (or by an earlier replay) is not
// indexed again.
import { parseArgs } from 'node:util';
import type { LogBatchJob } from '../queue/log-batch.js';
import { loadConfig } from '../config/load-config.js';
import type { Config } from '../config/schema.js';
import { DEFAULT_MAX_MESSAGE_BYTES, STDIN_ARG, type FileReadError } from '../files/read-messages.js';
import { readReplayOutcomes, type ReplayOutcomes } from '../mailbox-state/outcome-tally.js';
import { createRedis } from '../queue/connection.js';
import { openMessageQueue } from '../queue/message-queue.js';
import { messageQueueName, stateKeyPrefix } from '../queue/queue-names.js';
import { checkRedisReachable, describeRedisError } from '../queue/redis-reachable.js';
import { stderrConnectionErrors } from './stderr-connection-errors.js';
import { DirectTarget } from '../replay/direct-target.js';
import { Progress } from '../replay/progress.js';
import { QueueTarget } from '../replay/queue-target.js';
import { replayPaths, totalBytes } from '../replay/replay-files.js';
import { ReplayStopped, sleepUnlessStopped, stoppedExitCode } from '../replay/replay-stopped.js';
import { replayLogFiles } from '../replay/replay-log-files.js';
import { BulkSink } from '../sink/bulk-sink.js';
import { createSearchStore } from '../sink/create-client.js';
import { oldestKeptMonth } from '../sink/retention.js';
import { UsageError, type Command, type CommandIo } from './command.js';
import { GATEWAY_OPTION_HELP, gatewayOption } from './gateway-option.js';

const usage = `Usage: mailverdict replay [options] <path...>

Indexes messages from files: .eml files, directories of .eml files, mbox files and Maildirs (cur/ + new/).
By default the messages go on the queue and the running workers (\`mailverdict work\` / \`run\`) index
them; --direct writes them to Elasticsearch from this process. Either way a message that is already
indexed (from a mailbox or an earlier replay) is not indexed twice: its _id is the hash of its header block.
Messages older than the retention window (elasticsearch.retentionMonths) are not indexed but counted in
the summary: the retention task would delete them.

Options:
  -c, --config <file>        config file (default: MAILVERDICT_CONFIG, ./mailverdict.yaml, /etc/mailverdict/config.yaml)
  --direct                   index from this process instead of through the queue
  --no-wait                  queue mode: return once everything is enqueued, without waiting for the workers
  --progress <mode>          bar, lines or none (default: bar on a terminal, lines otherwise)
  --max-message-bytes <n>    skip (and report) messages larger than this (default ${DEFAULT_MAX_MESSAGE_BYTES})
${GATEWAY_OPTION_HELP}
  --log                      the paths are gateway log files (plain or .gz) or - for stdin: their lines go on
                             the queue as log batches, like \`mailverdict listen\` sends live lines
  -h, --help                 show this help

The first SIGINT (Ctrl-C) or SIGTERM stops the replay promptly: reading ends after the batch in hand, and
in queue mode what is already enqueued stays queued for the workers. Running the same replay again
finishes the job (messages already indexed are skipped).

Exit status: 0 when every message was read and handed on, 1 when a file or message could not be read
(the others are still replayed) or indexing failed, 2 on a usage error, 130 (SIGINT) or 143 (SIGTERM)
when stopped by a signal.`;

export interface ReplayCommandDeps {
  /** Whether stderr is a terminal; overrides io.stderrIsTty (tests). */
  isTty?: () => boolean;
  /** Config instead of loading one (tests, the demo). */
  config?: Config;
}

export function createReplayCommand(deps: ReplayCommandDeps = {}): Command {
  return {
    name: 'replay',
    summary: 'backfill from .eml files, directories, mbox files and Maildirs (through the queue or --direct)',
    usage,
    run: (args, io) => runReplay(args, io, deps),
  };
}

export const replayCommand: Command = createReplayCommand();

async function runReplay(args: string[], io: CommandIo, deps: ReplayCommandDeps): Promise<number> {
  const { values, positionals } = parseArgs({
    args,
    options: {
      config: { type: 'string', short: 'c' },
      direct: { type: 'boolean', default: false },
      'no-wait': { type: 'boolean', default: false },
      progress: { type: 'string' },
      'max-message-bytes': { type: 'string' },
      gateway: { type: 'string' },
      log: { type: 'boolean', default: false },
    },
    allowPositionals: true,
    strict: true,
  });
  if (positionals.length === 0) throw new UsageError('no input: give one or more files or directories');
  if (values.log) {
    if (values.direct) throw new UsageError('--log goes through the queue: --direct is for messages only');
    const config = deps.config ?? loadConfig(values.config === undefined ? { env: io.env } : { file: values.config, env: io.env });
    return replayLogs(positionals, config, io);
  }
  if (positionals.includes(STDIN_ARG)) throw new UsageError('replay reads files, not stdin');
  const mode = values.progress ?? ((deps.isTty?.() ?? io.stderrIsTty ?? false) ? 'bar' : 'lines');
  if (mode !== 'bar' && mode !== 'lines' && mode !== 'none') throw new UsageError(`--progress must be bar, lines or none, got '${mode}'`);
  const maxBytes = values['max-message-bytes'] === undefined ? DEFAULT_MAX_MESSAGE_BYTES : Number(values['max-message-bytes']);
  if (!Number.isSafeInteger(maxBytes) || maxBytes <= 0) throw new UsageError(`--max-message-bytes must be a positive integer, got '${values['max-message-bytes']}'`);

  const gateway = gatewayOption(values.gateway);
  const config = deps.config ?? loadConfig(values.config === undefined ? { env: io.env } : { file: values.config, env: io.env });
  // Direct mode indexes while it reads: its one line shows the outcomes too. Through the queue, reading and the
  // workers' indexing are two phases, each with its own line.
  let direct: DirectTarget | undefined;
  const progress = mode === 'none' ? undefined : new Progress({
    sink: io.stderr, tty: mode === 'bar', label: 'replay', total: await totalBytes(positionals),
    detail: () => (direct === undefined ? '' : outcomeText(direct)),
  });
  const onError = async (e: FileReadError): Promise<void> => {
    await io.stderr.write(`${mode === 'bar' ? '\r\u001b[K' : ''}mailverdict replay: ${e.scope === 'message' ? `${e.path}: message ${e.index + 1}` : e.path}: ${e.message}\n`);
  };
  const onProgress = progress === undefined ? undefined : (n: number, bytes: number) => progress.update(n, bytes);
  const signal = io.signal === undefined ? {} : { signal: io.signal };
  const stopped = async (what: string): Promise<number> => {
    await io.stderr.write(`${mode === 'bar' ? '\r\u001b[K' : ''}mailverdict replay: stopped by ${String(io.signal?.reason ?? 'a signal')} ${what}\n`);
    return stoppedExitCode(io.signal);
  };
  const limits = { batchMaxMessages: Math.min(config.queue.batchMaxMessages, config.elasticsearch.bulkMaxDocs), batchMaxBytes: config.queue.batchMaxBytes };

  if (values.direct) {
    const client = createSearchStore(config.elasticsearch);
    try {
      const target = new DirectTarget(new BulkSink(client, config.elasticsearch), { gateway, internalDomains: config.internalDomains, maxFutureSkewMs: config.parse.maxFutureSkewHours * 3600_000 });
      direct = target;
      const read = await replayPaths(positionals, { target, ...limits, maxMessageBytes: maxBytes, onError, ...(onProgress ? { onProgress } : {}), ...signal });
      await progress?.finish();
      await io.stdout.write(`replayed ${read.messages} messages: ${outcomeText(target)}${expiredNote(target.expired, config)}`
        + `${read.errors > 0 ? `, ${read.errors} could not be read` : ''}\n`);
      if (read.stopped) return await stopped(`after ${read.messages} messages; run the same replay again to finish (indexed messages are skipped)`);
      return read.errors > 0 ? 1 : 0;
    } finally {
      await client.close().catch(() => undefined);
    }
  }

  await checkRedisReachable(config.redis);
  const errors = stderrConnectionErrors('replay', io);
  const connection = createRedis(config.redis, 'command', { errors, stage: 'queueing', source: 'redis' });
  const queue = openMessageQueue(config, connection);
  queue.on('error', errors.listener('queueing', 'queue', (err) => describeRedisError(err, config.redis)));
  try {
    const target = new QueueTarget(queue, { maxWaitingJobs: config.queue.maxWaitingJobs, ...signal, ...(gateway === undefined ? {} : { gateway }) });
    const read = await replayPaths(positionals, { target, ...limits, maxMessageBytes: maxBytes, onError, ...(onProgress ? { onProgress } : {}), ...signal });
    await progress?.finish();
    await io.stdout.write(`enqueued ${read.messages} messages in ${target.jobIds.length} jobs on queue ${messageQueueName(config)}`
      + `${read.errors > 0 ? `, ${read.errors} could not be read` : ''}\n`);
    if (read.stopped) return await stopped(`while reading; the ${target.jobIds.length} jobs enqueued stay on the queue for the workers, run the same replay again to finish`);
    if (!values['no-wait'] && target.jobIds.length > 0) {
      const tally = (): Promise<ReplayOutcomes> => readReplayOutcomes(connection, stateKeyPrefix(config), target.runId);
      await waitForWorkers(target, io, mode, read.messages, tally);
      const outcomes = await tally();
      await io.stdout.write(`replayed ${read.messages} messages: ${outcomeText(outcomes)}${expiredNote(outcomes.expired, config)}\n`);
    }
    return read.errors > 0 ? 1 : 0;
  } catch (err) {
    if (!(err instanceof ReplayStopped)) throw err;
    await progress?.finish();
    return await stopped(`before every job was processed; what is enqueued stays on queue ${messageQueueName(config)} for the workers (\`mailverdict work\`)`);
  } finally {
    await queue.close().catch(() => undefined);
    connection.disconnect();
  }
}

async function replayLogs(paths: readonly string[], config: Config, io: CommandIo): Promise<number> {
  await checkRedisReachable(config.redis);
  const errors = stderrConnectionErrors('replay', io);
  const connection = createRedis(config.redis, 'command', { errors, stage: 'queueing', source: 'redis' });
  const queue = openMessageQueue<LogBatchJob>(config, connection);
  queue.on('error', errors.listener('queueing', 'queue', (err) => describeRedisError(err, config.redis)));
  try {
    const result = await replayLogFiles(paths, queue, {
      batchMaxLines: config.listen.batchMaxLines,
      batchMaxBytes: config.listen.batchMaxBytes,
      maxQueuedBatches: config.queue.maxWaitingJobs,
      stdin: io.stdin,
      onFileError: (path, message) => void io.stderr.write(`mailverdict replay: ${path}: ${message}\n`),
    });
    await io.stdout.write(`enqueued ${result.lines} log lines on queue ${messageQueueName(config)}`
      + `${result.failures > 0 ? `, ${result.failures} files could not be read` : ''}`
      + `${result.notQueued > 0 ? `, ${result.notQueued} lines could not be queued` : ''}\n`);
    return result.failures > 0 || result.notQueued > 0 ? 1 : 0;
  } finally {
    await queue.close().catch(() => undefined);
    connection.disconnect();
  }
}

/** "12 indexed, 3 already indexed, 0 dead-lettered" */
function outcomeText(o: Pick<ReplayOutcomes, 'created' | 'duplicates' | 'deadLettered'>): string {
  return `${o.created} indexed, ${o.duplicates} already indexed, ${o.deadLettered} dead-lettered`;
}

/** ", N older than the retention window …" when some were, else "". */
function expiredNote(expired: number, config: Config): string {
  if (expired === 0) return '';
  const months = config.elasticsearch.retentionMonths;
  return `, ${expired} not indexed: older than the retention window (elasticsearch.retentionMonths ${months}, keeps ${oldestKeptMonth(months, new Date())} onwards)`;
}

/** Until every job of the run is processed, with a live line of what the workers made of its messages; says so
 * when no worker seems to be taking them. */
async function waitForWorkers(target: QueueTarget, io: CommandIo, mode: string, messages: number, tally: () => Promise<ReplayOutcomes>): Promise<void> {
  const started = Date.now();
  let hinted = false;
  let outcomes: ReplayOutcomes = { created: 0, duplicates: 0, deadLettered: 0, expired: 0 };
  const progress = mode === 'none' ? undefined : new Progress({
    sink: io.stderr, tty: mode === 'bar', label: 'indexing', total: messages, detail: () => outcomeText(outcomes),
  });
  if (mode !== 'none') await io.stderr.write(`replay: waiting for the workers to index ${messages} messages in ${target.jobIds.length} jobs\n`);
  for (;;) {
    const pending = await target.pending();
    outcomes = await tally();
    const done = outcomes.created + outcomes.duplicates + outcomes.deadLettered + outcomes.expired;
    await progress?.update(done, done);
    if (pending === 0) break;
    if (!hinted && Date.now() - started > 30_000) {
      hinted = true;
      await io.stderr.write('replay: jobs are not being processed; is a worker running (`mailverdict work` or `mailverdict run`)? Use --no-wait to return at once.\n');
    }
    await sleepUnlessStopped(500, io.signal);
  }
  await progress?.finish();
  await io.stdout.write(`all ${target.jobIds.length} jobs processed\n`);
}
