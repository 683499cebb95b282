// One line for a Redis failure: where (host:port, the cluster nodes or the sentinels; never user or password)
// and why in words. ioredis errors carry the AUTH arguments in `command.args`: only the message is read, and
// the configured secrets are masked in it as a last defence.
import { redisWhere, type RedisLocation } from './redis-topology.js';

export { redisWhere } from './redis-topology.js';

/** The parts of the Redis settings a description needs. */
export interface RedisEndpoint extends RedisLocation {
  password?: string | undefined;
  sentinelPassword?: string | undefined;
}

/** One line on a Redis failure: where, and why in words; a secret of the settings is never part of it. */
export function describeRedisError(err: unknown, settings: RedisEndpoint): string {
  // A cluster that no startup node answered for says only "Failed to refresh slots cache": the node's error says why.
  const nodeError = (err as { lastNodeError?: unknown } | null)?.lastNodeError;
  const e = (nodeError ?? err) as { code?: unknown; message?: unknown } | null;
  const code = typeof e?.code === 'string' ? e.code : '';
  const message = typeof e?.message === 'string' ? e.message : String(err);
  let why: string;
  if (/WRONGPASS|NOAUTH|invalid password|invalid username-password/i.test(message)) {
    why = settings.sentinels === undefined
      ? 'authentication failed: wrong user name or password (redis.username / redis.password or the URL)'
      : 'authentication failed: wrong user name or password (redis.username / redis.password; redis.sentinelUsername / redis.sentinelPassword for the sentinels)';
  } else if (/All sentinels are unreachable/i.test(message)) why = sentinelCause(message, settings.name ?? '');
  else if (code === 'ECONNREFUSED' || /ECONNREFUSED/.test(message)) why = 'connection refused';
  else if (code === 'ENOTFOUND' || code === 'EAI_AGAIN') why = 'host not found';
  else if (code === 'ETIMEDOUT' || /timed? ?out/i.test(message)) why = 'no answer (timed out)';
  else if (code === 'ECONNRESET' || /Connection is closed/i.test(message)) why = 'connection closed by the server';
  else if (/Failed to refresh slots cache|None of startup nodes is available/i.test(message)) why = 'no cluster node answers (connection refused or closed)';
  else if (/cert|ssl|tls/i.test(`${code} ${message}`)) why = `TLS handshake failed (${code !== '' ? code : message.slice(0, 120)})`;
  else why = message.slice(0, 200);
  return `${redisWhere(settings)}: ${maskRedisSecrets(why, settings)}`;
}

/** ioredis gives the last sentinel's error, or none when the sentinels answered but named no master. */
function sentinelCause(message: string, name: string): string {
  const last = /Last error: (.*)$/i.exec(message)?.[1] ?? '';
  if (last === '') return `no sentinel named a master for "${name}" (redis.name)`;
  if (/ECONNREFUSED/.test(last)) return 'no sentinel answers (connection refused)';
  if (/ENOTFOUND|EAI_AGAIN/.test(last)) return 'no sentinel answers (host not found)';
  if (/ETIMEDOUT|timed? ?out/i.test(last)) return 'no sentinel answers (timed out)';
  if (/Connection is closed/i.test(last)) return 'no sentinel answers (connection refused or closed)';
  if (/WRONGPASS|NOAUTH|invalid password|invalid username-password/i.test(last)) return 'the sentinels refused the credentials (redis.sentinelUsername / redis.sentinelPassword)';
  return `no sentinel answers (${last.slice(0, 120)})`;
}

/** Masks the passwords of the settings and of the URL in a text. */
export function maskRedisSecrets(text: string, settings: RedisEndpoint): string {
  const secrets: string[] = [];
  for (const s of [settings.password, settings.sentinelPassword]) if (s !== undefined && s !== '') secrets.push(s);
  if (settings.url !== undefined) {
    try {
      const p = decodeURIComponent(new URL(settings.url).password);
      if (p !== '') secrets.push(p, new URL(settings.url).password);
    } catch { /* not a URL: nothing in it */ }
  }
  let out = text;
  for (const s of secrets) out = out.split(s).join('[redacted]');
  return out;
}
