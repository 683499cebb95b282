// Redis replicates asynchronously: a failover can lose a batch the old master had acknowledged, while the
// collector's position is already past it and the watermark waits for it forever. The loss is made here the way
// a failover leaves it (the queue no longer holds the jobs, the mailbox state is intact) on the real Redis, with
// the real Dovecot and search store: the collector reads again from the watermark and nothing is missing.
import { afterEach, describe, expect, it } from 'vitest';
import { startCollector, type Collector } from '../../src/collector/collector.js';
import { Watermark } from '../../src/mailbox-state/watermark.js';
import type { MessageBatchJob } from '../../src/queue/message-batch.js';
import { startWorker } from '../../workers/worker.js';
import { createHarness, fixtureMessages, waitFor, type Harness } from './pipeline-harness.js';

const fixtures = fixtureMessages().slice(0, 15);
const expectedIds = [...new Set(fixtures.map((f) => f.id))].sort();

describe('a batch lost from the queue (real servers)', () => {
  let h: Harness | undefined;
  const running: { stop(): Promise<void> }[] = [];
  afterEach(async () => {
    for (const r of running.splice(0).reverse()) await r.stop().catch(() => undefined);
    await h?.cleanup();
    h = undefined;
  });

  it('is read again from the committed watermark once the queue no longer holds it, and only then', async () => {
    // Polls every 300 ms: each poll is a chance to notice the loss.
    h = await createHarness('lostbatch', { pollIntervalMs: 300 });
    const uids = await h.append(fixtures.map((f) => f.raw));
    const last = Math.max(...uids);
    const lost: { committed: number; position: number }[] = [];
    const c: Collector = await startCollector(h.config, { events: { batchLost: (_a, _m, at) => lost.push(at) } });
    running.push(c);
    const statusOf = async (): Promise<{ lastSeenUid?: number; lastPollAt?: string } | undefined> => (await c.statuses()).find((s) => s.mailbox === h!.mailbox);
    await waitFor('every message enqueued', statusOf, (s) => s?.lastSeenUid === last, 30_000);
    // 15 messages in batches of at most 10: two jobs, no worker yet.
    expect(await c.queue.getWaitingCount()).toBe(2);

    // While the jobs wait, polls go by and nothing is read again.
    const pollBefore = (await statusOf())?.lastPollAt ?? '';
    await waitFor('two more polls', statusOf, (s) => (s?.lastPollAt ?? '') > pollBefore, 10_000);
    const pollAfter = (await statusOf())?.lastPollAt ?? '';
    await waitFor('another poll', statusOf, (s) => (s?.lastPollAt ?? '') > pollAfter, 10_000);
    expect(lost).toEqual([]);
    expect(await c.queue.getWaitingCount()).toBe(2);

    // The failover: the jobs are gone, the watermark still at 0.
    await c.queue.drain();
    expect(await c.queue.getWaitingCount()).toBe(0);
    const jobs = await waitFor('the batches enqueued again', () => c.queue.getWaiting(), (js) => js.length === 2, 30_000);
    expect(lost).toEqual([{ committed: 0, position: last }]);
    expect(jobs.flatMap((j) => (j.data as MessageBatchJob).messages.map((m) => m.uid)).sort((a, b) => a - b)).toEqual(uids);

    const w = await startWorker(h.config, { stalledIntervalMs: 1_000 });
    running.push({ stop: () => w.stop() });
    const watermark = new Watermark(h.redis, h.keyPrefix, { account: 'alice', mailbox: h.mailbox });
    await waitFor('watermark at the last UID', async () => (await watermark.read())?.committed, (v) => v === last, 60_000);
    expect(await h.indexedIds()).toEqual(expectedIds);
    expect(lost).toHaveLength(1);
  });
});
