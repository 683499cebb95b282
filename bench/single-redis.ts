// The memory benches read one server's INFO and SCAN: they measure a single Redis, never a cluster.
import type { Redis } from 'ioredis';
import type { RedisClient } from '../src/queue/connection.js';

export function singleRedis(client: RedisClient): Redis {
  if ('isCluster' in client && client.isCluster) throw new Error('this bench measures one Redis server: set redis.url, not redis.cluster');
  return client as Redis;
}
