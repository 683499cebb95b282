import { readFileSync } from 'node:fs';
import { describe, expect, it } from 'vitest';
import { configKeys, configReferenceMarkdown } from '../../../src/config/config-reference.js';

const README = new URL('../../../README.md', import.meta.url);

describe('configuration reference', () => {
  it('lists every option with its default and environment variable', () => {
    const keys = configKeys();
    expect(keys.find((k) => k.path === 'accounts[].afterCommit.moveTo')?.env).toBe('MAILVERDICT_ACCOUNTS_0_AFTER_COMMIT_MOVE_TO');
    expect(keys.find((k) => k.path === 'queue.batchMaxMessages')?.default).toBe('200');
    expect(keys.find((k) => k.path === 'elasticsearch.nodes')?.required).toBe(true);
    // One of url, cluster and sentinels: none of them alone is required.
    expect(keys.find((k) => k.path === 'redis.url')?.required).toBe(false);
    expect(keys.find((k) => k.path === 'log.format')?.type).toBe('`auto` \\| `json` \\| `pretty`');
    expect(keys.find((k) => k.path === 'accounts[].port')?.type).toBe('integer 1–65535');
    expect(keys.find((k) => k.path === 'accounts[].useIdle')?.type).toBe('boolean');
    expect(keys.every((k) => k.type !== 'value'), keys.filter((k) => k.type === 'value').map((k) => k.path).join(', ')).toBe(true);
  });

  it('is the table in the README, so the README cannot drift from the schema', () => {
    const readme = readFileSync(README, 'utf8');
    const start = readme.indexOf('<!-- config-reference:start -->');
    const end = readme.indexOf('<!-- config-reference:end -->');
    expect(start).toBeGreaterThan(0);
    expect(readme.slice(start + '<!-- config-reference:start -->'.length, end).trim()).toBe(configReferenceMarkdown());
  });
});
