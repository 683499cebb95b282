// Workers come and go mid-backfill: two `mailverdict work` processes share a backfill of a few thousand messages
// from one `mailverdict collect`; a third is added, one of the first two is stopped with SIGTERM (it finishes what
// it holds and exits 0) and the other is killed with -9 (its jobs stall until their lock runs out, then the
// survivor takes them back). Exactly N documents afterwards, nothing dead-lettered. The single Elasticsearch and the
// shared Redis, under this test's own queue, key prefix and index prefix.
import { Queue } from 'bullmq';
import { afterEach, beforeAll, describe, expect, it } from 'vitest';
import { buildDist, createFaultCase, generateMessages, idsOf, MvProcess, runMv, waitFor, type FaultCase } from '../integration/process-harness.js';
import { enginesUnderTest } from '../support/engines.js';

const N = 3000;

describe('worker scaling mid-backfill (real processes)', () => {
  let fc: FaultCase | undefined;
  beforeAll(async () => {
    await buildDist();
  }, 180_000);
  afterEach(async () => {
    await fc?.cleanup(); // kills the processes first
    fc = undefined;
  });

  it('add a worker, SIGTERM one, kill -9 another → exactly N, no dead letter', async () => {
    const elasticsearch = enginesUnderTest().find((e) => e.engine === 'elasticsearch');
    if (elasticsearch === undefined) throw new Error('this test needs Elasticsearch; MAILVERDICT_TEST_ENGINES leaves it out');
    fc = await createFaultCase('wscale', { engine: elasticsearch });
    const box = await fc.mailbox('quarantine', 'bf');
    const messages = generateMessages(N, 'wscale');
    await fc.append('quarantine', box, messages.map((m) => m.raw));
    const expected = idsOf(messages);
    expect(expected).toHaveLength(N);
    const file = fc.writeConfig(fc.baseConfig([{ id: 'quarantine', user: 'quarantine', mailboxes: [box], batchSize: 50 }], {
      // Small jobs, one at a time per worker: many jobs to share, so each change lands while plenty are left.
      queue: { batchMaxMessages: 10, maxWaitingJobs: 20 }, worker: { concurrency: 1 },
    }));
    const setup = await runMv(['setup', '-c', file]);
    expect(setup.code, setup.stderr).toBe(0);

    const handled = async (w: MvProcess): Promise<number> =>
      (await w.metric('mailverdict_messages_indexed_total', { outcome: 'created' })) + (await w.metric('mailverdict_messages_indexed_total', { outcome: 'duplicate' }));
    const committed = async (): Promise<number> => (await fc!.mailboxes()).find((m) => m.mailbox === box)?.committed ?? -1;
    const collector = new MvProcess('collect', file);
    const first = new MvProcess('work', file);
    const second = new MvProcess('work', file);
    await waitFor('a tenth of the documents', () => fc!.docCount(), (n) => n >= N / 10, 180_000);
    const beforeBoth = [await handled(first), await handled(second)];

    // Two workers finish this backfill in well under a minute here, about as long as a new process takes to start on
    // a loaded 2-core machine: the queue is paused while worker 3 starts (workers 1 and 2 finish the jobs they hold
    // and wait), so that it joins with most of the work still ahead.
    const queue = new Queue(fc.queueName, { connection: fc.redis, prefix: fc.keyPrefix });
    queue.on('error', () => undefined);
    await queue.pause();
    const third = new MvProcess('work', file);
    await third.httpUrl(120_000);
    await queue.resume();
    await queue.close();
    const addedAt = Date.now();
    await waitFor('the added worker indexing', () => handled(third), (n) => n > 0, 120_000)
      .catch(async (err: Error) => {
        throw new Error(`${err.message}; ${await fc!.docCount()}/${N} documents, watermark ${await committed()}, ` +
          `${Math.round((Date.now() - addedAt) / 1000)} s after the start of worker 3`);
      });
    const atAdd = await fc.docCount();
    console.log(`${new Date().toISOString()} worker 3 added (pid ${third.pid}), started and indexing; ${atAdd}/${N} documents; ` +
      `workers 1 and 2 had handled ${beforeBoth.join(' and ')} messages`);
    expect(atAdd).toBeLessThan(N);

    const firstHandled = await handled(first);
    const stopped = await first.stop();
    expect(stopped).toEqual({ code: 0, signal: null });
    const atStop = await fc.docCount();
    console.log(`${new Date().toISOString()} worker 1 (pid ${first.pid}) stopped by SIGTERM: exit 0 after handling ≥${firstHandled}; ${atStop}/${N} documents`);
    expect(atStop).toBeLessThan(N);

    const secondHandled = await handled(second);
    await second.kill9();
    const atKill = await fc.docCount();
    console.log(`${new Date().toISOString()} worker 2 (pid ${second.pid}) killed with -9 after handling ≥${secondHandled}; ${atKill}/${N} documents`);
    expect(atKill).toBeLessThan(N);

    // What worker 2 held stays active until its lock expires; worker 3's stalled-job check takes it back.
    await waitFor('watermark at N', committed, (n) => n === N, 240_000);
    expect(await fc.docIds()).toEqual(expected);
    expect(await fc.deadLetters()).toEqual([]);
    expect(collector.running && third.running).toBe(true);
    console.log(`${new Date().toISOString()} ${N}/${N} documents, 0 dead letters; worker 3 created ` +
      `${await third.metric('mailverdict_messages_indexed_total', { outcome: 'created' })}, duplicates ` +
      `${await third.metric('mailverdict_messages_indexed_total', { outcome: 'duplicate' })}`);
  }, 480_000);
});
