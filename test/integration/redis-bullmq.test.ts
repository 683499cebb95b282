import { Queue, QueueEvents, Worker } from 'bullmq';
import { Redis } from 'ioredis';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { serviceSettings, uniqueName } from '../support/services.js';

describe('Redis through BullMQ (real server from scripts/services)', () => {
  const url = serviceSettings().redisUrl;
  const name = uniqueName('it-queue');
  // Workers block on Redis: BullMQ requires maxRetriesPerRequest null on their connection.
  const connection = new Redis(url, { maxRetriesPerRequest: null, lazyConnect: true });
  connection.on('error', () => undefined);

  beforeAll(async () => {
    // Fail fast and clearly when Redis is absent, instead of BullMQ waiting for it forever.
    const probe = new Redis(url, { lazyConnect: true, maxRetriesPerRequest: 0, retryStrategy: () => null });
    probe.on('error', () => undefined);
    try {
      await probe.connect();
      expect(await probe.ping()).toBe('PONG');
    } finally {
      probe.disconnect();
    }
  });
  const queue = new Queue(name, { connection });
  const events = new QueueEvents(name, { connection: new Redis(url, { maxRetriesPerRequest: null }) });
  queue.on('error', () => undefined);
  events.on('error', () => undefined);

  afterAll(async () => {
    await queue.obliterate({ force: true });
    await Promise.all([queue.close(), events.close()]);
    connection.disconnect();
  });

  it('processes a job and returns its result', async () => {
    const worker = new Worker<{ n: number }, number>(name, async (job) => job.data.n * 2, {
      connection: new Redis(url, { maxRetriesPerRequest: null }),
    });
    worker.on('error', () => undefined);
    try {
      await events.waitUntilReady();
      const job = await queue.add('double', { n: 21 });
      await expect(job.waitUntilFinished(events, 30_000)).resolves.toBe(42);
    } finally {
      await worker.close();
    }
  });
});
