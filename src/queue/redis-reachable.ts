// Whether Redis answers, asked once and fast: commands that cannot go on without it (status, replay through
// the queue) stop with one line, and the long-running roles wait for it with backoff before they start.
// Messages name the host and port, never a password (ioredis errors carry the AUTH arguments).
import { Redis } from 'ioredis';
import { redisOptions, type RedisSettings } from './connection.js';

export class RedisUnavailableError extends Error {
  override readonly name = 'RedisUnavailableError';
}

/** `host:port` of the Redis URL, without user or password. */
export function redisWhere(settings: Pick<RedisSettings, 'url'>): string {
  try {
    const u = new URL(settings.url);
    return `${u.hostname}:${u.port === '' ? '6379' : u.port}`;
  } catch {
    return 'the configured Redis';
  }
}

/** One line on a Redis failure: where, and why in words; a secret of the settings is never part of it. */
export function describeRedisError(err: unknown, settings: RedisSettings): string {
  const e = err as { code?: unknown; message?: unknown } | null;
  const code = typeof e?.code === 'string' ? e.code : '';
  const message = typeof e?.message === 'string' ? e.message : String(err);
  let why: string;
  if (/WRONGPASS|NOAUTH|invalid password|invalid username-password/i.test(message)) {
    why = 'authentication failed: wrong user name or password (redis.username / redis.password or the URL)';
  } else if (code === 'ECONNREFUSED') why = 'connection refused';
  else if (code === 'ENOTFOUND' || code === 'EAI_AGAIN') why = 'host not found';
  else if (code === 'ETIMEDOUT' || /timed? ?out/i.test(message)) why = 'no answer (timed out)';
  else if (code === 'ECONNRESET' || /Connection is closed/i.test(message)) why = 'connection closed by the server';
  else if (/cert|ssl|tls/i.test(`${code} ${message}`)) why = `TLS handshake failed (${code !== '' ? code : message.slice(0, 120)})`;
  else why = message.slice(0, 200);
  return `Redis at ${redisWhere(settings)}: ${maskRedisSecrets(why, settings)}`;
}

/** Masks the password of the settings and of the URL in a text. */
export function maskRedisSecrets(text: string, settings: RedisSettings): string {
  const secrets: string[] = [];
  if (settings.password !== undefined && settings.password !== '') secrets.push(settings.password);
  try {
    const p = decodeURIComponent(new URL(settings.url).password);
    if (p !== '') secrets.push(p, new URL(settings.url).password);
  } catch { /* not a URL: nothing in it */ }
  let out = text;
  for (const s of secrets) out = out.split(s).join('[redacted]');
  return out;
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
