// The one place the pipeline's BullMQ queue is opened (collector, listen, replay, status, the queue-depth gauge):
// same name, same prefix; it carries message batches and log batches alike. BullMQ does not close a connection
// it is given: the caller closes it.
import { Queue } from 'bullmq';
import type { RedisClient } from './connection.js';
import type { LogBatchJob } from './log-batch.js';
import type { MessageBatchJob } from './message-batch.js';
import { messageQueueName, queuePrefix, type QueueNaming } from './queue-names.js';

export function openMessageQueue<Job extends MessageBatchJob | LogBatchJob = MessageBatchJob>(config: QueueNaming, connection: RedisClient): Queue<Job> {
  return new Queue<Job>(messageQueueName(config), { connection, prefix: queuePrefix(config) });
}
