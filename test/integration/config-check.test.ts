// `mailverdict config check` against the real services: everything fine, then a wrong IMAP password and an
// unreachable Elasticsearch, each reported as a failure with its reason and a non-zero exit; replicas that differ
// from `elasticsearch.replicas` warned about until `mailverdict setup` applies them.
import { mkdtempSync, rmSync, writeFileSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { ImapFlow } from 'imapflow';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { main } from '../../workers/cli.js';
import type { CommandIo } from '../../src/commands/command.js';
import { configCommand } from '../../src/commands/config-check.js';
import { setupCommand } from '../../src/commands/setup.js';
import { createSearchStore } from '../../src/sink/create-client.js';
import { enginesUnderTest } from '../support/engines.js';
import { serviceSettings, uniqueName } from '../support/services.js';

const s = serviceSettings();
const user = s.imapUsers[0]!;
const dir = mkdtempSync(join(tmpdir(), 'mv-config-check-'));
const mailbox = uniqueName('it-check');
const prefix = uniqueName('it-check').toLowerCase();

function configFile(name: string, overrides: { esUrl?: string; engine?: string; password?: string; mailboxes?: string[]; indexPrefix?: string; replicas?: number } = {}): string {
  const file = join(dir, `${name}.yaml`);
  writeFileSync(file, [
    `redis: { url: "${s.redisUrl}", keyPrefix: "${prefix}" }`,
    `elasticsearch: { engine: ${overrides.engine ?? 'elasticsearch'}, nodes: ["${overrides.esUrl ?? s.esUrl}"], indexPrefix: "${overrides.indexPrefix ?? prefix}"` +
      `${overrides.replicas === undefined ? '' : `, replicas: ${overrides.replicas}`} }`,
    'accounts:',
    '  - id: quarantine',
    `    host: ${s.imapHost}`,
    `    port: ${s.imapPort}`,
    '    tls: none',
    `    user: ${user.user}`,
    `    password: ${JSON.stringify(overrides.password ?? user.pass)}`,
    `    mailboxes: ${JSON.stringify(overrides.mailboxes ?? [mailbox])}`,
    '',
  ].join('\n'));
  return file;
}

async function check(file: string): Promise<{ code: number; lines: string[] }> {
  let out = '';
  const io: CommandIo = {
    stdout: { write: (t) => { out += t; } },
    stderr: { write: (t) => { out += t; } },
    stdin: () => (async function* () { /* none */ })(),
    env: {},
  };
  const code = await main(['config', 'check', '--config', file, '--timeout-ms', '5000'], io, [configCommand]);
  return { code, lines: out.trimEnd().split('\n') };
}

async function setup(file: string): Promise<{ code: number; out: string }> {
  let out = '';
  const io: CommandIo = {
    stdout: { write: (t) => { out += t; } },
    stderr: { write: (t) => { out += t; } },
    stdin: () => (async function* () { /* none */ })(),
    env: {},
  };
  return { code: await main(['setup', '--config', file], io, [setupCommand]), out };
}

const line = (lines: string[], status: string, name: string): string | undefined =>
  lines.find((l) => l.startsWith(status) && l.slice(6).startsWith(name));

describe('mailverdict config check (real Redis, Elasticsearch, Dovecot)', () => {
  beforeAll(async () => {
    const client = new ImapFlow({ host: s.imapHost, port: s.imapPort, secure: false, doSTARTTLS: false, auth: { user: user.user, pass: user.pass }, logger: false });
    await client.connect();
    await client.mailboxCreate(mailbox);
    await client.logout();
  });

  afterAll(async () => {
    const client = new ImapFlow({ host: s.imapHost, port: s.imapPort, secure: false, doSTARTTLS: false, auth: { user: user.user, pass: user.pass }, logger: false });
    await client.connect();
    await client.mailboxDelete(mailbox).catch(() => undefined);
    await client.logout();
    rmSync(dir, { recursive: true, force: true });
  });

  it.each(enginesUnderTest())('passes with a good configuration: one ok line per connection and mailbox, exit 0 ($engine)', async ({ engine, url }) => {
    const { code, lines } = await check(configFile(`good-${engine}`, { engine, esUrl: url }));
    expect(lines.filter((l) => l.startsWith('FAIL'))).toEqual([]);
    expect(code).toBe(0);
    expect(line(lines, 'ok', 'config')).toBeDefined();
    expect(line(lines, 'ok', 'redis')).toContain(s.redisUrl);
    expect(line(lines, 'ok', 'elasticsearch')).toContain(url);
    expect(line(lines, 'ok', 'elasticsearch')).toMatch(/cluster \S+, status (green|yellow)/);
    expect(line(lines, 'ok', 'imap quarantine ')).toContain('login');
    expect(line(lines, 'ok', 'imap quarantine mailbox')).toContain(`"${mailbox}" exists, 0 messages`);
    // The unique index prefix has no templates yet: a warning, not a failure.
    expect(line(lines, 'warn', 'elasticsearch')).toContain('mailverdict setup');
  });

  it.each(enginesUnderTest())('warns while templates and indices have other replicas than elasticsearch.replicas; setup applies it ($engine)', async ({ engine, url }) => {
    const indexPrefix = uniqueName('it-replicas').toLowerCase();
    const store = createSearchStore({
      engine, nodes: [url], rejectUnauthorized: true, indexPrefix, retentionMonths: 1200, bulkMaxDocs: 1000,
      bulkMaxBytes: 5 * 1024 * 1024, requestTimeoutMs: 30_000, maxRetries: 1,
    });
    try {
      expect((await setup(configFile(`replicas-none-${engine}`, { engine, esUrl: url, indexPrefix }))).code).toBe(0);
      const month = `${indexPrefix}-2024.10`;
      await store.indices.create({ index: month });
      const one = configFile(`replicas-1-${engine}`, { engine, esUrl: url, indexPrefix, replicas: 1 });
      const before = await check(one);
      const warnings = before.lines.filter((l) => /^warn +elasticsearch/.test(l));
      expect(warnings.filter((l) => l.includes('gives auto-expanding replicas 0-1, expected 1 replica (elasticsearch.replicas: 1)'))).toHaveLength(3);
      expect(warnings).toContainEqual(expect.stringContaining(`index ${month} (auto-expanding replicas 0-1): expected 1 replica (elasticsearch.replicas: 1) (run \`mailverdict setup\`)`));

      const applied = await setup(one);
      expect(applied.code, applied.out).toBe(0);
      expect(applied.out).toContain(`replicas of 1 existing index set as configured (${month})`);
      const after = await check(one);
      expect(after.lines.filter((l) => /^warn +elasticsearch/.test(l))).toEqual([]);
      const settings = (await store.indices.get({ index: month }))[month]?.settings?.index;
      expect({ replicas: settings?.number_of_replicas, autoExpand: settings?.auto_expand_replicas }).toEqual({ replicas: '1', autoExpand: 'false' });
      console.log(`${engine}: before setup ${warnings.length} replica warnings; after, ${month} has ${settings?.number_of_replicas} replica, no warning`);
    } finally {
      await store.indices.delete({ index: `${indexPrefix}-*`, ignore_unavailable: true, allow_no_indices: true }).catch(() => undefined);
      await store.indices.deleteIndexTemplate({ name: `${indexPrefix}-*` }).catch(() => undefined);
      await store.close();
    }
  });

  it('passes with the shipped config.example.yaml against the local services', async () => {
    const example = new URL('../../config.example.yaml', import.meta.url).pathname;
    const r = await check(example);
    expect(r.lines.filter((l) => l.startsWith('fail')), r.lines.join('\n')).toEqual([]);
    expect(r.lines.some((l) => /^ok +imap quarantine mailbox +"INBOX" exists/.test(l))).toBe(true);
    expect(r.code).toBe(0);
  });

  it('fails on a wrong IMAP password, saying the login failed', async () => {
    const { code, lines } = await check(configFile('bad-password', { password: 'not-the-password' }));
    expect(code).toBe(1);
    expect(line(lines, 'FAIL', 'imap quarantine')).toMatch(/login failed for quarantine: wrong user name or password/);
    expect(line(lines, 'ok', 'elasticsearch')).toBeDefined();
  });

  it('fails on an unreachable Elasticsearch, saying the connection was refused', async () => {
    const { code, lines } = await check(configFile('no-es', { esUrl: 'http://127.0.0.1:1' }));
    expect(code).toBe(1);
    expect(line(lines, 'FAIL', 'elasticsearch')).toMatch(/http:\/\/127\.0\.0\.1:1: cannot connect: .*ECONNREFUSED/);
    expect(line(lines, 'ok', 'imap quarantine ')).toBeDefined();
  });

  it('fails on a missing mailbox and on an invalid configuration, naming them', async () => {
    const missing = await check(configFile('missing-box', { mailboxes: [mailbox, 'No/Such/Box'] }));
    expect(missing.code).toBe(1);
    expect(line(missing.lines, 'FAIL', 'imap quarantine mailbox')).toContain('"No/Such/Box" does not exist');
    const file = join(dir, 'invalid.yaml');
    writeFileSync(file, 'redis: { url: "http://nope" }\nelasticsearch: { nodes: [] }\n');
    const invalid = await check(file);
    expect(invalid.code).toBe(1);
    expect(invalid.lines.filter((l) => l.startsWith('FAIL  config')).length).toBeGreaterThanOrEqual(2);
    expect(invalid.lines.join('\n')).toContain('redis.url');
  });
});
