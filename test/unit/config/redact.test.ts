import { describe, expect, it } from 'vitest';
import { parseConfig } from '../../../src/config/load-config.js';
import { redactConfig } from '../../../src/config/redact.js';
import { minimal } from './helpers.js';

describe('redactConfig', () => {
  it('replaces every secret and URL password, keeps everything else', () => {
    const raw = minimal();
    raw.redis = { url: 'redis://mv:url-secret-1@redis:6379/0', username: 'mv', password: 'redis-secret-1' };
    raw.elasticsearch = { nodes: ['https://elastic:url-secret-2@es1:9200', 'https://es2:9200'], apiKey: 'es-api-key-1' };
    raw.accounts = [
      { id: 'a', host: 'h', port: 993, tls: 'implicit', user: 'alice', password: 'imap-secret-1', mailboxes: ['INBOX'], startDate: '2024-01-01' },
      { id: 'b', host: 'h', port: 993, tls: 'implicit', user: 'bob', accessToken: 'oauth-token-1', mailboxes: ['INBOX'] },
    ];
    const config = parseConfig(raw, { env: {} });
    const redacted = redactConfig(config) as typeof config;
    const text = JSON.stringify(redacted);
    for (const secret of ['url-secret-1', 'url-secret-2', 'redis-secret-1', 'es-api-key-1', 'imap-secret-1', 'oauth-token-1']) {
      expect(text).not.toContain(secret);
    }
    expect(redacted.redis).toEqual({ url: 'redis://mv:[redacted]@redis:6379/0', username: 'mv', password: '[redacted]', keyPrefix: 'mailverdict' });
    expect(redacted.elasticsearch.nodes).toEqual(['https://elastic:[redacted]@es1:9200', 'https://es2:9200']);
    expect(redacted.elasticsearch.apiKey).toBe('[redacted]');
    expect(redacted.accounts[0]).toMatchObject({ user: 'alice', password: '[redacted]', startDate: '2024-01-01T00:00:00.000Z' });
    expect(redacted.accounts[1]).toMatchObject({ user: 'bob', accessToken: '[redacted]' });
    expect('password' in (redacted.accounts[1] as object)).toBe(false);
    // The original is untouched.
    expect(config.accounts[0]?.password).toBe('imap-secret-1');
  });
});
