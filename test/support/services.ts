// Connection settings of the local real services, read from `scripts/services env` so tests and
// people use the same values (ports, users, the IMAP server's self-signed certificate).
import { execFileSync } from 'node:child_process';
import { fileURLToPath } from 'node:url';

export interface ImapUser { user: string; pass: string }

export interface ServiceSettings {
  esUrl: string;
  /** OpenSearch, started by the integration global setup (`scripts/services up opensearch`). */
  osUrl: string;
  redisUrl: string;
  imapHost: string;
  imapPort: number;
  imapsPort: number;
  imapUsers: ImapUser[];
  imapCaFile: string;
  /** Cyrus IMAP (plain, loopback), started by `scripts/services up-cyrus`; same users as Dovecot. */
  cyrusPort: number;
}

const SCRIPT = fileURLToPath(new URL('../../scripts/services', import.meta.url));

function readEnv(): Record<string, string> {
  const out = execFileSync(SCRIPT, ['env'], { encoding: 'utf8' });
  const env: Record<string, string> = {};
  for (const line of out.split('\n')) {
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

let cached: ServiceSettings | undefined;

export function serviceSettings(): ServiceSettings {
  if (cached) return cached;
  const env = readEnv();
  cached = {
    esUrl: required(env, 'MAILVERDICT_ES_URL'),
    osUrl: required(env, 'MAILVERDICT_OS_URL'),
    redisUrl: required(env, 'MAILVERDICT_REDIS_URL'),
    imapHost: required(env, 'MAILVERDICT_IMAP_HOST'),
    imapPort: Number(required(env, 'MAILVERDICT_IMAP_PORT')),
    imapsPort: Number(required(env, 'MAILVERDICT_IMAPS_PORT')),
    imapUsers: required(env, 'MAILVERDICT_IMAP_USERS').split(/\s+/).filter(Boolean).map((pair) => {
      const colon = pair.indexOf(':');
      return { user: pair.slice(0, colon), pass: pair.slice(colon + 1) };
    }),
    imapCaFile: required(env, 'MAILVERDICT_IMAP_CA_FILE'),
    cyrusPort: Number(required(env, 'MAILVERDICT_CYRUS_PORT')),
  };
  return cached;
}

/** A name no other test run uses, for queues, indices and mailboxes. */
export function uniqueName(prefix: string): string {
  return `${prefix}-${Date.now().toString(36)}-${Math.random().toString(36).slice(2, 8)}`;
}
