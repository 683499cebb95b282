// Where the pipeline's queue and Redis keys live. BullMQ's own `prefix` option namespaces its keys
// (ioredis keyPrefix is not supported by BullMQ), so the configured keyPrefix goes there.

export interface QueueNaming {
  redis: { keyPrefix?: string | undefined };
  queue: { name: string };
}

export const DEFAULT_KEY_PREFIX = 'mailverdict';

/** The BullMQ queue carrying MessageBatchJob batches. */
export function messageQueueName(config: QueueNaming): string {
  return config.queue.name;
}

/** BullMQ `prefix` for every Queue/Worker/QueueEvents of this deployment. */
export function queuePrefix(config: QueueNaming): string {
  return config.redis.keyPrefix ?? DEFAULT_KEY_PREFIX;
}

/** Job name of message batches (one kind today; the name shows in BullMQ tooling). */
export const MESSAGE_BATCH_JOB = 'message-batch';
