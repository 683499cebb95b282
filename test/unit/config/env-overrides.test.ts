import { afterEach, describe, expect, it } from 'vitest';
import { envName, keyTokens } from '../../../src/config/env-overrides.js';
import { parseConfig } from '../../../src/config/load-config.js';
import { configError, minimal, tempDir, type TempDir } from './helpers.js';

describe('env overrides', () => {
  let dir: TempDir | undefined;
  afterEach(() => { dir?.remove(); dir = undefined; });

  it('maps camelCase key paths to UPPER_SNAKE names', () => {
    expect(keyTokens('requestTimeoutMs')).toEqual(['REQUEST', 'TIMEOUT', 'MS']);
    expect(envName(['accounts', 0, 'afterCommit', 'moveTo'])).toBe('MAILVERDICT_ACCOUNTS_0_AFTER_COMMIT_MOVE_TO');
    expect(envName(['elasticsearch', 'apiKey'])).toBe('MAILVERDICT_ELASTICSEARCH_API_KEY');
  });

  it('overrides file values, coercing numbers and booleans through the schema', () => {
    const config = parseConfig(minimal(), {
      env: {
        MAILVERDICT_REDIS_URL: 'redis://redis.internal:6380/2',
        MAILVERDICT_ELASTICSEARCH_API_KEY: 'es-api-key-value',
        MAILVERDICT_ELASTICSEARCH_REQUEST_TIMEOUT_MS: '1500',
        MAILVERDICT_ELASTICSEARCH_REJECT_UNAUTHORIZED: 'false',
        MAILVERDICT_ACCOUNTS_0_PASSWORD: 'from-env',
        MAILVERDICT_ACCOUNTS_0_PORT: '10993',
        MAILVERDICT_ACCOUNTS_0_USE_IDLE: 'FALSE',
        MAILVERDICT_ACCOUNTS_0_AFTER_COMMIT_ACTION: 'move',
        MAILVERDICT_ACCOUNTS_0_AFTER_COMMIT_MOVE_TO: 'Archive',
        MAILVERDICT_REDIS_TLS_CA_FILE: '/etc/hosts',
        MAILVERDICT_LOG_LEVEL: 'debug',
        MAILVERDICT_HTTP_PORT: '0',
      },
    });
    expect(config.redis.url).toBe('redis://redis.internal:6380/2');
    expect(config.redis.tls).toEqual({ caFile: '/etc/hosts', rejectUnauthorized: true });
    expect(config.elasticsearch).toMatchObject({ apiKey: 'es-api-key-value', requestTimeoutMs: 1500, rejectUnauthorized: false });
    expect(config.accounts[0]).toMatchObject({ password: 'from-env', port: 10993, useIdle: false, afterCommit: { action: 'move', moveTo: 'Archive' } });
    expect(config.log.level).toBe('debug');
    expect(config.http.port).toBe(0);
  });

  it('sets lists from comma-separated values and by index, and builds accounts from env alone', () => {
    const raw = minimal();
    delete raw.accounts;
    const config = parseConfig(raw, {
      env: {
        MAILVERDICT_ELASTICSEARCH_NODES: 'http://es1:9200, http://es2:9200',
        MAILVERDICT_ACCOUNTS_0_ID: 'bob',
        MAILVERDICT_ACCOUNTS_0_HOST: 'imap.example.org',
        MAILVERDICT_ACCOUNTS_0_PORT: '143',
        MAILVERDICT_ACCOUNTS_0_TLS: 'starttls',
        MAILVERDICT_ACCOUNTS_0_USER: 'bob',
        MAILVERDICT_ACCOUNTS_0_ACCESS_TOKEN: 'oauth-token-1',
        MAILVERDICT_ACCOUNTS_0_MAILBOXES: 'INBOX,Junk',
        MAILVERDICT_ACCOUNTS_0_MAILBOXES_1_START_DATE: '2024-03-01',
      },
    });
    expect(config.elasticsearch.nodes).toEqual(['http://es1:9200', 'http://es2:9200']);
    expect(config.accounts[0]).toMatchObject({ id: 'bob', port: 143, tls: 'starttls', accessToken: 'oauth-token-1' });
    expect(config.accounts[0]?.mailboxes).toEqual([{ path: 'INBOX' }, { path: 'Junk', startDate: new Date('2024-03-01T00:00:00Z') }]);
  });

  it('turns a file mailbox string into a mapping when env sets one of its keys', () => {
    const config = parseConfig(minimal(), { env: { MAILVERDICT_ACCOUNTS_0_MAILBOXES_0_START_DATE: '2023-12-31' } });
    expect(config.accounts[0]?.mailboxes).toEqual([{ path: 'INBOX', startDate: new Date('2023-12-31T00:00:00Z') }]);
  });

  it('ignores empty values, MAILVERDICT_CONFIG and other tools\' MAILVERDICT_ variables', () => {
    const config = parseConfig(minimal(), {
      env: {
        MAILVERDICT_REDIS_URL: '',
        MAILVERDICT_CONFIG: '/somewhere.yaml',
        MAILVERDICT_ES_URL: 'http://127.0.0.1:19200',
        MAILVERDICT_IMAP_HOST: '127.0.0.1',
        OTHER_REDIS_URL: 'redis://nope',
      },
    });
    expect(config.redis.url).toBe('redis://127.0.0.1:6379');
  });

  it('reads MAILVERDICT_…_FILE from a file, trimming the trailing newline only', () => {
    dir = tempDir();
    const file = dir.file('imap-password', ' pass with spaces \n');
    const token = dir.file('es-key', 'api-key-from-file\r\n');
    const config = parseConfig(minimal(), { env: { MAILVERDICT_ACCOUNTS_0_PASSWORD_FILE: file, MAILVERDICT_ELASTICSEARCH_API_KEY_FILE: token } });
    expect(config.accounts[0]?.password).toBe(' pass with spaces ');
    expect(config.elasticsearch.apiKey).toBe('api-key-from-file');
  });

  it('keeps caFile as a path (it is an option named …File, not a _FILE secret)', () => {
    const config = parseConfig(minimal(), { env: { MAILVERDICT_ELASTICSEARCH_CA_FILE: '/etc/hosts' } });
    expect(config.elasticsearch.caFile).toBe('/etc/hosts');
  });

  it('rejects misspelled variables with a hint, and a variable and its _FILE together', () => {
    dir = tempDir();
    const file = dir.file('pw', 'x-secret\n');
    const error = configError(() => parseConfig(minimal(), {
      env: {
        MAILVERDICT_REDIS_URLL: 'redis://x',
        MAILVERDICT_ELASTICSERCH_NODES: 'http://x',
        MAILVERDICT_ACCOUNTS_FIRST_HOST: 'h',
        MAILVERDICT_REDIS_TLS: 'true',
        MAILVERDICT_ACCOUNTS_0_PASSWORD: 'x-secret-direct',
        MAILVERDICT_ACCOUNTS_0_PASSWORD_FILE: file,
      },
    }));
    expect(error.issues).toEqual(expect.arrayContaining([
      'MAILVERDICT_REDIS_URLL: not a setting; did you mean MAILVERDICT_REDIS_URL?',
      'MAILVERDICT_ELASTICSERCH_NODES: not a setting; did you mean MAILVERDICT_ELASTICSEARCH_…?',
      'MAILVERDICT_ACCOUNTS_FIRST_HOST: expected a list index (0-999) after MAILVERDICT_ACCOUNTS_, e.g. MAILVERDICT_ACCOUNTS_0_…',
      'MAILVERDICT_REDIS_TLS: redis.tls is a section, not a value; set one of its keys: MAILVERDICT_REDIS_TLS_CA_FILE, MAILVERDICT_REDIS_TLS_REJECT_UNAUTHORIZED',
      'MAILVERDICT_ACCOUNTS_0_PASSWORD_FILE: expected either MAILVERDICT_ACCOUNTS_0_PASSWORD or MAILVERDICT_ACCOUNTS_0_PASSWORD_FILE, not both',
    ]));
    expect(error.issues).toHaveLength(5);
  });

  it('names the variable when the value it set is invalid', () => {
    const error = configError(() => parseConfig(minimal(), { env: { MAILVERDICT_ACCOUNTS_0_PORT: 'abc', MAILVERDICT_WORKER_CONCURRENCY: '0' } }));
    expect(error.issues).toEqual([
      'worker.concurrency (from MAILVERDICT_WORKER_CONCURRENCY): expected an integer between 1 and 1000, got "0"',
      'accounts[0].port (from MAILVERDICT_ACCOUNTS_0_PORT): expected an integer between 1 and 65535, got "abc"',
    ]);
  });

  it('reports an unreadable _FILE by path and reason', () => {
    const error = configError(() => parseConfig(minimal(), { env: { MAILVERDICT_REDIS_PASSWORD_FILE: '/nonexistent/redis-pass' } }));
    expect(error.issues).toEqual(['MAILVERDICT_REDIS_PASSWORD_FILE: cannot read "/nonexistent/redis-pass": no such file']);
  });
});
