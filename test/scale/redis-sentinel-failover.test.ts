// Redis Sentinel failover during a backfill: the master the sentinels name is killed with SIGKILL while
// collectors and workers (real processes) move thousands of messages; the sentinels promote a replica and the
// pipeline must still index every message exactly once, with no dead letters.
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { buildDist } from '../integration/process-harness.js';
import { addressText, ask, backfillThroughFailover, startServer, type Address, type RedisTopologyUnderTest } from './redis-failover-harness.js';

let sentinels: Address[] = [];
let name = '';

/** The master a sentinel names for the group. */
async function masterSeenBy(sentinel: Address): Promise<Address | undefined> {
  const reply = await ask(sentinel, (r) => r.call('SENTINEL', 'GET-MASTER-ADDR-BY-NAME', name) as Promise<[string, string] | null>)
    .catch(() => null);
  return reply === null ? undefined : { host: reply[0], port: Number(reply[1]) };
}

const sentinel: RedisTopologyUnderTest = {
  server: 'redis-sentinel',
  location(env) {
    const list = (env['MAILVERDICT_REDIS_SENTINELS'] ?? '').split(',').filter(Boolean);
    name = env['MAILVERDICT_REDIS_NAME'] ?? '';
    if (list.length === 0 || name === '') throw new Error('scripts/services env printed no MAILVERDICT_REDIS_SENTINELS / MAILVERDICT_REDIS_NAME');
    sentinels = list.map((s) => ({ host: s.slice(0, s.lastIndexOf(':')), port: Number(s.slice(s.lastIndexOf(':') + 1)) }));
    return { sentinels: list, name };
  },
  async queueMaster() {
    const master = await masterSeenBy(sentinels[0]!);
    if (master === undefined) throw new Error(`sentinel ${addressText(sentinels[0]!)} names no master for ${name}`);
    return master;
  },
  async promotedAfter(killed) {
    const deadline = Date.now() + 60_000;
    for (;;) {
      // Every sentinel names the same new master, and it says it is one.
      const views = await Promise.all(sentinels.map(masterSeenBy));
      const master = views[0];
      if (master !== undefined && addressText(master) !== addressText(killed) && views.every((v) => v !== undefined && addressText(v) === addressText(master))) {
        const role = await ask(master, (r) => r.call('ROLE') as Promise<unknown[]>).catch(() => []);
        if (role[0] === 'master') return master;
      }
      if (Date.now() > deadline) throw new Error(`the sentinels promoted no replica after ${addressText(killed)} within 60 s; views: ${JSON.stringify(views)}`);
      await new Promise((r) => setTimeout(r, 200));
    }
  },
};

describe('Redis Sentinel: the master killed during a backfill', () => {
  beforeAll(async () => {
    console.log(`scripts/services start redis-sentinel: ${startServer('redis-sentinel')} ms`);
    await buildDist();
  }, 300_000);
  afterAll(() => {
    // The killed master comes back as a replica of the promoted one.
    console.log(`scripts/services start redis-sentinel (repair): ${startServer('redis-sentinel')} ms`);
  }, 300_000);

  it('3000 messages, two collectors, three workers: exactly 3000 documents, no dead letters', async () => {
    const { fc, expected, cleanup } = await backfillThroughFailover(sentinel, { tag: 'rsf', messages: 3000 }, (l) => console.log(l));
    try {
      expect(expected).toHaveLength(3000);
      expect(await fc.docIds()).toEqual(expected);
      expect(await fc.deadLetters()).toEqual([]);
    } finally {
      await cleanup();
    }
  });
});
