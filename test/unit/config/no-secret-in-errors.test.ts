// Secrets must never reach an error message, whatever is wrong with them or around them.
import { afterEach, describe, expect, it } from 'vitest';
import { loadConfig, parseConfig } from '../../../src/config/load-config.js';
import { configError, tempDir, type TempDir } from './helpers.js';

const SECRETS = ['S3cr3t-redis', 'S3cr3t-url', 'S3cr3t-es', 'S3cr3t-imap', 'S3cr3t-token', 'S3cr3t-env', 'S3cr3t-file'];

describe('no secret in any error message', () => {
  let dir: TempDir | undefined;
  afterEach(() => { dir?.remove(); dir = undefined; });

  it('hides secrets given with the wrong type, in invalid URLs, from env and from files', () => {
    dir = tempDir();
    const raw = {
      redis: { url: 'http://user:S3cr3t-url@redis:6379', password: ['S3cr3t-redis'] },
      elasticsearch: { nodes: ['ftp://S3cr3t-url@x'], apiKey: '' },
      accounts: [
        { id: 'a', host: 'h', port: 993, tls: 'implicit', user: 'u', password: 'S3cr3t-imap', accessToken: 'S3cr3t-token', mailboxes: ['INBOX'] },
        { id: 'b', host: 'h', port: 'x', tls: 'implicit', user: 'u', passwordFile: dir.file('pw', 'S3cr3t-file\n'), password: 'S3cr3t-imap', mailboxes: ['INBOX'] },
      ],
    };
    const error = configError(() => parseConfig(raw, {
      env: { MAILVERDICT_ELASTICSEARCH_API_KEY: 'S3cr3t-es', MAILVERDICT_ACCOUNTS_1_ACCESS_TOKEN: 'S3cr3t-env', MAILVERDICT_ELASTICSEARCH_REQUEST_TIMEOUT_MS: 'S3cr3t-env' },
    }));
    expect(error.issues.length).toBeGreaterThanOrEqual(5);
    for (const secret of SECRETS) expect(error.message).not.toContain(secret);
    expect(error.issues).toContain('redis.password: expected a non-empty string, got a list');
    expect(error.issues).toContain('redis.url: expected a URL starting with redis:// or rediss://, got "http://user:[redacted]@redis:6379"');
    // A secret pasted into a non-secret option is still masked by the final pass.
    expect(error.issues).toContain('elasticsearch.requestTimeoutMs (from MAILVERDICT_ELASTICSEARCH_REQUEST_TIMEOUT_MS): expected an integer between 100 and 3600000, got "[redacted]"');
  });

  it('hides secrets in a YAML file that does not parse', () => {
    dir = tempDir();
    const file = dir.file('c.yaml', 'redis:\n  password: S3cr3t-redis\n   url: [S3cr3t-url\n');
    const error = configError(() => loadConfig({ file, env: {} }));
    for (const secret of SECRETS) expect(error.message).not.toContain(secret);
    expect(error.issues[0]).toContain(`${file}:`);
  });
});
