// One line for a Redis failure: where (host:port, never user or password) and why in words. ioredis errors
// carry the AUTH arguments in `command.args`: only the message is read, and the configured secrets are
// masked in it as a last defence.

/** The parts of the Redis settings a description needs. */
export interface RedisEndpoint {
  url: string;
  password?: string | undefined;
}

/** `host:port` of the Redis URL, without user or password. */
export function redisWhere(settings: Pick<RedisEndpoint, 'url'>): string {
  try {
    const u = new URL(settings.url);
    return `${u.hostname}:${u.port === '' ? '6379' : u.port}`;
  } catch {
    return 'the configured Redis';
  }
}

/** One line on a Redis failure: where, and why in words; a secret of the settings is never part of it. */
export function describeRedisError(err: unknown, settings: RedisEndpoint): string {
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
export function maskRedisSecrets(text: string, settings: RedisEndpoint): string {
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
