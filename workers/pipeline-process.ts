// One mailverdict process running any of the roles — collect, work, alert — on one configuration, with the
// shared parts every role needs: metrics and health endpoint, logs, queue-depth gauge, retention schedule.
// `mailverdict run` starts all three; `collect`, `work` and `alert` one each, so each can be scaled apart.
import type { Config } from '../src/config/schema.js';
import { requireAccounts } from '../src/config/require-accounts.js';
import { runAlerter, type Alerter } from '../src/alerts/alerter.js';
import { startCollector, type Collector } from '../src/collector/collector.js';
import { startObservabilityServer, type HealthCheck, type ObservabilityServer } from '../src/observability/http-server.js';
import { LogMetrics } from '../src/observability/log-metrics.js';
import { PipelineMetrics } from '../src/observability/metrics.js';
import { startListenRole, type ListenRole } from '../src/syslog/listen-role.js';
import { startWorker, type RunningWorker } from './worker.js';
import { processCollectorId } from './process-identity.js';
import { createRedis } from '../src/queue/connection.js';
import { openMessageQueue } from '../src/queue/message-queue.js';
import { ConnectionErrors } from '../src/observability/connection-errors.js';
import { describeRedisError } from '../src/queue/describe-redis-error.js';
import { createSearchStore } from '../src/sink/create-client.js';
import { elasticsearchReachability } from '../src/sink/elasticsearch-reachability.js';
import { checkIndexTemplates, ensureIndexTemplates } from '../src/sink/index-setup.js';
import { deleteExpiredIndices, oldestKeptMonth } from '../src/sink/retention.js';
import type { Logger } from '../src/runtime/logger.js';

export type Role = 'collect' | 'work' | 'alert' | 'listen';

export interface PipelineProcessOptions {
  roles: readonly Role[];
  logger: Logger;
  /** Apply the index templates when missing or outdated instead of refusing to start (single-process mode). */
  applyTemplates?: boolean;
  metrics?: PipelineMetrics;
  queueGaugeIntervalMs?: number;
  retentionIntervalMs?: number;
}

export interface PipelineProcess {
  readonly metrics: PipelineMetrics;
  readonly http: ObservabilityServer;
  readonly collector: Collector | undefined;
  readonly worker: RunningWorker | undefined;
  readonly alerter: Alerter | undefined;
  /** Graceful: collectors stop reading, workers finish their batches, the alerter its evaluation. */
  stop(): Promise<void>;
}

/** A configuration or environment problem the process cannot run with; the CLI prints it without a stack. */
export class StartupError extends Error {
  override readonly name = 'StartupError';
}

