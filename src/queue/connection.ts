// ioredis connections for BullMQ and our own keys, following BullMQ's production guide: blocking
// clients (workers, QueueEvents) need maxRetriesPerRequest null; every client gets an 'error' listener
// (an unhandled 'error' event would crash the process on a Redis blip). Long-running roles hand in a
// ConnectionErrors listener (observability/connection-errors.ts): errors are counted and logged per episode.
import { readFileSync } from 'node:fs';
import { Redis, type RedisOptions } from 'ioredis';
import type { ConnectionErrors } from '../observability/connection-errors.js';
import { describeRedisError } from './describe-redis-error.js';
import type { Stage } from '../observability/metrics.js';

export interface RedisSettings {
  url: string;
  username?: string | undefined;
  password?: string | undefined;
  tls?: { caFile?: string | undefined; rejectUnauthorized?: boolean | undefined } | undefined;
  keyPrefix?: string | undefined;
}

/** 'blocking' = BullMQ Worker / QueueEvents; 'command' = Queue and plain commands (fail fast). */
export type RedisRole = 'blocking' | 'command';

export type RedisErrorListener = (error: Error) => void;

/** ioredis options for a role. The URL carries host/port/db; credentials may come separately. */
export function redisOptions(settings: RedisSettings, role: RedisRole): RedisOptions {
  const options: RedisOptions = {
    // Blocking commands must wait through reconnects instead of failing after N retries.
    maxRetriesPerRequest: role === 'blocking' ? null : 20,
    enableReadyCheck: true,
    retryStrategy: (times) => Math.min(200 * 2 ** Math.min(times, 8), 10_000),
    lazyConnect: false,
  };
  if (settings.username !== undefined) options.username = settings.username;
  if (settings.password !== undefined) options.password = settings.password;
  if (settings.tls !== undefined || settings.url.startsWith('rediss:')) {
    options.tls = {
      rejectUnauthorized: settings.tls?.rejectUnauthorized ?? true,
      ...(settings.tls?.caFile !== undefined ? { ca: readFileSync(settings.tls.caFile) } : {}),
    };
  }
  return options;
}

/**
 * A connected-on-demand ioredis client with an error listener attached: `errors` counts and logs them (one
 * line per outage), or a plain listener; without either, errors surface only through failing commands.
 */
export function createRedis(settings: RedisSettings, role: RedisRole, onError?: RedisErrorListener | ReportedAs): Redis {
  const client = new Redis(settings.url, redisOptions(settings, role));
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
