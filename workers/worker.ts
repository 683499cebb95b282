// The BullMQ Worker consuming message batches, per BullMQ's production guide: its own blocking
// connection (maxRetriesPerRequest null), an 'error' listener, and close() that lets in-flight batches
// finish (or, when forced, hands them back: BullMQ re-delivers stalled jobs to another worker).
import type { SearchStore } from '../src/sink/search-store.js';
import { Worker, type Job } from 'bullmq';
import type { RedisClient } from '../src/queue/connection.js';
import { BulkSink, type BulkSinkOptions } from '../src/sink/bulk-sink.js';
import { createSearchStore } from '../src/sink/create-client.js';
import type { SinkConfig } from '../src/sink/sink-config.js';
import type { ConnectionErrors } from '../src/observability/connection-errors.js';
import { createRedis, type RedisSettings } from '../src/queue/connection.js';
import { describeRedisError } from '../src/queue/describe-redis-error.js';
import { BATCH_BACKOFF_TYPE, batchBackoffMs } from '../src/queue/job-options.js';
import type { MessageBatchJob } from '../src/queue/message-batch.js';
import { messageQueueName, queuePrefix, stateKeyPrefix } from '../src/queue/queue-names.js';
import { processBatch, type PipelineEvents, type ProcessBatchResult } from './process-batch.js';
import { LOG_BATCH_JOB, type LogBatchJob } from '../src/queue/log-batch.js';
import { processLogBatch, type LogBatchEvents, type ProcessLogBatchResult } from './process-log-batch.js';

export interface WorkerConfig {
  redis: RedisSettings;
  elasticsearch: SinkConfig;
  queue: { name: string };
  worker: { concurrency: number };
  /** The organisation's own domains, for email.direction (config `internalDomains`). */
  internalDomains?: readonly string[];
  /** Future-date bound of `@timestamp` (default 48 h). */
  parse?: { maxFutureSkewHours: number } | undefined;
}

export interface WorkerDeps {
  /** Defaults to a client built from config.elasticsearch. */
  elasticsearch?: SearchStore;
  sink?: BulkSink;
  sinkOptions?: BulkSinkOptions;
  events?: PipelineEvents & LogBatchEvents & { failed?(error: { code: string; message: string }): void };
  /** Stalled-job check interval (BullMQ default 30 s); lower in tests. */
  stalledIntervalMs?: number;
  /** Lock duration of a job being processed (BullMQ default 30 s). */
  lockDurationMs?: number;
  /** Counts and logs (once per outage) the errors of the worker's Redis connections. */
  connectionErrors?: ConnectionErrors;
}

export interface RunningWorker {
  readonly worker: Worker<MessageBatchJob | LogBatchJob, ProcessBatchResult | ProcessLogBatchResult>;
  /** Stops taking jobs; waits for in-flight batches unless `force`. */
  stop(force?: boolean): Promise<void>;
}

export async function startWorker(config: WorkerConfig, deps: WorkerDeps = {}): Promise<RunningWorker> {
  const elasticsearch = deps.elasticsearch ?? createSearchStore(config.elasticsearch);
  const ownsClient = deps.elasticsearch === undefined;
  const sink = deps.sink ?? new BulkSink(elasticsearch, config.elasticsearch, deps.sinkOptions ?? {});
  const errors = deps.connectionErrors;
  const reported = errors === undefined ? undefined : { errors, stage: 'indexing' as const, source: 'redis' };
  const redis: RedisClient = createRedis(config.redis, 'command', reported);
  const connection = createRedis(config.redis, 'blocking', reported);
  const keyPrefix = stateKeyPrefix(config);

  const worker = new Worker<MessageBatchJob | LogBatchJob, ProcessBatchResult | ProcessLogBatchResult>(
    messageQueueName(config),
    // One queue carries both kinds of batch: mailbox/file messages and gateway log lines.
    (job: Job<MessageBatchJob | LogBatchJob>) => (job.name === LOG_BATCH_JOB
      ? processLogBatch(job.data as LogBatchJob, { sink, redis, keyPrefix, events: deps.events })
      : processBatch(job.data as MessageBatchJob, {
        sink, redis, keyPrefix, events: deps.events,
        internalDomains: config.internalDomains,
        ...(config.parse !== undefined ? { maxFutureSkewMs: config.parse.maxFutureSkewHours * 3600_000 } : {}),
      })),
    {
      connection,
      prefix: queuePrefix(config),
      concurrency: Math.max(1, config.worker.concurrency),
      // A batch whose workers died more than once must still be retried, never parked as failed: the
      // watermark could not pass it (BullMQ's default gives up after one stall).
      maxStalledCount: 1_000,
      autorun: true,
      settings: {
        backoffStrategy: (attemptsMade: number, type?: string) => (type === BATCH_BACKOFF_TYPE ? batchBackoffMs(attemptsMade) : 1_000),
      },
      ...(deps.stalledIntervalMs !== undefined ? { stalledInterval: deps.stalledIntervalMs } : {}),
      ...(deps.lockDurationMs !== undefined ? { lockDuration: deps.lockDurationMs } : {}),
    },
  );
  worker.on('error', errors?.listener('indexing', 'worker', (err) => describeRedisError(err, config.redis)) ?? (() => undefined));
  worker.on('failed', (_job, error) => {
    const code = typeof (error as { code?: unknown }).code === 'string' ? String((error as { code?: unknown }).code) : error.name;
    deps.events?.failed?.({ code, message: error.message.slice(0, 300) });
  });
  await worker.waitUntilReady();

  let stopped: Promise<void> | undefined;
  return {
    worker,
    stop: (force = false) => {
      stopped ??= (async () => {
        await worker.close(force).catch(() => undefined);
        connection.disconnect();
        redis.disconnect();
        if (ownsClient) await elasticsearch.close().catch(() => undefined);
      })();
      return stopped;
    },
  };
}
