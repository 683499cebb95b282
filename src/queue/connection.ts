// ioredis connections for BullMQ and our own keys, following BullMQ's production guide: blocking
// clients (workers, QueueEvents) need maxRetriesPerRequest null; every client gets an 'error' listener
// (an unhandled 'error' event would crash the process on a Redis blip).
import { readFileSync } from 'node:fs';
import { Redis, type RedisOptions } from 'ioredis';

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

/** A connected-on-demand ioredis client with an error listener attached. */
export function createRedis(settings: RedisSettings, role: RedisRole, onError?: RedisErrorListener): Redis {
  const client = new Redis(settings.url, redisOptions(settings, role));
  client.on('error', onError ?? (() => undefined));
  return client;
}
