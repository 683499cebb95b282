// Whether Redis answers, asked once and fast: commands that cannot go on without it (status, replay through
// the queue) stop with one line, and the long-running roles wait for it with backoff before they start.
// Messages name the host and port, never a password (ioredis errors carry the AUTH arguments).
import { Redis } from 'ioredis';
import { redisOptions, type RedisSettings } from './connection.js';
import { describeRedisError } from './describe-redis-error.js';

export { describeRedisError, redisWhere } from './describe-redis-error.js';

export class RedisUnavailableError extends Error {
  override readonly name = 'RedisUnavailableError';
}

/** Connects once (no reconnect, no queued commands) and PINGs; throws RedisUnavailableError with one line. */
export async function checkRedisReachable(settings: RedisSettings, timeoutMs = 5_000): Promise<void> {
  const client = new Redis(settings.url, {
    ...redisOptions(settings, 'command'),
    lazyConnect: true,
    maxRetriesPerRequest: 0,
    retryStrategy: () => null,
    enableOfflineQueue: false,
    connectTimeout: timeoutMs,
  });
  let lastError: unknown;
  client.on('error', (err: Error) => {
    lastError = err;
  });
  let timer: NodeJS.Timeout | undefined;
  try {
    await Promise.race([
      (async () => {
        await client.connect();
        await client.ping();
      })(),
      new Promise<never>((_, reject) => {
        timer = setTimeout(() => reject(Object.assign(new Error('timed out'), { code: 'ETIMEDOUT' })), timeoutMs);
      }),
    ]);
  } catch (err) {
    // "Connection is closed" says less than the error that closed it.
    const cause = /Connection is closed/i.test(String((err as Error).message)) && lastError !== undefined ? lastError : err;
    throw new RedisUnavailableError(describeRedisError(cause, settings));
  } finally {
    clearTimeout(timer);
    client.disconnect();
  }
}
