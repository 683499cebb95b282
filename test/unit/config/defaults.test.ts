import { describe, expect, it } from 'vitest';
import { parseConfig } from '../../../src/config/load-config.js';
import { minimal } from './helpers.js';

describe('config defaults', () => {
  it('fills in every default the configuration reference lists', () => {
    const config = parseConfig(minimal(), { env: {} });
    expect(config.redis).toEqual({ url: 'redis://127.0.0.1:6379', keyPrefix: 'mailverdict' });
    expect(config.elasticsearch).toEqual({
      engine: 'elasticsearch',
      nodes: ['http://127.0.0.1:19200'],
      rejectUnauthorized: true,
      indexPrefix: 'mailverdict',
      retentionMonths: 13,
      bulkMaxDocs: 1000,
      bulkMaxBytes: 5 * 1024 * 1024,
      requestTimeoutMs: 30000,
      maxRetries: 5,
    });
    expect(config.queue).toEqual({ name: 'mailverdict-messages', batchMaxMessages: 200, batchMaxBytes: 2 * 1024 * 1024, maxWaitingJobs: 200 });
    expect(config.worker).toEqual({ concurrency: 2 });
    expect(config.http).toEqual({ host: '127.0.0.1', port: 9464 });
    expect(config.log).toEqual({ level: 'info', format: 'auto' });
    expect(config.parse).toEqual({ maxFutureSkewHours: 48 });
    const account = config.accounts[0];
    expect(account).toMatchObject({
      verifyCertificate: true,
      allowInsecure: false,
      batchSize: 500,
      pollIntervalMs: 30000,
      useIdle: true,
      afterCommit: { action: 'none' },
      mailboxes: [{ path: 'INBOX' }],
    });
    expect(account?.startDate).toBeUndefined();
  });

  it('defaults redis.tls.rejectUnauthorized to true when a tls block is given', () => {
    const raw = minimal();
    raw.redis = { url: 'rediss://r:6380', tls: {} };
    expect(parseConfig(raw, { env: {} }).redis.tls).toEqual({ rejectUnauthorized: true });
  });

  it('accepts mailbox strings and objects, and gives mailboxes the account start date unless they have their own', () => {
    const raw = minimal();
    raw.accounts = [{
      id: 'a', host: 'h', port: 993, tls: 'implicit', user: 'u', accessToken: 'tok-123', startDate: '2024-01-01',
      mailboxes: ['INBOX', { path: 'Quarantine', startDate: '2024-06-01T12:30:00Z' }],
    }];
    const account = parseConfig(raw, { env: {} }).accounts[0];
    expect(account?.mailboxes).toEqual([
      { path: 'INBOX', startDate: new Date('2024-01-01T00:00:00Z') },
      { path: 'Quarantine', startDate: new Date('2024-06-01T12:30:00Z') },
    ]);
    expect(account?.accessToken).toBe('tok-123');
  });

  it('takes a single node URL as a list of one and coerces numeric and boolean strings', () => {
    const raw = minimal();
    raw.elasticsearch = { nodes: 'https://es:9200', retentionMonths: '6', rejectUnauthorized: 'false' };
    const es = parseConfig(raw, { env: {} }).elasticsearch;
    expect(es.nodes).toEqual(['https://es:9200']);
    expect(es.retentionMonths).toBe(6);
    expect(es.rejectUnauthorized).toBe(false);
  });

  it('allows tls none to a loopback host without allowInsecure', () => {
    const raw = minimal();
    raw.accounts = [{ id: 'a', host: '127.0.0.1', port: 10143, tls: 'none', user: 'u', password: 'pw1', mailboxes: ['INBOX'] }];
    expect(parseConfig(raw, { env: {} }).accounts[0]?.tls).toBe('none');
  });

  it('does not modify the object it validates', () => {
    const raw = minimal();
    const before = JSON.stringify(raw);
    parseConfig(raw, { env: { MAILVERDICT_REDIS_KEY_PREFIX: 'other' } });
    expect(JSON.stringify(raw)).toBe(before);
  });
});
