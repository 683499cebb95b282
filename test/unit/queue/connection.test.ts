import { describe, expect, it } from 'vitest';
import { Cluster, Redis } from 'ioredis';
import { clusterOptions, createRedis, redisOptions } from '../../../src/queue/connection.js';
import { describeRedisError } from '../../../src/queue/describe-redis-error.js';
import { redisWhere } from '../../../src/queue/redis-topology.js';

const cluster = { cluster: ['redis://10.0.0.1:7000', '10.0.0.2:7001'], username: 'mv', password: 'node-pass' };
const sentinel = { sentinels: ['10.0.0.1', 'redis://10.0.0.2:26380'], name: 'mymaster', password: 'node-pass', sentinelPassword: 'sent-pass' };

describe('Redis connection factory', () => {
  it('makes a Cluster for cluster nodes and a Redis for a URL or sentinels, without connecting a probe', () => {
    const clients = [createRedis(cluster, 'probe'), createRedis({ url: 'redis://127.0.0.1:1' }, 'probe'), createRedis(sentinel, 'probe')];
    try {
      expect(clients.map((c) => c instanceof Cluster)).toEqual([true, false, false]);
      expect(clients.every((c) => c.status === 'wait')).toBe(true);
      expect((clients[2] as Redis).options.sentinels).toEqual([{ host: '10.0.0.1', port: 26379 }, { host: '10.0.0.2', port: 26380 }]);
    } finally {
      for (const c of clients) c.disconnect();
    }
  });

  it('gives blocking clients maxRetriesPerRequest null on every topology (BullMQ refuses a worker otherwise)', () => {
    expect(clusterOptions(cluster, 'blocking').redisOptions?.maxRetriesPerRequest).toBeNull();
    expect(redisOptions(sentinel, 'blocking').maxRetriesPerRequest).toBeNull();
    expect(redisOptions({ url: 'redis://r' }, 'blocking').maxRetriesPerRequest).toBeNull();
    expect(clusterOptions(cluster, 'command').redisOptions?.maxRetriesPerRequest).toBe(20);
  });

  it('puts the server credentials on every node and the sentinel credentials on the sentinels', () => {
    expect(clusterOptions(cluster, 'command').redisOptions).toMatchObject({ username: 'mv', password: 'node-pass' });
    const options = redisOptions(sentinel, 'command');
    expect(options).toMatchObject({ name: 'mymaster', password: 'node-pass', sentinelPassword: 'sent-pass', failoverDetector: true, enableTLSForSentinelMode: false });
    expect(options.sentinelTLS).toBeUndefined();
  });

  it('uses TLS on the servers with a tls block, and on the sentinels when they are rediss://', () => {
    const tls = { rejectUnauthorized: false };
    expect(redisOptions({ ...sentinel, tls }, 'command')).toMatchObject({ enableTLSForSentinelMode: true, tls: { rejectUnauthorized: false } });
    const tlsSentinels = redisOptions({ ...sentinel, sentinels: ['rediss://s1:26379'], tls }, 'command');
    expect(tlsSentinels.sentinelTLS).toEqual({ rejectUnauthorized: false });
    expect(clusterOptions({ cluster: ['rediss://c1:7000'] }, 'command').redisOptions?.tls).toEqual({ rejectUnauthorized: true });
    expect(clusterOptions(cluster, 'command').redisOptions?.tls).toBeUndefined();
  });

  it('says where Redis is, never with a password', () => {
    expect(redisWhere({ url: 'redis://u:secret@r.example:6380/2' })).toBe('Redis at r.example:6380');
    expect(redisWhere(cluster)).toBe('Redis Cluster at 10.0.0.1:7000, 10.0.0.2:7001');
    expect(redisWhere(sentinel)).toBe('Redis Sentinel master "mymaster" via 10.0.0.1:26379, 10.0.0.2:26380');
  });

  it('describes cluster and sentinel failures in words', () => {
    const allFailed = Object.assign(new Error('Failed to refresh slots cache.'), { lastNodeError: Object.assign(new Error('connect ECONNREFUSED 10.0.0.1:7000'), { code: 'ECONNREFUSED' }) });
    expect(describeRedisError(allFailed, cluster)).toBe('Redis Cluster at 10.0.0.1:7000, 10.0.0.2:7001: connection refused');
    expect(describeRedisError(new Error('All sentinels are unreachable and retry is disabled. Last error: connect ECONNREFUSED 10.0.0.1:26379'), sentinel))
      .toBe('Redis Sentinel master "mymaster" via 10.0.0.1:26379, 10.0.0.2:26380: no sentinel answers (connection refused)');
    expect(describeRedisError(new Error('All sentinels are unreachable and retry is disabled.'), sentinel))
      .toBe('Redis Sentinel master "mymaster" via 10.0.0.1:26379, 10.0.0.2:26380: no sentinel named a master for "mymaster" (redis.name)');
    expect(describeRedisError(new Error('WRONGPASS invalid username-password pair sent-pass'), sentinel)).not.toContain('sent-pass');
  });
});
