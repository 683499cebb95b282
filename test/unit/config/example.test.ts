// config.reference.yaml must stay loadable and mention every option the schema has; config.example.yaml (the
// minimal one) must stay loadable (test/integration/config-check.test.ts checks it against the local services).
import { readFileSync } from 'node:fs';
import { fileURLToPath } from 'node:url';
import { afterEach, describe, expect, it } from 'vitest';
import type { z } from 'zod';
import { loadConfig } from '../../../src/config/load-config.js';
import { configSchema } from '../../../src/config/schema.js';
import { childSchema, objectKeys } from '../../../src/config/schema-walk.js';
import { tempDir, type TempDir } from './helpers.js';

const EXAMPLE = fileURLToPath(new URL('../../../config.reference.yaml', import.meta.url));
const MINIMAL = fileURLToPath(new URL('../../../config.example.yaml', import.meta.url));

function allKeys(schema: z.ZodTypeAny, depth = 0): string[] {
  if (depth > 6) return [];
  const keys = objectKeys(schema);
  const nested = keys.flatMap((key) => {
    let child = childSchema(schema, key);
    // Step into lists of mappings (accounts, mailboxes).
    for (let i = 0; i < 2 && child !== undefined && objectKeys(child).length === 0; i++) child = childSchema(child, 0);
    return child === undefined ? [] : allKeys(child, depth + 1);
  });
  return [...keys, ...nested];
}

describe('config.reference.yaml and config.example.yaml', () => {
  let dir: TempDir | undefined;
  afterEach(() => { dir?.remove(); dir = undefined; });

  it('loads and validates, pointing at the local services', () => {
    dir = tempDir();
    // The Dovecot CA exists only after `scripts/services up`; unit tests need no services.
    const ca = dir.file('ca.pem', '-----BEGIN CERTIFICATE-----\n');
    const config = loadConfig({ file: EXAMPLE, env: { MAILVERDICT_ACCOUNTS_0_CA_FILE: ca, MAILVERDICT_ACCOUNTS_1_CA_FILE: ca } });
    expect(config.redis.url).toBe('redis://127.0.0.1:6379');
    expect(config.elasticsearch.nodes).toEqual(['http://127.0.0.1:19200']);
    expect(config.accounts.map((a) => [a.id, a.host, a.port, a.tls, a.afterCommit.action])).toEqual([
      ['quarantine', '127.0.0.1', 10993, 'implicit', 'none'],
      ['alice', '127.0.0.1', 10143, 'starttls', 'none'],
    ]);
    expect(config.accounts[0]?.mailboxes).toEqual([
      { path: 'INBOX', startDate: new Date('2024-01-01T00:00:00Z') },
      { path: 'Quarantine', startDate: new Date('2024-06-01T00:00:00Z') },
    ]);
    expect(config.accounts[0]?.verifyCertificate).toBe(true);
  });

  it('keeps the minimal example minimal and read-only', () => {
    dir = tempDir();
    const ca = dir.file('ca.pem', '-----BEGIN CERTIFICATE-----\n');
    const config = loadConfig({ file: MINIMAL, env: { MAILVERDICT_ACCOUNTS_0_CA_FILE: ca } });
    expect(config.accounts.map((a) => [a.id, a.port, a.tls, a.afterCommit.action, a.mailboxes.map((m) => m.path)])).toEqual([
      ['quarantine', 10993, 'implicit', 'none', ['INBOX']],
    ]);
    expect(readFileSync(MINIMAL, 'utf8').split('\n').filter((l) => /^\s*[a-zA-Z]+:/.test(l)).length).toBeLessThan(20);
  });

  it('mentions every option of the schema', () => {
    const text = readFileSync(EXAMPLE, 'utf8');
    const keys = [...new Set(allKeys(configSchema))];
    expect(keys).toContain('moveTo');
    expect(keys.length).toBeGreaterThan(40);
    const missing = keys.filter((key) => !new RegExp(`\\b${key}:`).test(text));
    expect(missing).toEqual([]);
  });
});
