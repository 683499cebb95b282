// The servers only some integration tests need (Elasticsearch with security on, Redis with TLS and an
// ACL user), started on first use by `scripts/services start <name>` — idempotent, so the first test file
// of a run starts them and later files (and later runs) reuse them — and their settings from
// `scripts/services env`.
import { execFile } from 'node:child_process';
import { readFileSync } from 'node:fs';
import { fileURLToPath } from 'node:url';

const SCRIPT = fileURLToPath(new URL('../../scripts/services', import.meta.url));

export interface SecureElasticsearch {
  url: string;
  caFile: string;
  /** The bootstrap password of the `elastic` superuser (tests create their API keys with it). */
  elasticPassword: string;
}

export interface TlsRedis {
  url: string;
  caFile: string;
  username: string;
  password: string;
}

function services(args: string[], timeoutMs: number): Promise<string> {
  return new Promise((resolve, reject) => {
    execFile(SCRIPT, args, { encoding: 'utf8', timeout: timeoutMs }, (err, stdout, stderr) => {
      if (err) reject(new Error(`scripts/services ${args.join(' ')} failed: ${err.message}\n${stdout}\n${stderr}`.slice(0, 4000)));
      else resolve(stdout);
    });
  });
}

async function start(name: string): Promise<Record<string, string>> {
  if (process.env['MAILVERDICT_SERVICES'] !== 'external') await services(['start', name], 300_000);
  const env: Record<string, string> = {};
  for (const line of (await services(['env'], 30_000)).split('\n')) {
    const eq = line.indexOf('=');
    if (eq > 0) env[line.slice(0, eq)] = line.slice(eq + 1);
  }
  return env;
}

function required(env: Record<string, string>, key: string): string {
  const value = env[key];
  if (value === undefined || value === '') throw new Error(`scripts/services env did not print ${key}`);
  return value;
}

let elasticsearch: Promise<SecureElasticsearch> | undefined;
let redis: Promise<TlsRedis> | undefined;

/** Elasticsearch with security on (TLS on HTTP, generated CA, bootstrap password), started when first asked for. */
export function secureElasticsearch(): Promise<SecureElasticsearch> {
  elasticsearch ??= start('es-secure').then((env) => ({
    url: required(env, 'MAILVERDICT_ES_SECURE_URL'),
    caFile: required(env, 'MAILVERDICT_ES_SECURE_CA_FILE'),
    elasticPassword: readFileSync(required(env, 'MAILVERDICT_ES_SECURE_PASSWORD_FILE'), 'utf8').trim(),
  }));
  return elasticsearch;
}

/** Redis with TLS only, the default user off and one ACL user, started when first asked for. */
export function tlsRedis(): Promise<TlsRedis> {
  redis ??= start('redis-tls').then((env) => ({
    url: required(env, 'MAILVERDICT_REDIS_TLS_URL'),
    caFile: required(env, 'MAILVERDICT_REDIS_TLS_CA_FILE'),
    username: required(env, 'MAILVERDICT_REDIS_TLS_USER'),
    password: readFileSync(required(env, 'MAILVERDICT_REDIS_TLS_PASSWORD_FILE'), 'utf8').trim(),
  }));
  return redis;
}
