// Shared pieces of the config tests: a minimal valid config and a way to catch the ConfigError.
import { mkdtempSync, rmSync, writeFileSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { ConfigError } from '../../../src/config/config-error.js';

export function minimal(): Record<string, unknown> {
  return {
    redis: { url: 'redis://127.0.0.1:6379' },
    elasticsearch: { nodes: ['http://127.0.0.1:19200'] },
    accounts: [{ id: 'quarantine', host: 'imap.example.org', port: 993, tls: 'implicit', user: 'q', password: 'imap-secret-1', mailboxes: ['INBOX'] }],
  };
}

export function configError(fn: () => unknown): ConfigError {
  try {
    fn();
  } catch (err) {
    if (err instanceof ConfigError) return err;
    throw err;
  }
  throw new Error('expected a ConfigError, nothing was thrown');
}

export interface TempDir { path: string; file(name: string, content: string): string; remove(): void }

export function tempDir(): TempDir {
  const path = mkdtempSync(join(tmpdir(), 'mailverdict-config-'));
  return {
    path,
    file(name, content) {
      const file = join(path, name);
      writeFileSync(file, content);
      return file;
    },
    remove() { rmSync(path, { recursive: true, force: true }); },
  };
}
