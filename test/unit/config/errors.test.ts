import { afterEach, describe, expect, it } from 'vitest';
import { ConfigError } from '../../../src/config/config-error.js';
import { loadConfig, parseConfig } from '../../../src/config/load-config.js';
import { requireAccounts } from '../../../src/config/require-accounts.js';
import { configError, minimal, tempDir, type TempDir } from './helpers.js';

function account(extra: Record<string, unknown>): Record<string, unknown> {
  return { id: 'a', host: 'imap.example.org', port: 993, tls: 'implicit', user: 'u', password: 'imap-secret-1', mailboxes: ['INBOX'], ...extra };
}

function withAccounts(...accounts: Record<string, unknown>[]): Record<string, unknown> {
  return { ...minimal(), accounts };
}

describe('config errors', () => {
  let dir: TempDir | undefined;
  afterEach(() => { dir?.remove(); dir = undefined; });

  it('reports every type and range problem at once, each with its key path, expectation and value', () => {
    const raw = {
      redis: { url: 'http://not-redis' },
      elasticsearch: { nodes: [], bulkMaxDocs: 2.5, indexPrefix: 'Has Upper' },
      queue: { name: 'a:b', maxWaitingJobs: -1 },
      worker: { concurrency: 'many' },
      accounts: [account({ port: 'abc', tls: 'ssl', useIdle: 'sometimes', startDate: '01/02/2024', afterCommit: { action: 'archive' }, mailboxes: [42] })],
      http: { port: 70000 },
      log: { level: 'verbose' },
    };
    const error = configError(() => parseConfig(raw, { env: {} }));
    expect(error).toBeInstanceOf(ConfigError);
    expect(error.code).toBe('CONFIG_INVALID');
    expect(error.issues).toEqual([
      'redis.url: expected a URL starting with redis:// or rediss://, got "http://not-redis"',
      'elasticsearch.nodes: expected a list of one or more http(s) URLs, got an empty list',
      'elasticsearch.indexPrefix: expected 1-64 lowercase letters, digits, ".", "_" or "-", got "Has Upper"',
      'elasticsearch.bulkMaxDocs: expected an integer between 1 and 100000, got 2.5',
      'queue.name: expected 1-64 letters, digits, ".", "_" or "-", got "a:b"',
      'queue.maxWaitingJobs: expected an integer between 1 and 1000000, got -1',
      'worker.concurrency: expected an integer between 1 and 1000, got "many"',
      'accounts[0].port: expected an integer between 1 and 65535, got "abc"',
      'accounts[0].tls: expected one of "implicit", "starttls", "none", got "ssl"',
      'accounts[0].useIdle: expected true or false, got "sometimes"',
      'accounts[0].startDate: expected a date like 2024-01-31 or 2024-01-31T12:00:00Z, got "01/02/2024"',
      'accounts[0].afterCommit.action: expected one of "none", "seen", "move", "delete", got "archive"',
      'accounts[0].mailboxes[0]: expected a mailbox path or a mapping with "path", got 42',
      'http.port: expected an integer between 0 and 65535, got 70000',
      'log.level: expected one of "fatal", "error", "warn", "info", "debug", "trace", "silent", got "verbose"',
    ]);
    expect(error.message.startsWith('invalid configuration, 15 problems:\n  - redis.url:')).toBe(true);
  });

  it('reports missing required options and sections', () => {
    const error = configError(() => parseConfig({ accounts: [{ id: 'a', mailboxes: ['INBOX'], password: 'pw-123' }] }, { env: {} }));
    expect(error.issues).toEqual([
      'redis: missing, expected a mapping',
      'elasticsearch: missing, expected a mapping',
      'accounts[0].host: missing, expected a host name',
      'accounts[0].port: missing, expected an integer between 1 and 65535',
      'accounts[0].tls: missing, expected one of "implicit", "starttls", "none"',
      'accounts[0].user: missing, expected a user name',
    ]);
  });

  it('needs IMAP accounts only where they are read: absent or empty is valid, requireAccounts names the key', () => {
    const { accounts: _, ...withoutAccounts } = minimal();
    expect(parseConfig(withoutAccounts, { env: {} }).accounts).toEqual([]);
    const empty = parseConfig({ ...minimal(), accounts: [] }, { env: {} });
    expect(empty.accounts).toEqual([]);
    expect(configError(() => requireAccounts(empty, 'the collect role')).issues)
      .toEqual(['accounts: expected one or more IMAP accounts (the collect role reads IMAP mailboxes), got none']);
    expect(requireAccounts(parseConfig(minimal(), { env: {} }), 'the collect role')).toHaveLength(1);
    expect(configError(() => parseConfig({ ...minimal(), accounts: 'q' }, { env: {} })).issues)
      .toEqual(['accounts: expected a list of accounts, got "q"']);
  });

  it('rejects unknown keys with "did you mean" for close names and the known keys otherwise', () => {
    const raw = minimal();
    raw.elasticserch = {};
    raw.redis = { url: 'redis://r', key_prefix: 'x' };
    raw.accounts = [account({ verifyCertificates: false, colour: 'blue' })];
    const error = configError(() => parseConfig(raw, { env: {} }));
    expect(error.issues).toEqual([
      'redis.key_prefix: unknown key; did you mean "keyPrefix"?',
      'accounts[0].verifyCertificates: unknown key; did you mean "verifyCertificate"?',
      'accounts[0].colour: unknown key; expected one of id, host, port, tls, verifyCertificate, allowInsecure, caFile, user, password, accessToken, accessTokenFile, oauth2, batchSize, pollIntervalMs, useIdle, startDate, afterCommit, gateway, mailboxes',
      'elasticserch: unknown key; did you mean "elasticsearch"?',
    ]);
  });

  it('checks the cross-field rules', () => {
    const raw = withAccounts(
      account({ accessToken: 'oauth-token-1' }),
      account({ id: 'b', password: undefined }),
      account({ id: 'c', tls: 'none', port: 143 }),
      account({ id: 'd', afterCommit: { action: 'move' } }),
      account({ id: 'e', afterCommit: { action: 'seen', moveTo: 'Archive' } }),
      account({ id: 'f', afterCommit: { action: 'move', moveTo: 'INBOX' }, mailboxes: ['INBOX', 'Spam', 'Spam'] }),
    );
    raw.elasticsearch = { nodes: ['http://e'], apiKey: 'es-key-1', username: 'elastic' };
    raw.redis = { url: 'redis://r', username: 'mv' };
    const error = configError(() => parseConfig(raw, { env: {} }));
    expect(error.issues).toEqual([
      'redis.password: expected a password because username is set',
      'elasticsearch.apiKey: expected either apiKey or username/password, not both',
      'elasticsearch.password: expected password too: basic auth needs both username and password',
      'accounts[0].accessToken: expected one of password, accessToken, accessTokenFile or oauth2, got password and accessToken',
      'accounts[1]: expected password (or passwordFile), accessToken, accessTokenFile or oauth2, got none',
      'accounts[2].tls: expected "implicit" or "starttls": "none" sends the credentials in cleartext to imap.example.org; set allowInsecure: true to accept that',
      'accounts[3].afterCommit.moveTo: expected a mailbox path because action is "move"',
      'accounts[4].afterCommit.moveTo: expected no moveTo: it is used only with action "move" (action is "seen")',
      'accounts[5].mailboxes[2].path: expected each mailbox once, "Spam" is listed twice',
      'accounts[5].afterCommit.moveTo: expected a mailbox that is not read by this account ("INBOX" is in mailboxes)',
    ]);
    // List-level rules run once every account is valid on its own (zod skips them before).
    expect(configError(() => parseConfig(withAccounts(account({}), account({ id: 'b' }), account({})), { env: {} })).issues)
      .toEqual(['accounts[2].id: expected a unique id, "a" is used twice']);
    const insecure = withAccounts(account({ tls: 'none', port: 143, allowInsecure: true }));
    expect(parseConfig(insecure, { env: {} }).accounts[0]?.tls).toBe('none');
  });

  it('checks that CA files are readable', () => {
    const raw = minimal();
    raw.elasticsearch = { nodes: ['https://e'], caFile: '/nonexistent/es-ca.pem' };
    expect(configError(() => parseConfig(raw, { env: {} })).issues)
      .toEqual(['elasticsearch.caFile: expected a readable file, cannot read "/nonexistent/es-ca.pem"']);
  });

  it('names a config file that does not exist, is a directory or is not a mapping', () => {
    dir = tempDir();
    const missing = `${dir.path}/nope.yaml`;
    const e1 = configError(() => loadConfig({ file: missing, env: {} }));
    expect(e1.issues).toEqual([`${missing}: cannot read the config file: no such file`]);
    expect(e1.file).toBe(missing);
    expect(configError(() => loadConfig({ env: { MAILVERDICT_CONFIG: dir!.path } })).issues)
      .toEqual([`${dir.path}: expected a config file, got a directory`]);
    const list = dir.file('list.yaml', '- a\n- b\n');
    expect(configError(() => loadConfig({ file: list, env: {} })).issues)
      .toEqual([`${list}: expected a mapping of sections (redis, elasticsearch, accounts, …) at the top level`]);
  });

  it('names the file, line and column of YAML errors without quoting the source', () => {
    dir = tempDir();
    const file = dir.file('bad.yaml', 'redis:\n  url: redis://r\n  password: "yaml-secret-1\nelasticsearch: {}\n');
    const error = configError(() => loadConfig({ file, env: {} }));
    expect(error.issues).toHaveLength(1);
    expect(error.issues[0]).toMatch(new RegExp(`^${file.replace(/[.*+?^${}()|[\]\\]/g, '\\$&')}:\\d+:\\d+: YAML error: Missing closing "quote$`));
    expect(error.message).not.toContain('yaml-secret-1');
    const dup = dir.file('dup.yaml', 'log:\n  level: info\nlog:\n  level: debug\n');
    expect(configError(() => loadConfig({ file: dup, env: {} })).issues).toEqual([`${dup}:3:1: YAML error: Map keys must be unique`]);
    const multi = dir.file('multi.yaml', 'log: {}\n---\nlog: {}\n');
    expect(configError(() => loadConfig({ file: multi, env: {} })).issues).toEqual([`${multi}:2:1: YAML error: expected one YAML document, found several`]);
  });

  it('says so when no config file was found', () => {
    const error = configError(() => loadConfig({ env: {} }));
    expect(error.issues).toContain('redis: missing, expected a mapping');
    expect(error.issues.at(-1)).toBe('no config file: none named (MAILVERDICT_CONFIG) and none of ./mailverdict.yaml, /etc/mailverdict/config.yaml exists');
  });

  it('loads JSON config files too', () => {
    dir = tempDir();
    const file = dir.file('config.json', JSON.stringify(minimal()));
    expect(loadConfig({ file, env: {} }).accounts[0]?.id).toBe('quarantine');
  });
});
