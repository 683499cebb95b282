// One Redis Cluster node or Sentinel as the configuration names it: `host:port`, `host` (default port),
// `[::1]:port`, or `redis://host:port` / `rediss://host:port` (TLS). Credentials and databases are not part
// of it: a cluster has database 0 only, and the credentials are the redis.* keys, shared by every node.

export interface RedisNode {
  host: string;
  port: number;
  /** Given as a `rediss://` URL. */
  tls: boolean;
}

export const CLUSTER_NODE_EXPECTED = 'expected redis://host:port, rediss://host:port or host:port, without user, password or database (those are redis.username / redis.password)';
export const SENTINEL_EXPECTED = 'expected host:port, redis://host:port or rediss://host:port, without user, password or database (those are redis.sentinelUsername / redis.sentinelPassword)';

/** The node `value` names, or undefined when it is not one of the accepted forms. */
export function parseRedisNode(value: string, defaultPort: number): RedisNode | undefined {
  const trimmed = value.trim();
  if (trimmed === '') return undefined;
  const scheme = /^([a-z][a-z0-9+.-]*):\/\//i.exec(trimmed);
  if (scheme !== null) {
    const protocol = (scheme[1] ?? '').toLowerCase();
    if (protocol !== 'redis' && protocol !== 'rediss') return undefined;
    let url: URL;
    try {
      url = new URL(trimmed);
    } catch {
      return undefined;
    }
    if (url.username !== '' || url.password !== '' || (url.pathname !== '' && url.pathname !== '/') || url.search !== '' || url.hash !== '') return undefined;
    const host = url.hostname.replace(/^\[|\]$/g, '');
    const port = url.port === '' ? defaultPort : Number(url.port);
    if (host === '' || port < 1) return undefined;
    return { host, port, tls: protocol === 'rediss' };
  }
  const m = /^(?:\[([0-9a-f:.]+)\]|([A-Za-z0-9_.-]+))(?::(\d{1,5}))?$/i.exec(trimmed);
  if (m === null) return undefined;
  const port = m[3] === undefined ? defaultPort : Number(m[3]);
  if (port < 1 || port > 65535) return undefined;
  return { host: m[1] ?? m[2] ?? '', port, tls: false };
}

/** `host:port` as people write it (IPv6 in brackets). */
export function formatRedisNode(node: Pick<RedisNode, 'host' | 'port'>): string {
  return node.host.includes(':') ? `[${node.host}]:${node.port}` : `${node.host}:${node.port}`;
}

export const DEFAULT_REDIS_PORT = 6379;
export const DEFAULT_SENTINEL_PORT = 26379;
