// Removes every Redis key under a bench's unique prefix (queues, watermarks, locks), on every master of
// a cluster too (SCAN walks one node).
import type { Redis } from 'ioredis';
import type { RedisClient } from '../../src/queue/connection.js';

export async function deleteKeys(client: RedisClient, keyPrefix: string): Promise<number> {
  const nodes: Redis[] = 'nodes' in client && typeof client.nodes === 'function' && client.isCluster ? client.nodes('master') : [client as Redis];
  let deleted = 0;
  for (const redis of nodes) {
    let cursor = '0';
    do {
      const [next, keys] = await redis.scan(cursor, 'MATCH', `${keyPrefix}:*`, 'COUNT', 1000);
      for (const key of keys) deleted += await redis.unlink(key);
      cursor = next;
    } while (cursor !== '0');
  }
  return deleted;
}
