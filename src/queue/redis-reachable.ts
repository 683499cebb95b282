// Whether Redis answers, asked once and fast: commands that cannot go on without it (status, replay through
// the queue) stop with one line, and the long-running roles wait for it with backoff before they start.
// For a cluster, "answers" means a node gave the slot map; for Sentinel, a sentinel named the master and the
// master answered. Messages name the host and port, never a password (ioredis errors carry the AUTH arguments).
import { createRedis, type RedisSettings } from './connection.js';
import { describeRedisError } from './describe-redis-error.js';

export { describeRedisError, redisWhere } from './describe-redis-error.js';

export class RedisUnavailableError extends Error {
  override readonly name = 'RedisUnavailableError';
}

/** Connects once (no reconnect, no queued commands) and PINGs; throws RedisUnavailableError with one line. */
export async function checkRedisReachable(settings: RedisSettings, timeoutMs = 5_000): Promise<void> {
  let lastError: unknown;
  const client = createRedis(settings, 'probe', (err) => {
    lastError = err;
  }, { connectTimeoutMs: timeoutMs });
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
    // "Connection is closed" (or a cluster's "Failed to refresh slots cache") says less than the error behind it.
    const vague = /Connection is closed|Failed to refresh slots cache/i.test(String((err as Error).message));
    const cause = vague && lastError !== undefined && (err as { lastNodeError?: unknown }).lastNodeError === undefined ? lastError : err;
    throw new RedisUnavailableError(describeRedisError(cause, settings));
  } finally {
    clearTimeout(timer);
    client.disconnect();
  }
}
