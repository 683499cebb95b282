// Where the pipeline's queue and Redis keys live. BullMQ's own `prefix` option namespaces its keys
// (ioredis keyPrefix is not supported by BullMQ), so the configured keyPrefix goes there. On a Redis Cluster
// BullMQ's Lua scripts touch several keys of a queue at once, which a cluster allows only within one hash
// slot: the prefix becomes the hash tag `{<keyPrefix>}`. A single server and Sentinel keep the bare prefix,
// so existing deployments keep their keys. The collector's own keys (watermarks, locks, status) keep the
// bare prefix everywhere: each mailbox has its own hash tag (mailbox-state/mailbox-keys.ts).
import { isRedisCluster, type RedisLocation } from './redis-topology.js';

export interface QueueNaming {
  redis: { keyPrefix?: string | undefined } & RedisLocation;
  queue: { name: string };
}

export const DEFAULT_KEY_PREFIX = 'mailverdict';

/** The BullMQ queue carrying MessageBatchJob batches. */
export function messageQueueName(config: QueueNaming): string {
  return config.queue.name;
}

/** Prefix of mailverdict's own keys (mailbox state, log parts, replay tallies): the configured keyPrefix. */
export function stateKeyPrefix(config: Pick<QueueNaming, 'redis'>): string {
  return config.redis.keyPrefix ?? DEFAULT_KEY_PREFIX;
}

/** BullMQ `prefix` for every Queue/Worker/QueueEvents of this deployment (hash-tagged on a cluster). */
export function queuePrefix(config: QueueNaming): string {
  const prefix = stateKeyPrefix(config);
  return isRedisCluster(config.redis) ? `{${prefix}}` : prefix;
}

/** Job name of message batches (one kind today; the name shows in BullMQ tooling). */
export const MESSAGE_BATCH_JOB = 'message-batch';
