// Faults around the worker, the lock and UIDVALIDITY: still exactly N documents, nothing lost.
import { afterEach, describe, expect, it } from 'vitest';
import { startCollector, type Collector } from '../../src/collector/collector.js';
import { Watermark } from '../../src/mailbox-state/watermark.js';
import { startWorker, type RunningWorker } from '../../workers/worker.js';
import { BulkSink } from '../../src/sink/bulk-sink.js';
import { TransientIndexError } from '../../src/sink/errors.js';
import type { ParsedMessage } from '../../src/document/types.js';
import { enginesUnderTest } from '../support/engines.js';
import { createHarness, fixtureMessages, waitFor, type Harness } from './pipeline-harness.js';

const fixtures = fixtureMessages().slice(0, 40);
const expectedIds = [...new Set(fixtures.map((f) => f.id))].sort();

describe('pipeline faults (real servers)', () => {
  let h: Harness | undefined;
  const running: { stop(): Promise<void> }[] = [];
  afterEach(async () => {
    for (const r of running.splice(0).reverse()) await r.stop().catch(() => undefined);
    await h?.cleanup();
    h = undefined;
  });
  const collector = async (hh: Harness, deps = {}): Promise<Collector> => {
    const c = await startCollector(hh.config, { lockRetryMs: 300, reconnectMinMs: 200, reconnectMaxMs: 1000, ...deps });
    running.push(c);
    return c;
  };
  const worker = async (hh: Harness, deps: Parameters<typeof startWorker>[1] = {}): Promise<RunningWorker> => {
    const w = await startWorker(hh.config, deps);
    running.push({ stop: () => w.stop() });
    return w;
  };
  const watermarkOf = (hh: Harness): Watermark => new Watermark(hh.redis, hh.keyPrefix, { account: 'alice', mailbox: hh.mailbox });

  it.each(enginesUnderTest())('a batch that fails once (search store away) is retried: exactly N, watermark waits for it ($engine)', async (target) => {
    h = await createHarness('retry', {}, target);
    const uids = await h.append(fixtures.map((f) => f.raw));
    const real = new BulkSink(h.es, h.config.elasticsearch);
    let calls = 0;
    let failed = 0;
    const flaky = {
      indexBatch: async (messages: readonly ParsedMessage[], ctx?: Parameters<BulkSink['indexBatch']>[1]) => {
        calls++;
        if (calls === 2 || calls === 3) {
          failed++;
          throw new TransientIndexError('simulated: Elasticsearch unavailable');
        }
        return real.indexBatch(messages, ctx);
      },
    } as unknown as BulkSink;
    await worker(h, { sink: flaky });
    await collector(h);
    await waitFor('watermark', () => watermarkOf(h!).read(), (s) => s?.committed === Math.max(...uids), 60_000);
    expect(failed).toBe(2);
    expect(await h.indexedIds()).toEqual(expectedIds);
    expect(await h.deadLetterCount()).toBe(0);
  });

  it.each(enginesUnderTest())('a worker closed in the middle of a batch: the batch is handed back, exactly N after restart ($engine)', async (target) => {
    h = await createHarness('crash', {}, target);
    const uids = await h.append(fixtures.map((f) => f.raw));
    const real = new BulkSink(h.es, h.config.elasticsearch);
    let hang: (() => void) | undefined;
    let calls = 0;
    // Indexes half of the second batch's messages, then hangs as if the process froze mid-bulk.
    const dying = {
      indexBatch: async (messages: readonly ParsedMessage[], ctx?: Parameters<BulkSink['indexBatch']>[1]) => {
        calls++;
        if (calls >= 2) {
          await real.indexBatch(messages.slice(0, Math.ceil(messages.length / 2)), ctx);
          await new Promise<void>((_, reject) => { hang = () => reject(new Error('killed')); });
        }
        return real.indexBatch(messages, ctx);
      },
    } as unknown as BulkSink;
    h.config.worker.concurrency = 1;
    const w1 = await startWorker(h.config, { sink: dying, lockDurationMs: 2000, stalledIntervalMs: 1000 });
    await collector(h);
    await waitFor('the worker to hang', async () => calls, (n) => n >= 2, 30_000);
    const committedAtCrash = (await watermarkOf(h).read())?.committed ?? 0;
    expect(committedAtCrash).toBeLessThan(Math.max(...uids));
    await w1.stop(true); // forced close: the in-flight batch is not finished
    // A new worker takes over the stalled batch once its lock expires.
    await worker(h, { lockDurationMs: 2000, stalledIntervalMs: 1000 });
    await waitFor('watermark', () => watermarkOf(h!).read(), (s) => s?.committed === Math.max(...uids), 60_000);
    hang?.();
    expect(await h.indexedIds()).toEqual(expectedIds);
  });

  it('the lock keeps a second collector off the mailbox; it takes over when the first stops', async () => {
    h = await createHarness('lock');
    const uids = await h.append(fixtures.slice(0, 10).map((f) => f.raw));
    const a = await collector(h, { collectorId: 'A' });
    await waitFor('A to hold the mailbox', async () => a.held(), (x) => x.length === 1);
    const b = await collector(h, { collectorId: 'B' });
    await worker(h);
    await waitFor('watermark', () => watermarkOf(h!).read(), (s) => s?.committed === Math.max(...uids));
    await new Promise((r) => setTimeout(r, 800)); // B has retried the lock a few times by now
    expect(b.held()).toEqual([]);
    expect(a.held()).toEqual([`alice/${h.mailbox}`]);
    await a.stop();
    await waitFor('B to take over', async () => b.held(), (x) => x.length === 1, 10_000);
    const more = await h.append(fixtures.slice(10, 12).map((f) => f.raw));
    await waitFor('watermark after takeover', () => watermarkOf(h!).read(), (s) => s?.committed === Math.max(...more));
    const st = (await b.statuses()).find((s) => s.mailbox === h!.mailbox);
    expect(st?.collector).toBe('B');
    expect(await h.indexedIds()).toEqual([...new Set(fixtures.slice(0, 12).map((f) => f.id))].sort());
  });

  it('UIDVALIDITY change (mailbox deleted and recreated): re-read under a new watermark, same ids, no duplicates', async () => {
    h = await createHarness('uidv');
    await h.append(fixtures.map((f) => f.raw));
    const c = await collector(h);
    await worker(h);
    await waitFor('all documents', () => h!.indexedIds(), (v) => v.length === expectedIds.length);
    const before = await watermarkOf(h).read();
    await c.stop();
    running.splice(running.indexOf(c), 1);

    await h.admin.mailboxDelete(h.mailbox);
    await h.admin.mailboxCreate(h.mailbox);
    const uids2 = await h.append([...fixtures].reverse().map((f) => f.raw));
    await collector(h);
    const after = await waitFor('new watermark', () => watermarkOf(h!).read(),
      (s) => s !== undefined && s.uidvalidity !== before?.uidvalidity && s.committed === Math.max(...uids2), 60_000);
    expect(after?.uidvalidity).not.toBe(before?.uidvalidity);
    expect(await h.indexedIds()).toEqual(expectedIds);
    expect(await h.deadLetterCount()).toBe(0);
  });

  it('UIDVALIDITY change while the collector is connected: it reconnects and re-reads, no duplicates', async () => {
    // Dovecot closes an IDLE session whose mailbox is deleted, but a session between commands keeps
    // the old mailbox's view (SEARCH answers from it, IDLE gets "* NO Internal error"). The collector
    // opens the mailbox again every pollIntervalMs, which shows the new UIDVALIDITY either way.
    h = await createHarness('uidvlive', { pollIntervalMs: 2_000 });
    await h.append(fixtures.slice(0, 10).map((f) => f.raw));
    await collector(h);
    await worker(h);
    const before = await waitFor('first pass', () => watermarkOf(h!).read(), (x) => x?.committed === 10);
    await h.admin.mailboxDelete(h.mailbox);
    await h.admin.mailboxCreate(h.mailbox);
    const uids2 = await h.append(fixtures.map((f) => f.raw));
    await waitFor('new watermark', () => watermarkOf(h!).read(),
      (x) => x !== undefined && x.uidvalidity !== before?.uidvalidity && x.committed === Math.max(...uids2), 60_000);
    expect(await h.indexedIds()).toEqual(expectedIds);
  });

  it('the mailbox missing for a while: error in status, reconnects with backoff (no tight loop), then re-reads', async () => {
    h = await createHarness('uidvgone', { pollIntervalMs: 2_000 });
    await h.append(fixtures.slice(0, 5).map((f) => f.raw));
    let reconnects = 0;
    const c = await collector(h, { events: { reconnect: () => { reconnects++; } } });
    await worker(h);
    const before = await waitFor('first pass', () => watermarkOf(h!).read(), (x) => x?.committed === 5);
    await h.admin.mailboxDelete(h.mailbox);
    const gone = await waitFor('an error in status', async () => (await c.statuses()).find((s) => s.mailbox === h!.mailbox),
      (st) => st?.lastError !== undefined && /doesn't exist/i.test(st.lastError), 20_000);
    expect(gone?.lastErrorAt).toBeDefined();
    const counted = reconnects;
    await new Promise((r) => setTimeout(r, 3_000));
    // Backoff 200 ms doubling to 1 s (±20 %): about 4 to 7 attempts in 3 s; a tight loop makes hundreds.
    expect(reconnects - counted).toBeGreaterThanOrEqual(2);
    expect(reconnects - counted).toBeLessThanOrEqual(12);
    expect(c.held()).toEqual([`alice/${h.mailbox}`]);

    await h.admin.mailboxCreate(h.mailbox);
    const uids2 = await h.append(fixtures.map((f) => f.raw));
    await waitFor('new watermark', () => watermarkOf(h!).read(),
      (x) => x !== undefined && x.uidvalidity !== before?.uidvalidity && x.committed === Math.max(...uids2), 60_000);
    expect(await h.indexedIds()).toEqual(expectedIds);
    const st = (await c.statuses()).find((s) => s.mailbox === h!.mailbox);
    expect(st?.phase).toBe('waiting');
  });
});
