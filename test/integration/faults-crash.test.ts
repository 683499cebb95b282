// Crashes and outages in the middle of a backfill of a few thousand messages, with the collector and the
// worker as separate real processes: kill -9 of either, the search store (each engine) unreachable for a while (a TCP proxy
// in front of the shared server is cut — the server itself is never stopped), Redis emptied (a private
// redis-server, never the shared one). Every time: exactly N documents afterwards, nothing dead-lettered.
import { afterEach, beforeAll, describe, expect, it } from 'vitest';
import { enginesUnderTest, type EngineUnderTest } from '../support/engines.js';
import {
  buildDist, createFaultCase, generateMessages, idsOf, MvProcess, PrivateRedis, runMv, TcpProxy, waitFor,
  type ConfigOverrides, type FaultCase, type StatusJson,
} from './process-harness.js';

const N = 3000;

describe('faults mid-backfill (real processes)', () => {
  let fc: FaultCase | undefined;
  const closers: (() => Promise<void>)[] = [];
  beforeAll(async () => {
    await buildDist();
  }, 180_000);
  afterEach(async () => {
    await fc?.cleanup(); // kills the processes first
    for (const close of closers.splice(0).reverse()) await close().catch(() => undefined);
    fc = undefined;
  });

  /** A mailbox of N generated messages, a config with small batches, and the index templates in place. */
  async function backfillCase(tag: string, overrides: ConfigOverrides = {}, redis?: PrivateRedis, target?: EngineUnderTest): Promise<{ file: string; box: string; expected: string[]; status(): Promise<Pick<StatusJson, 'mailboxes'>>; committed(s: Pick<StatusJson, 'mailboxes'>): number }> {
    fc = await createFaultCase(tag, target === undefined ? {} : { engine: target });
    const box = await fc.mailbox('quarantine', 'bf');
    const messages = generateMessages(N, tag);
    await fc.append('quarantine', box, messages.map((m) => m.raw));
    const expected = idsOf(messages);
    expect(expected).toHaveLength(N);
    const accounts = [{ id: 'quarantine', user: 'quarantine' as const, mailboxes: [box], batchSize: 50 }];
    const queue = { batchMaxMessages: 20, maxWaitingJobs: 20 };
    const file = fc.writeConfig(fc.baseConfig(accounts, { ...overrides, queue }));
    // `status` and `setup` from the test talk to Elasticsearch directly, not through a proxy that may be cut.
    const { esUrl: _proxied, ...direct } = overrides;
    const checkFile = fc.writeConfig(fc.baseConfig(accounts, { ...direct, queue }), 'check.yaml');
    const setup = await runMv(['setup', '-c', checkFile]);
    expect(setup.code, setup.stderr).toBe(0);
    const statusRedis = redis?.client;
    return {
      file, box, expected,
      status: async () => ({ mailboxes: await fc!.mailboxes(statusRedis) }),
      committed: (s) => s.mailboxes.find((m) => m.mailbox === box)?.committed ?? -1,
    };
  }

  /** Polls until a fifth of the documents are in: the backfill is running, and far from done. */
  const midway = (): Promise<number> => waitFor('a fifth of the documents', () => fc!.docCount(), (n) => n >= N / 5, 120_000);

  // The worker kill and the store outage run against each search engine.
  it.each(enginesUnderTest())('kill -9 of the worker mid-backfill, restart → exactly N ($engine)', async (target) => {
    const c = await backfillCase('kw', {}, undefined, target);
    const collector = new MvProcess('collect', c.file);
    const worker = new MvProcess('work', c.file);
    await midway();
    await worker.kill9();
    const atKill = await fc!.docCount();
    expect(atKill).toBeLessThan(N);
    expect(c.committed(await c.status())).toBeLessThan(N);

    // The batches the dead worker held stay "active" until their lock runs out; the new worker's stalled-job
    // check hands them back (BullMQ: lockDuration and stalledInterval, 30 s each).
    const again = new MvProcess('work', c.file);
    await waitFor('watermark at N', () => c.status(), (s) => c.committed(s) === N, 150_000);
    expect(await fc!.docIds()).toEqual(c.expected);
    expect(await fc!.deadLetters()).toEqual([]);
    expect(collector.running).toBe(true);
    console.log(`kill -9 worker (${target.engine}): ${atKill}/${N} indexed at the kill; after restart ${N}/${N}, ` +
      `restarted worker created ${await again.metric('mailverdict_messages_indexed_total', { outcome: 'created' })}, ` +
      `duplicates ${await again.metric('mailverdict_messages_indexed_total', { outcome: 'duplicate' })}`);
  }, 300_000);

  it('kill -9 of the collector mid-backfill, restart → exactly N', async () => {
    const c = await backfillCase('kc');
    const collector = new MvProcess('collect', c.file);
    const worker = new MvProcess('work', c.file);
    await midway();
    await collector.kill9();
    const seen = (await c.status()).mailboxes.find((m) => m.mailbox === c.box)?.lastSeenUid ?? 0;
    expect(seen).toBeLessThan(N);

    // The dead collector's mailbox lock expires (30 s TTL) and the new one takes over from the watermark.
    const again = new MvProcess('collect', c.file);
    await waitFor('watermark at N', () => c.status(), (s) => c.committed(s) === N, 150_000);
    expect(await fc!.docIds()).toEqual(c.expected);
    expect(await fc!.deadLetters()).toEqual([]);
    const refetched = await again.metric('mailverdict_messages_fetched_total');
    expect(refetched).toBeLessThanOrEqual(N);
    expect(refetched).toBeGreaterThan(0);
    expect(worker.running).toBe(true);
    console.log(`kill -9 collector: last seen UID ${seen} at the kill; the new collector fetched ${refetched}; ${N}/${N} indexed`);
  }, 300_000);

  it.each(enginesUnderTest())('search store unreachable for ~20 s mid-backfill → exactly N, nothing dead-lettered ($engine)', async (target) => {
    const url = new URL(target.url);
    const proxy = await TcpProxy.start({ host: url.hostname, port: Number(url.port) });
    closers.push(() => proxy.close());
    const c = await backfillCase('es', { esUrl: proxy.url }, undefined, target);
    const collector = new MvProcess('collect', c.file);
    const worker = new MvProcess('work', c.file);
    await midway();
    await proxy.cut();
    const cutAt = Date.now();
    const atCut = await fc!.docCount(); // read directly, not through the proxy
    // While Elasticsearch is away: the batches fail and wait for a retry, the collector stops at the
    // queue limit (backpressure) instead of filling Redis, and nothing is indexed.
    await waitFor('a failed batch logged', async () => worker.logs().some((l) => l.msg?.startsWith('batch failed, will be retried') === true), (x) => x, 60_000);
    await waitFor('collector backpressure', () => c.status(), (st) => st.mailboxes.some((m) => m.phase === 'backpressure'), 60_000);
    const remaining = 20_000 - (Date.now() - cutAt);
    if (remaining > 0) await new Promise((r) => setTimeout(r, remaining)); // the outage itself: a fixed duration on purpose
    const duringOutage = await fc!.docCount();
    expect(duringOutage - atCut).toBeLessThanOrEqual(40); // at most the bulk requests already in flight at the cut
    expect(worker.running).toBe(true);
    await proxy.restore();
    const outageMs = Date.now() - cutAt;

    await waitFor('watermark at N', () => c.status(), (st) => c.committed(st) === N, 180_000);
    expect(await fc!.docIds()).toEqual(c.expected);
    expect(await fc!.deadLetters()).toEqual([]);
    expect(collector.running).toBe(true);
    const retries = await worker.metric('mailverdict_elasticsearch_retries_total');
    expect(retries).toBeGreaterThan(0);
    console.log(`${target.engine} away ${Math.round(outageMs / 1000)} s at ${atCut}/${N} documents; ${retries} bulk retries; ${N}/${N} indexed, 0 dead letters`);
  }, 300_000);

  it('Redis emptied (FLUSHALL on a private redis-server) mid-backfill → exactly N after recovery', async () => {
    const redis = await PrivateRedis.start();
    closers.push(() => redis.stop());
    const c = await backfillCase('fl', { redisUrl: redis.url }, redis);
    const collector = new MvProcess('collect', c.file);
    const worker = new MvProcess('work', c.file);
    await midway();
    await redis.flushAll();
    const atFlush = await fc!.docCount();
    expect(atFlush).toBeLessThan(N);

    // The collector finds its watermark gone, starts over from UID 1; everything already indexed comes back as
    // duplicates (create + deterministic _id), the rest is created.
    await waitFor('watermark at N', () => c.status(), (st) => c.committed(st) === N, 180_000);
    expect(await fc!.docIds()).toEqual(c.expected);
    expect(await fc!.deadLetters()).toEqual([]);
    expect(collector.running && worker.running).toBe(true);
    // The state really was lost: what was indexed before the flush was read and sent again.
    const dup = await worker.metric('mailverdict_messages_indexed_total', { outcome: 'duplicate' });
    expect(dup).toBeGreaterThan(0);
    console.log(`FLUSHALL at ${atFlush}/${N} documents; ${dup} re-read as duplicates; ${N}/${N} indexed`);
  }, 300_000);
});
