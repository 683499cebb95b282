// A long-running role that starts while Redis is down or refuses its password does not sit silent: it
// says why, in one log line per attempt (host, reason, next try — never a secret), and tries again with
// backoff until Redis answers or the process is told to stop.
import { checkRedisReachable, RedisUnavailableError } from '../queue/redis-reachable.js';
import type { RedisSettings } from '../queue/connection.js';
import type { Logger } from './logger.js';

export interface WaitForRedisOptions {
  logger: Logger;
  signal?: AbortSignal | undefined;
  minDelayMs?: number;
  maxDelayMs?: number;
  /** Counted once per failed attempt (mailverdict_errors_total). */
  onError?: (code: string) => void;
}

/** Resolves true once Redis answers, false when `signal` aborts first. */
export async function waitForRedis(settings: RedisSettings, options: WaitForRedisOptions): Promise<boolean> {
  const min = options.minDelayMs ?? 1_000;
  const max = options.maxDelayMs ?? 30_000;
  for (let attempt = 0; ; attempt++) {
    if (options.signal?.aborted === true) return false;
    try {
      await checkRedisReachable(settings);
      if (attempt > 0) options.logger.info({ stage: 'queueing', attempts: attempt + 1 }, 'Redis answers again; starting');
      return true;
    } catch (err) {
      if (!(err instanceof RedisUnavailableError)) throw err;
      const delayMs = Math.min(max, min * 2 ** Math.min(attempt, 16));
      options.onError?.(/authentication/.test(err.message) ? 'redis_auth' : 'redis_unavailable');
      options.logger.error({ stage: 'queueing', attempt: attempt + 1, retryInMs: delayMs }, `${err.message}; retrying in ${Math.round(delayMs / 1000)} s`);
      if (!(await sleep(delayMs, options.signal))) return false;
    }
  }
}

/** false when aborted during the sleep. */
function sleep(ms: number, signal: AbortSignal | undefined): Promise<boolean> {
  if (signal?.aborted === true) return Promise.resolve(false);
  return new Promise((resolve) => {
    const done = (ok: boolean): void => {
      clearTimeout(timer);
      signal?.removeEventListener('abort', onAbort);
      resolve(ok);
    };
    const onAbort = (): void => done(false);
    const timer = setTimeout(() => done(true), ms);
    signal?.addEventListener('abort', onAbort);
  });
}