export async function startPipelineProcess(config: Config, options: PipelineProcessOptions): Promise<PipelineProcess> {
  const { logger } = options;
  const roles = new Set(options.roles);
  // Before any connection is opened: a collector without accounts is a config error, not a half-started process.
  const accounts = roles.has('collect') ? requireAccounts(config, 'the collect role') : [];
  const metrics = options.metrics ?? new PipelineMetrics();
  const es = createSearchStore(config.elasticsearch);
  // Redis and queue errors heal by reconnecting: each is counted, one line per outage is logged.
  const connectionErrors = new ConnectionErrors({
    report: (e) => logger.error({ stage: e.stage, source: e.source, code: e.code, ...(e.suppressed > 0 ? { previousEpisodeErrors: e.suppressed } : {}) }, `${e.message}; reconnecting`),
    count: (stage, code) => metrics.errors.inc({ stage, code: boundedCode(code) }),
    recovered: (source, errors) => logger.info({ source, errors }, `${source} connection restored`),
  });
  const redis = createRedis(config.redis, 'command', { errors: connectionErrors, stage: 'queueing', source: 'redis' });
  const timers: NodeJS.Timeout[] = [];
  const stoppers: (() => Promise<void>)[] = [];

  const checks: Record<string, HealthCheck> = {
    redis: async () => ({ ok: (await redis.ping()) === 'PONG' }),
    elasticsearch: async () => {
      const reach = await elasticsearchReachability(es, 4_000);
      return { ok: reach.healthy, detail: reach.detail };
    },
  };

  let collector: Collector | undefined;
  let worker: RunningWorker | undefined;
  let alerter: Alerter | undefined;
  let listen: ListenRole | undefined;
  const logMetrics = new LogMetrics(metrics.registry);
  try {
    if (roles.has('work')) {
      // Templates are applied only when they need it: a least-privilege runtime key may read them
      // (cluster `monitor`) but not change them or the mappings of existing indices.
      const problems = await checkIndexTemplates(es, config);
      if (problems.length > 0 && options.applyTemplates === true) {
        await ensureIndexTemplates(es, config);
      } else if (problems.length > 0) {
        throw new StartupError(`index templates are missing or outdated (${problems.join('; ')}): run \`mailverdict setup\` first`);
      }
      worker = await startWorker(config, {
        elasticsearch: es,
        connectionErrors,
        events: {
          parsed: (count, warnings) => {
            metrics.messagesParsed.inc(count);
            for (const [vendor, n] of warnings) metrics.parseWarnings.inc({ vendor }, n);
          },
          indexed: (outcome) => {
            metrics.messagesIndexed.inc({ outcome: 'created' }, outcome.created);
            metrics.messagesIndexed.inc({ outcome: 'duplicate' }, outcome.duplicates);
            metrics.messagesIndexed.inc({ outcome: 'dead_lettered' }, outcome.deadLettered);
            metrics.messagesIndexed.inc({ outcome: 'expired' }, outcome.expired);
          },
          expired: ({ account, mailbox, count, indices }) => {
            logger.warn({ stage: 'indexing', account, mailbox, expired: count, indices, retentionMonths: config.elasticsearch.retentionMonths },
              `${count} messages not indexed: older than the retention window (elasticsearch.retentionMonths ${config.elasticsearch.retentionMonths}, `
              + `keeps ${oldestKeptMonth(config.elasticsearch.retentionMonths, new Date())} onwards); the watermark moves past them`);
          },
          lag: (seconds) => metrics.endToEndLag.observe(seconds),
          logParsed: (_events, others) => logMetrics.countNotEvents(others),
          logIndexed: (outcome) => {
            logMetrics.logEventsIndexed.inc({ outcome: 'created' }, outcome.created);
            logMetrics.logEventsIndexed.inc({ outcome: 'duplicate' }, outcome.duplicates);
            logMetrics.logEventsIndexed.inc({ outcome: 'dead_lettered' }, outcome.deadLettered);
          },
          failed: (error) => {
            metrics.errors.inc({ stage: 'indexing', code: boundedCode(error.code) });
            logger.warn({ stage: 'indexing', code: error.code }, `batch failed, will be retried: ${error.message}`);
          },
        },
        sinkOptions: { onRetry: () => metrics.elasticsearchRetries.inc() },
      });
      stoppers.push(() => worker!.stop());
      const retention = async (): Promise<void> => {
        try {
          const deleted = await deleteExpiredIndices(es, config);
          if (deleted.length > 0) logger.info({ deleted }, 'deleted indices older than the retention period');
        } catch (err) {
          logger.warn({ err: (err as Error).message }, 'retention run failed; trying again next time');
        }
      };
      void retention();
      timers.push(setInterval(() => void retention(), options.retentionIntervalMs ?? 6 * 3600_000));
    }
    if (roles.has('listen')) {
      listen = await startListenRole(config, { logger, metrics: logMetrics });
      stoppers.push(() => listen!.stop());
    }
    if (roles.has('collect')) {
      collector = await startCollector({ redis: config.redis, queue: config.queue, accounts }, {
        collectorId: processCollectorId(),
        connectionErrors,
        events: {
          fetched: (account, mailbox, n) => metrics.messagesFetched.inc({ account, mailbox }, n),
          enqueued: (account, mailbox, n) => metrics.messagesEnqueued.inc({ account, mailbox }, n),
          reconnect: (account, mailbox, error) => {
            metrics.imapReconnects.inc({ account });
            logger.warn({ stage: 'collecting', account, mailbox, code: error.code }, `IMAP connection lost, reconnecting: ${error.message}`);
          },
          error: (account, mailbox, error) => {
            metrics.errors.inc({ stage: 'collecting', code: boundedCode(error.code) });
            logger.error({ stage: 'collecting', account, mailbox, code: error.code }, error.message);
          },
          uidvalidityChanged: (account, mailbox, { from, to }) => logger.info({ stage: 'collecting', account, mailbox, uidvalidity: to, previousUidvalidity: from },
            `UIDVALIDITY changed from ${from} to ${to} (mailbox recreated or moved): reading it again from the start; documents already indexed are not doubled`),
          watermarkLost: (account, mailbox) => logger.warn({ stage: 'collecting', account, mailbox },
            'watermark state missing in Redis: reading the mailbox again from the start; documents already indexed are not doubled'),
          lockLost: (account, mailbox, reason) => logger.warn({ stage: 'collecting', account, mailbox }, `mailbox lock lost: ${reason}`),
          batchLost: (account, mailbox, { committed, position }) => logger.warn({ stage: 'collecting', account, mailbox, committed, position },
            `the batch after UID ${committed} is no longer in the queue (lost in a Redis failover?): reading the mailbox again from the committed watermark; documents already indexed are not doubled`),
        },
      });
      stoppers.push(() => collector!.stop());
    }
    if (roles.has('alert')) {
      alerter = runAlerter(config, { client: es, redis, logger });
      stoppers.push(() => alerter!.stop());
    }
  } catch (err) {
    await Promise.allSettled(stoppers.reverse().map((s) => s()));
    redis.disconnect();
    await es.close().catch(() => undefined);
    throw err;
  }

  // Queue depth for the gauge and the health of the queue as seen by this process.
  // BullMQ does not close a connection it was given: we keep it to close it ourselves, or the open socket
  // keeps the process alive after a graceful stop.
  const queueConnection = createRedis(config.redis, 'command', { errors: connectionErrors, stage: 'queueing', source: 'redis' });
  const queue = openMessageQueue(config, queueConnection);
  queue.on('error', connectionErrors.listener('queueing', 'queue', (err) => describeRedisError(err, config.redis)));
  const refreshQueueGauge = async (): Promise<void> => {
    try {
      const counts = await queue.getJobCounts('waiting', 'active', 'delayed', 'failed', 'prioritized');
      for (const [state, n] of Object.entries(counts)) metrics.queueDepth.set({ state }, n);
    } catch { /* Redis away: the health check says so */ }
  };
  timers.push(setInterval(() => void refreshQueueGauge(), options.queueGaugeIntervalMs ?? 5_000));

  const http = await startObservabilityServer({ host: config.http.host, port: config.http.port, metrics, checks });
  logger.info({ roles: [...roles], http: http.url }, 'mailverdict started');

  let stopped: Promise<void> | undefined;
  return {
    metrics, http, collector, worker, alerter,
    stop: () => {
      stopped ??= (async () => {
        for (const t of timers) clearInterval(t);
        // Collectors first (no new jobs), then workers finish what is in flight, then the alerter.
        for (const stop of stoppers) await stop().catch((err: unknown) => logger.warn({ err: String(err) }, 'error while stopping'));
        await queue.close().catch(() => undefined);
        queueConnection.disconnect();
        await http.close();
        redis.disconnect();
        await es.close().catch(() => undefined);
        logger.info('mailverdict stopped');
      })();
      return stopped;
    },
  };
}

function boundedCode(code: string): string {
  return /^[A-Za-z0-9_]{1,40}$/.test(code) ? code : 'other';
}
