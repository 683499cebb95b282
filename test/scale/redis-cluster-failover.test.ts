// Redis Cluster failover during a backfill: the master owning the queue's hash slot is killed with SIGKILL
// while collectors and workers (real processes) move thousands of messages; the cluster promotes its replica
// and the pipeline must still index every message exactly once, with no dead letters.
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import type { Cluster } from 'ioredis';
import { buildDist } from '../integration/process-harness.js';
import { addressText, ask, backfillThroughFailover, startServer, type Address, type RedisTopologyUnderTest } from './redis-failover-harness.js';

const nodesOf = (env: Record<string, string>): Address[] =>
  (env['MAILVERDICT_REDIS_CLUSTER'] ?? '').split(',').filter(Boolean).map((u) => {
    const url = new URL(u);
    return { host: url.hostname, port: Number(url.port) };
  });

type SlotRange = [number, number, [string, number, ...unknown[]], ...unknown[]];

/** The master serving `slot` in a node's view of the cluster. */
function ownerOf(ranges: SlotRange[], slot: number): Address | undefined {
  const range = ranges.find(([from, to]) => from <= slot && slot <= to);
  return range === undefined ? undefined : { host: range[2][0], port: Number(range[2][1]) };
}

let nodes: Address[] = [];

const cluster: RedisTopologyUnderTest = {
  server: 'redis-cluster',
  location(env) {
    nodes = nodesOf(env);
    if (nodes.length === 0) throw new Error('scripts/services env printed no MAILVERDICT_REDIS_CLUSTER');
    return { cluster: env['MAILVERDICT_REDIS_CLUSTER']!.split(',') };
  },
  async queueMaster(client, queueKey) {
    const c = client as Cluster;
    const slot = Number(await c.cluster('KEYSLOT', queueKey));
    const owner = ownerOf((await c.cluster('SLOTS')) as unknown as SlotRange[], slot);
    if (owner === undefined) throw new Error(`no master serves slot ${slot} of ${queueKey}`);
    console.log(`queue key ${queueKey}: slot ${slot}, master ${addressText(owner)}`);
    return owner;
  },
  async promotedAfter(killed, queueKey) {
    const survivors = nodes.filter((n) => addressText(n) !== addressText(killed));
    const deadline = Date.now() + 60_000;
    for (;;) {
      // Every surviving node names the same new owner of the slot, and that node says the cluster is ok.
      const views = await Promise.all(survivors.map((n) => ask(n, async (r) => {
        const slot = Number(await r.call('CLUSTER', 'KEYSLOT', queueKey));
        return ownerOf((await r.call('CLUSTER', 'SLOTS')) as SlotRange[], slot);
      }).catch(() => undefined)));
      const owner = views[0];
      if (owner !== undefined && addressText(owner) !== addressText(killed) && views.every((v) => v !== undefined && addressText(v) === addressText(owner))) {
        const info = await ask(owner, (r) => r.call('CLUSTER', 'INFO') as Promise<string>).catch(() => '');
        if (info.includes('cluster_state:ok')) return owner;
      }
      if (Date.now() > deadline) throw new Error(`no replica took over from ${addressText(killed)} within 60 s; views: ${JSON.stringify(views)}`);
      await new Promise((r) => setTimeout(r, 200));
    }
  },
};

describe('Redis Cluster: the queue master killed during a backfill', () => {
  beforeAll(async () => {
    console.log(`scripts/services start redis-cluster: ${startServer('redis-cluster')} ms`);
    await buildDist();
  }, 300_000);
  afterAll(() => {
    // The killed node comes back as a replica of the promoted one.
    console.log(`scripts/services start redis-cluster (repair): ${startServer('redis-cluster')} ms`);
  }, 300_000);

  it('3000 messages, two collectors, three workers: exactly 3000 documents, no dead letters', async () => {
    const { fc, expected, cleanup } = await backfillThroughFailover(cluster, { tag: 'rcf', messages: 3000 }, (l) => console.log(l));
    try {
      expect(expected).toHaveLength(3000);
      expect(await fc.docIds()).toEqual(expected);
      expect(await fc.deadLetters()).toEqual([]);
    } finally {
      await cleanup();
    }
  });
});
