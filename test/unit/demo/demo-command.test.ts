// The demo's summary suggests a `status` command that works where the demo ran: without a config file, the demo
// writes the local-services configuration it used, and `status --config <that file>` loads it.
import { mkdtempSync, readFileSync, statSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { describe, expect, it } from 'vitest';
import { loadConfig } from '../../../src/config/load-config.js';
import { formatDemoSummary } from '../../../src/demo/format-summary.js';
import { localServicesConfig, writeDemoConfig } from '../../../workers/demo-command.js';
import { DEMO_ACCOUNT_ID, DEMO_MAILBOX } from '../../../workers/run-demo.js';

describe('demo status hint', () => {
  it('writes a private configuration that loads to the demo account and mailbox', () => {
    const dir = mkdtempSync(join(tmpdir(), 'mv-demo-hint-'));
    const env = { MAILVERDICT_REDIS_URL: 'redis://127.0.0.1:6390', MAILVERDICT_IMAP_PORT: '10143' };
    const file = writeDemoConfig(env, dir);
    expect(statSync(file).mode & 0o077).toBe(0);
    const loaded = loadConfig({ file, env: {} });
    expect(loaded).toEqual(localServicesConfig(env));
    expect(loaded.redis.url).toBe('redis://127.0.0.1:6390');
    expect(loaded.accounts.map((a) => [a.id, a.mailboxes.map((m) => m.path)])).toEqual([[DEMO_ACCOUNT_ID, [DEMO_MAILBOX]]]);
    expect(readFileSync(file, 'utf8')).toContain('mailverdict demo');
  });

  it('prints the status command it is given, runnable from the repository', () => {
    const summary = { documents: 0, indices: [], gateways: [], alerts: [], deadLetters: 0 } as unknown as Parameters<typeof formatDemoSummary>[0];
    const text = formatDemoSummary(summary, { indexPrefix: 'mailverdict', esUrl: 'http://127.0.0.1:19200', seconds: 1, statusCommand: 'npx mailverdict status --config /tmp/x.yaml' });
    expect(text).toContain('npx mailverdict status --config /tmp/x.yaml');
    expect(text).not.toMatch(/^\s*CLI:\s+mailverdict status\b/m);
  });
});
