import { afterEach, describe, expect, it } from 'vitest';
import { parseConfig } from '../../../src/config/load-config.js';
import { parseRedisNode } from '../../../src/config/redis-node.js';
import { configError, minimal, tempDir, type TempDir } from './helpers.js';

function withRedis(redis: Record<string, unknown>): Record<string, unknown> {
  return { ...minimal(), redis };
}

describe('redis: one server, a cluster or sentinels', () => {
  let dir: TempDir | undefined;
  afterEach(() => { dir?.remove(); dir = undefined; });

  it('accepts a cluster given as URLs and host:port, keeping the bare key prefix', () => {
    const config = parseConfig(withRedis({ cluster: ['redis://10.0.0.1:7000', '10.0.0.2:7001', 'redis-3'] }), { env: {} });
    expect(config.redis).toEqual({ cluster: ['redis://10.0.0.1:7000', '10.0.0.2:7001', 'redis-3'], keyPrefix: 'mailverdict' });
  });

  it('takes a single cluster node as a list of one', () => {
    expect(parseConfig(withRedis({ cluster: 'redis://10.0.0.1:7000' }), { env: {} }).redis.cluster).toEqual(['redis://10.0.0.1:7000']);
  });

  it('accepts sentinels with the master group name and their own credentials', () => {
    const config = parseConfig(withRedis({
      sentinels: ['s1:26379', 'redis://s2:26380', '[::1]:26381'],
      name: 'mymaster', password: 'node-pass', sentinelUsername: 'sen', sentinelPassword: 'sentinel-pass',
    }), { env: {} });
    expect(config.redis).toMatchObject({ sentinels: ['s1:26379', 'redis://s2:26380', '[::1]:26381'], name: 'mymaster', sentinelPassword: 'sentinel-pass' });
  });

  it('requires one of url, cluster and sentinels, and only one', () => {
    expect(configError(() => parseConfig(withRedis({ keyPrefix: 'x' }), { env: {} })).issues)
      .toEqual(['redis: expected one of url (a single server), cluster (Redis Cluster nodes) or sentinels (with name), got none']);
    expect(configError(() => parseConfig(withRedis({ url: 'redis://r', cluster: ['c:7000'] }), { env: {} })).issues)
      .toEqual(['redis.cluster: expected only one of url, cluster or sentinels, got url and cluster']);
    expect(configError(() => parseConfig(withRedis({ cluster: ['c:7000'], sentinels: ['s:26379'], name: 'm' }), { env: {} })).issues)
      .toEqual(['redis.sentinels: expected only one of url, cluster or sentinels, got cluster and sentinels']);
  });

  it('requires name with sentinels and refuses the sentinel keys without them', () => {
    expect(configError(() => parseConfig(withRedis({ sentinels: ['s:26379'] }), { env: {} })).issues)
      .toEqual(['redis.name: missing, expected the master group name the sentinels monitor because sentinels is set']);
    expect(configError(() => parseConfig(withRedis({ url: 'redis://r', name: 'mymaster', sentinelPassword: 'pw-1234' }), { env: {} })).issues)
      .toEqual([
        'redis.name: expected no value: it is used only with sentinels',
        'redis.sentinelPassword: expected no value: it is used only with sentinels',
      ]);
    expect(configError(() => parseConfig(withRedis({ sentinels: ['s'], name: 'm', sentinelUsername: 'u' }), { env: {} })).issues)
      .toEqual(['redis.sentinelPassword: expected a password because sentinelUsername is set']);
  });

  it('names the entry and what a node address looks like', () => {
    const error = configError(() => parseConfig(withRedis({ cluster: ['redis://c1:7000', 'http://c2:7000', 'redis://user:S3cr3t-node@c3:7000', 'redis://c4:7000/2'] }), { env: {} }));
    expect(error.issues).toEqual([
      'redis.cluster[1]: expected redis://host:port, rediss://host:port or host:port, without user, password or database (those are redis.username / redis.password), got "http://c2:7000"',
      'redis.cluster[2]: expected redis://host:port, rediss://host:port or host:port, without user, password or database (those are redis.username / redis.password), got "redis://user:[redacted]@c3:7000"',
      'redis.cluster[3]: expected redis://host:port, rediss://host:port or host:port, without user, password or database (those are redis.username / redis.password), got "redis://c4:7000/2"',
    ]);
    expect(configError(() => parseConfig(withRedis({ sentinels: ['s1:99999'], name: 'm' }), { env: {} })).issues)
      .toEqual(['redis.sentinels[0]: expected host:port, redis://host:port or rediss://host:port, without user, password or database (those are redis.sentinelUsername / redis.sentinelPassword), got "s1:99999"']);
    expect(configError(() => parseConfig(withRedis({ cluster: [] }), { env: {} })).issues)
      .toEqual(['redis.cluster: expected a list of one or more cluster nodes, got an empty list']);
  });

  it('refuses a mix of TLS and plain entries', () => {
    expect(configError(() => parseConfig(withRedis({ cluster: ['rediss://c1:7000', 'redis://c2:7000'] }), { env: {} })).issues)
      .toEqual(['redis.cluster: expected every entry with TLS (rediss://) or every one without, got both']);
  });

  it('sets cluster, sentinels and name from the environment, lists comma-separated', () => {
    const file = withRedis({ keyPrefix: 'mv' });
    const cluster = parseConfig(file, { env: { MAILVERDICT_REDIS_CLUSTER: 'redis://c1:7000, redis://c2:7001 ,c3:7002' } });
    expect(cluster.redis).toEqual({ cluster: ['redis://c1:7000', 'redis://c2:7001', 'c3:7002'], keyPrefix: 'mv' });
    const sentinel = parseConfig(file, { env: { MAILVERDICT_REDIS_SENTINELS: 's1:26379,s2', MAILVERDICT_REDIS_NAME: 'mymaster', MAILVERDICT_REDIS_SENTINEL_PASSWORD: 'sent-pass' } });
    expect(sentinel.redis).toEqual({ sentinels: ['s1:26379', 's2'], name: 'mymaster', sentinelPassword: 'sent-pass', keyPrefix: 'mv' });
  });

  it('names the variable when the environment adds a second topology to the file', () => {
    const error = configError(() => parseConfig(minimal(), { env: { MAILVERDICT_REDIS_CLUSTER: 'redis://c1:7000' } }));
    expect(error.issues).toEqual(['redis.cluster (from MAILVERDICT_REDIS_CLUSTER): expected only one of url, cluster or sentinels, got url and cluster']);
  });

  it('reads the sentinel password from a file and never shows it', () => {
    dir = tempDir();
    const config = parseConfig(withRedis({ sentinels: ['s1'], name: 'm', sentinelPasswordFile: dir.file('sp', 'S3cr3t-sentinel\n') }), { env: {} });
    expect(config.redis.sentinelPassword).toBe('S3cr3t-sentinel');
    const error = configError(() => parseConfig(withRedis({ url: 'redis://r', sentinelPassword: 'S3cr3t-sentinel' }), { env: {} }));
    expect(error.message).not.toContain('S3cr3t-sentinel');
  });
});

describe('parseRedisNode', () => {
  it('reads host:port, bare hosts, IPv6 and redis(s) URLs', () => {
    expect(parseRedisNode('10.0.0.1:7000', 6379)).toEqual({ host: '10.0.0.1', port: 7000, tls: false });
    expect(parseRedisNode('sentinel-1', 26379)).toEqual({ host: 'sentinel-1', port: 26379, tls: false });
    expect(parseRedisNode('[::1]:26380', 26379)).toEqual({ host: '::1', port: 26380, tls: false });
    expect(parseRedisNode('rediss://c1.example.com:7000', 6379)).toEqual({ host: 'c1.example.com', port: 7000, tls: true });
    expect(parseRedisNode('redis://c1/', 6379)).toEqual({ host: 'c1', port: 6379, tls: false });
  });

  it('refuses other schemes, credentials, databases and bad ports', () => {
    for (const bad of ['http://c1:7000', 'redis://u:p@c1:7000', 'redis://c1:7000/1', 'c1:0', 'c1:70000', 'c1:port', '', 'a b:1']) {
      expect(parseRedisNode(bad, 6379), bad).toBeUndefined();
    }
  });
});
