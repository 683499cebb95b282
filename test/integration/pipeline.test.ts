import { afterEach, describe, expect, it } from 'vitest';
import { parseFetched, parseMessage } from '../../src/parse/parse-message.js';
import { readMessage } from '../../src/headers/read-message.js';
import { startCollector, type Collector } from '../../src/collector/collector.js';
import { Watermark } from '../../src/mailbox-state/watermark.js';
import { startWorker, type RunningWorker } from '../../workers/worker.js';
import { enginesUnderTest } from '../support/engines.js';
import { createHarness, fixtureMessages, waitFor, type Harness } from './pipeline-harness.js';

const fixtures = fixtureMessages();
const expectedIds = [...new Set(fixtures.map((f) => f.id))].sort();

describe('pipeline: IMAP → BullMQ → search store (real servers)', () => {
  let h: Harness | undefined;
  const running: { stop(): Promise<void> }[] = [];
  afterEach(async () => {
    for (const r of running.splice(0).reverse()) await r.stop().catch(() => undefined);
    await h?.cleanup();
    h = undefined;
  });
  const collector = async (hh: Harness, deps = {}): Promise<Collector> => {
    const c = await startCollector(hh.config, { lockRetryMs: 300, reconnectMinMs: 200, ...deps });
    running.push(c);
    return c;
  };
  const worker = async (hh: Harness, deps = {}): Promise<RunningWorker> => {
    const w = await startWorker(hh.config, deps);
    running.push({ stop: () => w.stop() });
    return w;
  };
  const watermarkOf = (hh: Harness): Watermark => new Watermark(hh.redis, hh.keyPrefix, { account: 'alice', mailbox: hh.mailbox });

  it.each(enginesUnderTest())('indexes every message exactly once, read-only, and again nothing doubles ($engine)', async (target) => {
    h = await createHarness('flow', {}, target);
    expect(fixtures.length).toBeGreaterThan(50);
    const uids = await h.append(fixtures.map((f) => f.raw));
    expect(uids).toHaveLength(fixtures.length);
    const flagsBefore = await h.flags();

    const c1 = await collector(h);
    await worker(h);
    const ids = await waitFor('all documents', () => h!.indexedIds(), (v) => v.length >= expectedIds.length);
    expect(ids).toEqual(expectedIds);
    const wm = await waitFor('watermark', () => watermarkOf(h!).read(), (s) => s?.committed === Math.max(...uids));
    expect(wm?.committed).toBe(Math.max(...uids));
    expect(await h.deadLetterCount()).toBe(0);
    // Headers-only fetch gives the same verdicts as parsing the whole file (MIME part headers included).
    const byId = new Map(fixtures.map((f) => [f.id, parseMessage(f.raw, { origin: { kind: 'file' } }).document.mailverdict]));
    await h.es.indices.refresh({ index: `${h.indexPrefix}-*` });
    // (No `-<prefix>-deadletter` exclusion: OpenSearch refuses to exclude an index that does not exist.)
    const docs = await h.es.search<{ mailverdict: Record<string, unknown> }>({ index: `${h.indexPrefix}-2*,${h.indexPrefix}-undated`, ignore_unavailable: true, size: 1000 });
    let withParts = 0;
    for (const hit of docs.hits.hits) {
      const want = byId.get(hit._id ?? '');
      const got = hit._source?.mailverdict;
      expect({ av: got?.['av'], spam: got?.['spam'], scan: got?.['scan'], gateways: got?.['gateways'] })
        .toEqual(JSON.parse(JSON.stringify({ av: want?.av, spam: want?.spam, scan: want?.scan, gateways: want?.gateways })));
      expect(got?.['origin']).toMatchObject({ kind: 'imap', account: 'alice', mailbox: h.mailbox });
    }
    // …and some fixtures' verdicts really depend on the part headers (so the test above covers them).
    for (const f of fixtures) {
      const { headerBytes } = readMessage(f.raw);
      const headerOnly = parseFetched(headerBytes, [], { origin: { kind: 'file' } }).document.mailverdict;
      if (JSON.stringify(headerOnly.av) !== JSON.stringify(byId.get(f.id)?.av)) withParts++;
    }
    expect(withParts).toBeGreaterThan(0);
    expect(await h.flags()).toEqual(flagsBefore); // EXAMINE + BODY.PEEK: nothing marked seen

    const statuses = await c1.statuses();
    const mine = statuses.find((s) => s.mailbox === h!.mailbox);
    expect(mine).toMatchObject({ account: 'alice', committed: Math.max(...uids), lastSeenUid: Math.max(...uids), backlog: 0 });
    expect(mine?.lastPollAt).toBeDefined();

    // Restart everything with the watermark forgotten: everything is read again, nothing doubles.
    for (const r of running.splice(0).reverse()) await r.stop();
    await h.redis.del(watermarkOf(h).keys.state, watermarkOf(h).keys.done);
    await collector(h);
    await worker(h);
    await waitFor('re-read watermark', () => watermarkOf(h!).read(), (s) => s?.committed === Math.max(...uids));
    expect(await h.indexedIds()).toEqual(expectedIds);
  });

  it('picks up new mail through IDLE within seconds', async () => {
    h = await createHarness('idle', { pollIntervalMs: 120_000 });
    const first = fixtures.slice(0, 3);
    await h.append(first.map((f) => f.raw));
    await collector(h);
    await worker(h);
    await waitFor('first documents', () => h!.indexedIds(), (v) => v.length === new Set(first.map((f) => f.id)).size);
    await new Promise((r) => setTimeout(r, 1500)); // let the collector settle into IDLE
    const added = fixtures[10]!;
    const started = Date.now();
    await h.append([added.raw]);
    const ids = await waitFor('the new message', () => h!.indexedIds(), (v) => v.includes(added.id), 15_000);
    expect(Date.now() - started).toBeLessThan(10_000); // polling would take 120 s
    expect(ids).toHaveLength(new Set([...first, added].map((f) => f.id)).size);
  });
});
