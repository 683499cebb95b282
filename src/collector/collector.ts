// Runs every configured account/mailbox: for each, takes the mailbox lock (so exactly one collector
// reads it), runs a MailboxReader while the lock is held, and retries the lock while another
// collector has it. Status per mailbox lives in Redis (mailbox-status.ts).
import { randomBytes } from 'node:crypto';
import { hostname } from 'node:os';
import type { Queue } from 'bullmq';
import type { ImapFlowOptions } from 'imapflow';
import type { RedisClient } from '../queue/connection.js';
import type { ConnectionErrors } from '../observability/connection-errors.js';
import { createRedis, type RedisSettings } from '../queue/connection.js';
import { describeRedisError } from '../queue/describe-redis-error.js';
import { batchJobId, type MessageBatchJob } from '../queue/message-batch.js';
import { batchJobOptions } from '../queue/job-options.js';
import { openMessageQueue } from '../queue/message-queue.js';
import { MESSAGE_BATCH_JOB, stateKeyPrefix } from '../queue/queue-names.js';
import { mailboxSettings, type AccountSettings } from './account-settings.js';
import { accessTokenSource } from './access-token-source.js';
import type { CollectorEvents } from './collector-events.js';
import { mailboxKeys } from '../mailbox-state/mailbox-keys.js';
import { MailboxLock } from './mailbox-lock.js';
import { MailboxReader } from './mailbox-reader.js';
import { readMailboxStatuses, writeMailboxStatus, type MailboxStatus } from '../mailbox-state/mailbox-status.js';

export interface CollectorConfig {
  redis: RedisSettings;
  queue: { name: string; batchMaxMessages: number; batchMaxBytes: number; maxWaitingJobs: number };
  accounts: readonly AccountSettings[];
}

export interface CollectorDeps {
  events?: CollectorEvents;
  /** Shown in status (the process wiring passes host:pid); defaults to host and a random tag. */
  collectorId?: string;
  lockTtlMs?: number;
  /** How often a mailbox held by another collector is tried again. */
  lockRetryMs?: number;
  reconnectMinMs?: number;
  reconnectMaxMs?: number;
  postCommitCheckMs?: number;
  imapExtra?: Partial<ImapFlowOptions>;
  /** Counts and logs (once per outage) the errors of this collector's Redis connections and queue. */
  connectionErrors?: ConnectionErrors;
}

export interface Collector {
  /** Stops reading, releases the locks, closes connections. In-flight jobs stay queued. */
  stop(): Promise<void>;
  /** Status of every mailbox known under the key prefix (also those read by other collectors). */
  statuses(): Promise<MailboxStatus[]>;
  /** "account/mailbox" of the mailboxes this collector holds right now. */
  held(): string[];
  readonly queue: Queue<MessageBatchJob>;
  readonly redis: RedisClient;
}

export async function startCollector(config: CollectorConfig, deps: CollectorDeps = {}): Promise<Collector> {
  const prefix = stateKeyPrefix(config);
  const errors = deps.connectionErrors;
  const reported = errors === undefined ? undefined : { errors, stage: 'collecting' as const, source: 'redis' };
  const redis = createRedis(config.redis, 'command', reported);
  // BullMQ does not close a connection it was given, so we keep it to close it ourselves.
  const queueConnection = createRedis(config.redis, 'command', reported);
  const queue = openMessageQueue(config, queueConnection);
  queue.on('error', errors?.listener('queueing', 'queue', (err) => describeRedisError(err, config.redis)) ?? (() => undefined));
  await queue.waitUntilReady();
  const collectorId = deps.collectorId ?? `${hostname()}:${randomBytes(4).toString('hex')}`;
  const stopping = new AbortController();
  const locks = new Map<string, MailboxLock>();

  const enqueue = async (job: MessageBatchJob): Promise<void> => {
    await queue.add(MESSAGE_BATCH_JOB, job, batchJobOptions(batchJobId(job)));
  };
  const waitingJobs = (): Promise<number> => queue.getWaitingCount();
  // Completed batches are removed from the queue: a job it no longer knows is done or lost.
  const jobPending = async (jobId: string): Promise<boolean> => !['unknown', 'completed', 'failed'].includes(await queue.getJobState(jobId));

  const loops: Promise<void>[] = [];
  for (const account of config.accounts) {
    const tokens = accessTokenSource(account);
    for (const m of account.mailboxes) {
      const mailbox = mailboxSettings(m);
      const ref = { account: account.id, mailbox: mailbox.path };
      const name = `${account.id}/${mailbox.path}`;
      loops.push((async () => {
        const retryMs = deps.lockRetryMs ?? 5_000;
        while (!stopping.signal.aborted) {
          const lost = new AbortController();
          const lock = new MailboxLock(redis, mailboxKeys(prefix, ref).lock, {
            ...(deps.lockTtlMs !== undefined ? { ttlMs: deps.lockTtlMs } : {}),
            onLost: (reason) => {
              deps.events?.lockLost?.(account.id, mailbox.path, reason);
              lost.abort();
            },
          });
          let got = false;
          try {
            got = await lock.acquire();
          } catch {
            got = false; // Redis away: try again later
          }
          if (!got) {
            await sleep(retryMs, stopping.signal);
            continue;
          }
          locks.set(name, lock);
          const reader = new MailboxReader({
            account, mailbox, collectorId,
            batch: { batchMaxMessages: config.queue.batchMaxMessages, batchMaxBytes: config.queue.batchMaxBytes },
            maxWaitingJobs: config.queue.maxWaitingJobs,
            ...(deps.reconnectMinMs !== undefined ? { reconnectMinMs: deps.reconnectMinMs } : {}),
            ...(deps.reconnectMaxMs !== undefined ? { reconnectMaxMs: deps.reconnectMaxMs } : {}),
            ...(deps.postCommitCheckMs !== undefined ? { postCommitCheckMs: deps.postCommitCheckMs } : {}),
            ...(deps.imapExtra !== undefined ? { imapExtra: deps.imapExtra } : {}),
          }, { redis, keyPrefix: prefix, enqueue, waitingJobs, jobPending, events: deps.events, tokens });
          const both = AbortSignal.any([stopping.signal, lost.signal]);
          try {
            await reader.run(both);
          } finally {
            locks.delete(name);
            await lock.release();
          }
          if (lost.signal.aborted && !stopping.signal.aborted) {
            await writeMailboxStatus(redis, prefix, ref, { phase: 'locked_elsewhere' }).catch(() => undefined);
            await sleep(retryMs, stopping.signal);
          }
        }
      })());
    }
  }

  let stopped: Promise<void> | undefined;
  return {
    queue,
    redis,
    held: () => [...locks.keys()].sort(),
    statuses: () => readMailboxStatuses(redis, prefix),
    stop: () => {
      stopped ??= (async () => {
        stopping.abort();
        await Promise.allSettled(loops);
        await queue.close().catch(() => undefined);
        queueConnection.disconnect();
        redis.disconnect();
      })();
      return stopped;
    },
  };
}

function sleep(ms: number, signal: AbortSignal): Promise<void> {
  if (signal.aborted) return Promise.resolve();
  return new Promise((resolve) => {
    const done = (): void => {
      clearTimeout(timer);
      signal.removeEventListener('abort', done);
      resolve();
    };
    const timer = setTimeout(done, ms);
    signal.addEventListener('abort', done);
  });
}
