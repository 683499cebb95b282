// afterCommit actions touch only committed messages (docs/principles.md 3).
import { afterEach, describe, expect, it } from 'vitest';
import { startCollector } from '../../src/collector/collector.js';
import { Watermark } from '../../src/mailbox-state/watermark.js';
import { startWorker } from '../../workers/worker.js';
import { BulkSink } from '../../src/sink/bulk-sink.js';
import { TransientIndexError } from '../../src/sink/errors.js';
import type { ParsedMessage } from '../../src/document/types.js';
import { createHarness, fixtureMessages, waitFor, type Harness } from './pipeline-harness.js';

const fixtures = fixtureMessages().slice(0, 12);

describe('collector afterCommit (real servers)', () => {
  let h: Harness | undefined;
  const running: { stop(): Promise<void> }[] = [];
  afterEach(async () => {
    for (const r of running.splice(0).reverse()) await r.stop().catch(() => undefined);
    await h?.cleanup();
    h = undefined;
  });

  it('marks seen only messages whose UIDs are committed', async () => {
    h = await createHarness('seen', { afterCommit: { action: 'seen' } });
    h.config.queue.batchMaxMessages = 3;
    const uids = await h.append(fixtures.map((f) => f.raw));
    const wm = new Watermark(h.redis, h.keyPrefix, { account: 'alice', mailbox: h.mailbox });

    // Collector alone: everything enqueued, nothing committed → nothing marked.
    running.push(await startCollector(h.config, { postCommitCheckMs: 200 }));
    await waitFor('watermark opened', () => wm.read(), (s) => s !== undefined);
    await new Promise((r) => setTimeout(r, 1500));
    expect([...(await h.flags()).values()].filter((f) => f.includes('\\Seen'))).toEqual([]);

    // A worker that cannot index batches beyond the 6th message: committed stops at uids[5].
    const real = new BulkSink(h.es, h.config.elasticsearch);
    const limit = uids[5]!;
    const partial = {
      indexBatch: async (messages: readonly ParsedMessage[], ctx?: Parameters<BulkSink['indexBatch']>[1]) => {
        const maxUid = Math.max(...messages.map((m) => m.document.mailverdict.origin.uid ?? 0));
        if (maxUid > limit) throw new TransientIndexError('simulated outage');
        return real.indexBatch(messages, ctx);
      },
    } as unknown as BulkSink;
    const w = await startWorker(h.config, { sink: partial });
    running.push({ stop: () => w.stop() });
    await waitFor('partial commit', () => wm.read(), (s) => s?.committed === limit);
    await waitFor('post-commit applied', () => wm.read(), (s) => s?.postCommitted === limit, 15_000);
    const flags = await h.flags();
    for (const uid of uids) expect(flags.get(uid)?.includes('\\Seen'), `uid ${uid}`).toBe(uid <= limit);
  });
});
