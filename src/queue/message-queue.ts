// The one place the pipeline's BullMQ queue is opened (collector, replay, status, the queue-depth gauge):
// same name, same prefix. BullMQ does not close a connection it is given: the caller closes it.
import { Queue } from 'bullmq';
import type { Redis } from 'ioredis';
import type { MessageBatchJob } from './message-batch.js';
import { messageQueueName, queuePrefix, type QueueNaming } from './queue-names.js';

export function openMessageQueue(config: QueueNaming, connection: Redis): Queue<MessageBatchJob> {
  return new Queue<MessageBatchJob>(messageQueueName(config), { connection, prefix: queuePrefix(config) });
}
