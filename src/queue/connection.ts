// The one place ioredis clients are made, for a single server, a Redis Cluster or a Sentinel-managed master,
// following BullMQ's production guide: blocking clients (workers, QueueEvents) need maxRetriesPerRequest null;
// every client gets an 'error' listener (an unhandled 'error' event would crash the process on a Redis blip).
// Long-running roles hand in a ConnectionErrors listener (observability/connection-errors.ts): errors are
// counted and logged per episode. Failover is the servers' job (Sentinel promotes a replica, a cluster promotes
// a replica of the failed master): the clients only follow, asking the sentinels or the cluster again.
import { readFileSync } from 'node:fs';
import type { ConnectionOptions as TlsOptions } from 'node:tls';
import { Cluster, Redis, type ClusterOptions, type RedisOptions } from 'ioredis';
import type { ConnectionErrors } from '../observability/connection-errors.js';
import { describeRedisError } from './describe-redis-error.js';
import { redisTopology, type RedisLocation } from './redis-topology.js';
import type { Stage } from '../observability/metrics.js';

export interface RedisSettings extends RedisLocation {
  username?: string | undefined;
  password?: string | undefined;
  sentinelUsername?: string | undefined;
  sentinelPassword?: string | undefined;
  tls?: { caFile?: string | undefined; rejectUnauthorized?: boolean | undefined } | undefined;
  keyPrefix?: string | undefined;
}

/** A client of any topology; both kinds take the same commands (keys of one command in one slot on a cluster). */
export type RedisClient = Redis | Cluster;

/**
 * 'blocking' = BullMQ Worker / QueueEvents (waits through outages); 'command' = Queue and plain commands
 * (retries a while, then fails); 'probe' = one connection attempt, no retry, no queued commands, not
 * connected until `connect()`.
 */
export type RedisRole = 'blocking' | 'command' | 'probe';

export type RedisErrorListener = (error: Error) => void;

export interface RedisTuning {
  /** Connect timeout of each server connection (probes). */
  connectTimeoutMs?: number;
}

const reconnectDelay = (times: number): number => Math.min(200 * 2 ** Math.min(times, 8), 10_000);

function tlsOptions(settings: RedisSettings): TlsOptions {
  return {
    rejectUnauthorized: settings.tls?.rejectUnauthorized ?? true,
    ...(settings.tls?.caFile !== undefined ? { ca: readFileSync(settings.tls.caFile) } : {}),
  };
}

/** Options of every server connection: credentials, TLS, retries per request for the role. */
function serverOptions(settings: RedisSettings, role: RedisRole, tls: boolean, tuning: RedisTuning): RedisOptions {
  const options: RedisOptions = {
    // Blocking commands must wait through reconnects instead of failing after N retries.
    maxRetriesPerRequest: role === 'blocking' ? null : role === 'probe' ? 0 : 20,
    enableReadyCheck: true,
  };
  if (tuning.connectTimeoutMs !== undefined) options.connectTimeout = tuning.connectTimeoutMs;
  if (settings.username !== undefined) options.username = settings.username;
  if (settings.password !== undefined) options.password = settings.password;
  if (tls) options.tls = tlsOptions(settings);
  return options;
}

/** ioredis options of a single server or a Sentinel-managed master. The URL carries host/port/db. */
export function redisOptions(settings: RedisSettings, role: RedisRole, tuning: RedisTuning = {}): RedisOptions {
  const topology = redisTopology(settings);
  if (topology.kind === 'cluster') throw new Error('redisOptions: a cluster takes clusterOptions');
  const tls = settings.tls !== undefined || (topology.kind === 'single' && topology.url.startsWith('rediss:'));
  const options: RedisOptions = {
    ...serverOptions(settings, role, tls, tuning),
    retryStrategy: role === 'probe' ? () => null : reconnectDelay,
    lazyConnect: role === 'probe',
    ...(role === 'probe' ? { enableOfflineQueue: false } : {}),
  };
  if (topology.kind === 'sentinel') {
    options.sentinels = topology.sentinels.map(({ host, port }) => ({ host, port }));
    options.name = topology.name;
    if (settings.sentinelUsername !== undefined) options.sentinelUsername = settings.sentinelUsername;
    if (settings.sentinelPassword !== undefined) options.sentinelPassword = settings.sentinelPassword;
    if (topology.sentinels.some((s) => s.tls)) options.sentinelTLS = tlsOptions(settings);
    options.enableTLSForSentinelMode = tls;
    options.sentinelRetryStrategy = role === 'probe' ? () => null : reconnectDelay;
    if (role !== 'probe') {
      // Learn of a promotion from the sentinels' +switch-master at once, not only when the old master drops us.
      options.failoverDetector = true;
      // A demoted master answers writes with READONLY until the connection moves: reconnect and resend.
      options.reconnectOnError = (err) => (/READONLY/.test(err.message) ? 2 : false);
    }
  }
  return options;
}

/** ioredis options of a Redis Cluster client. */
export function clusterOptions(settings: RedisSettings, role: RedisRole, tuning: RedisTuning = {}): ClusterOptions {
  const topology = redisTopology(settings);
  if (topology.kind !== 'cluster') throw new Error('clusterOptions: not a cluster');
  const tls = settings.tls !== undefined || topology.nodes.some((n) => n.tls);
  const options: ClusterOptions = {
    redisOptions: serverOptions(settings, role, tls, tuning),
    clusterRetryStrategy: role === 'probe' ? () => null : reconnectDelay,
    enableReadyCheck: true,
    lazyConnect: role === 'probe',
    ...(role === 'probe' ? { enableOfflineQueue: false } : {}),
  };
  // Keep host names as given, so TLS verifies the certificate against the name and not a resolved address.
  if (tls) options.dnsLookup = (address, callback) => callback(null, address);
  return options;
}

/**
 * An ioredis client for the role, of the configured topology, with an error listener attached: `errors` counts
 * and logs them (one line per outage), or a plain listener; without either, errors surface only through failing
 * commands. 'probe' clients connect on `connect()`.
 */
export function createRedis(settings: RedisSettings, role: RedisRole, onError?: RedisErrorListener | ReportedAs, tuning: RedisTuning = {}): RedisClient {
  const topology = redisTopology(settings);
  const client: RedisClient = topology.kind === 'cluster'
    ? new Cluster(topology.nodes.map(({ host, port }) => ({ host, port })), clusterOptions(settings, role, tuning))
    : topology.kind === 'single'
      ? new Redis(topology.url, redisOptions(settings, role, tuning))
      : new Redis(redisOptions(settings, role, tuning));
  if (onError === undefined) {
    client.on('error', () => undefined);
  } else if (typeof onError === 'function') {
    client.on('error', onError);
  } else {
    client.on('error', onError.errors.listener(onError.stage, onError.source, (err) => describeRedisError(err, settings)));
    client.on('ready', () => onError.errors.ready(onError.source));
  }
  return client;
}

/** Where a client's errors are counted and logged. */
export interface ReportedAs {
  errors: ConnectionErrors;
  stage: Stage;
  source: string;
}
