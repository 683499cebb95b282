import { afterEach, describe, expect, it } from 'vitest';
import { parseConfig } from '../../../src/config/load-config.js';
import { readSecretFile } from '../../../src/config/secrets.js';
import { configError, minimal, tempDir, type TempDir } from './helpers.js';

describe('*File secrets in the config file', () => {
  let dir: TempDir | undefined;
  afterEach(() => { dir?.remove(); dir = undefined; });

  it('reads passwordFile, apiKeyFile, clientSecretFile and refreshTokenFile and drops those *File keys; keeps accessTokenFile a path', () => {
    dir = tempDir();
    const raw = minimal();
    raw.redis = { url: 'redis://r', username: 'mv', passwordFile: dir.file('redis', 'redis-secret\n') };
    raw.elasticsearch = { nodes: ['http://e'], apiKeyFile: dir.file('es', 'es-api-key\n\n') };
    raw.accounts = [
      { id: 'a', host: 'h', port: 993, tls: 'implicit', user: 'u', passwordFile: dir.file('a', 'imap-pass\n'), mailboxes: ['INBOX'] },
      { id: 'b', host: 'h', port: 993, tls: 'implicit', user: 'u', accessTokenFile: dir.file('b', 'oauth-token'), mailboxes: ['INBOX'] },
      { id: 'c', host: 'h', port: 993, tls: 'implicit', user: 'u', mailboxes: ['INBOX'], oauth2: {
        tokenUrl: 'https://login.microsoftonline.com/t/oauth2/v2.0/token', clientId: 'app',
        clientSecretFile: dir.file('cs', 'client-secret\n'), refreshTokenFile: dir.file('rt', 'refresh-token\n'),
      } },
    ];
    const config = parseConfig(raw, { env: {} });
    expect(config.redis.password).toBe('redis-secret');
    expect(config.elasticsearch.apiKey).toBe('es-api-key');
    expect(config.accounts[0]?.password).toBe('imap-pass');
    // Read again at every connect by the collector, so it stays a path (checked readable here).
    expect(config.accounts[1]?.accessToken).toBeUndefined();
    expect(config.accounts[1]?.accessTokenFile).toBe(`${dir.path}/b`);
    expect(config.accounts[2]?.oauth2).toMatchObject({ clientSecret: 'client-secret', refreshToken: 'refresh-token' });
    expect(JSON.stringify(config).replace(/"accessTokenFile"/g, '')).not.toContain('File"');
  });

  it('lets an env variable override a file secret', () => {
    dir = tempDir();
    const raw = minimal();
    const account = (raw.accounts as Record<string, unknown>[])[0] as Record<string, unknown>;
    delete account.password;
    account.passwordFile = dir.file('a', 'from-file\n');
    expect(parseConfig(raw, { env: { MAILVERDICT_ACCOUNTS_0_PASSWORD: 'from-env' } }).accounts[0]?.password).toBe('from-env');
  });

  it('reports a missing, empty or directory secret file and both forms given, by key and path', () => {
    dir = tempDir();
    const raw = minimal();
    raw.redis = { url: 'redis://r', passwordFile: dir.file('empty', '\n') };
    raw.elasticsearch = { nodes: ['http://e'], apiKey: 'inline-key-123', apiKeyFile: dir.file('es', 'file-key-123') };
    raw.accounts = [
      { id: 'a', host: 'h', port: 993, tls: 'implicit', user: 'u', passwordFile: `${dir.path}/missing`, mailboxes: ['INBOX'] },
      { id: 'b', host: 'h', port: 993, tls: 'implicit', user: 'u', accessTokenFile: dir.path, mailboxes: ['INBOX'] },
    ];
    const error = configError(() => parseConfig(raw, { env: {} }));
    expect(error.issues.slice(0, 4)).toEqual([
      `redis.passwordFile: "${dir.path}/empty" is empty`,
      'elasticsearch.apiKeyFile: expected either apiKey or apiKeyFile, not both',
      `accounts[0].passwordFile: cannot read "${dir.path}/missing": no such file`,
      `accounts[1].accessTokenFile: cannot read "${dir.path}": it is a directory`,
    ]);
    // The accounts then lack credentials, which the schema reports too.
    expect(error.issues).toContain('accounts[0]: expected password (or passwordFile), accessToken, accessTokenFile or oauth2, got none');
    expect(error.message).not.toContain('file-key-123');
    expect(error.message).not.toContain('inline-key-123');
  });

  it('refuses files too large to be a secret', () => {
    dir = tempDir();
    const big = dir.file('big', 'x'.repeat(70 * 1024));
    expect(() => readSecretFile(big)).toThrow(`cannot use "${big}": larger than 65536 bytes`);
  });
});
