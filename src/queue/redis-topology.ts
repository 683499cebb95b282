// Where Redis is, as the configuration says it: one server (a URL), a Redis Cluster (some of its nodes) or
// a Sentinel-managed master (the sentinels and the master group name). Exactly one; the schema checks that.
import { DEFAULT_REDIS_PORT, DEFAULT_SENTINEL_PORT, formatRedisNode, parseRedisNode, type RedisNode } from '../config/redis-node.js';

export interface RedisLocation {
  url?: string | undefined;
  cluster?: readonly string[] | undefined;
  sentinels?: readonly string[] | undefined;
  /** Sentinel master group name. */
  name?: string | undefined;
}

export type RedisTopology =
  | { kind: 'single'; url: string }
  | { kind: 'cluster'; nodes: RedisNode[] }
  | { kind: 'sentinel'; sentinels: RedisNode[]; name: string };

function nodes(values: readonly string[], defaultPort: number, key: string): RedisNode[] {
  return values.map((value) => {
    const node = parseRedisNode(value, defaultPort);
    if (node === undefined) throw new Error(`redis.${key}: not a node address: ${JSON.stringify(value)}`);
    return node;
  });
}

/** The topology of validated settings; throws when they name none or several (a bug: the schema forbids it). */
export function redisTopology(location: RedisLocation): RedisTopology {
  const given = [location.url, location.cluster, location.sentinels].filter((v) => v !== undefined).length;
  if (given !== 1) throw new Error('redis: expected exactly one of url, cluster or sentinels');
  if (location.url !== undefined) return { kind: 'single', url: location.url };
  if (location.cluster !== undefined) return { kind: 'cluster', nodes: nodes(location.cluster, DEFAULT_REDIS_PORT, 'cluster') };
  if (location.name === undefined) throw new Error('redis.name: expected the master group name because sentinels is set');
  return { kind: 'sentinel', sentinels: nodes(location.sentinels ?? [], DEFAULT_SENTINEL_PORT, 'sentinels'), name: location.name };
}

/** Whether the queue and state run on a Redis Cluster (then BullMQ's prefix needs a hash tag). */
export function isRedisCluster(location: RedisLocation): boolean {
  return location.cluster !== undefined;
}

/** `Redis at host:port`, `Redis Cluster at a:7000, b:7001`, `Redis Sentinel master "m" via s1:26379`: never a user or password. */
export function redisWhere(location: RedisLocation): string {
  try {
    const t = redisTopology(location);
    if (t.kind === 'cluster') return `Redis Cluster at ${t.nodes.map(formatRedisNode).join(', ')}`;
    if (t.kind === 'sentinel') return `Redis Sentinel master "${t.name}" via ${t.sentinels.map(formatRedisNode).join(', ')}`;
    const u = new URL(t.url);
    return `Redis at ${u.hostname}:${u.port === '' ? '6379' : u.port}`;
  } catch {
    return 'the configured Redis';
  }
}
