// The silent-collector rule with the collector's real status hash in the real Redis and the alert index in the
// real Elasticsearch: a mailbox not polled for too long fires once, a successful poll resolves it once.
import { readFileSync } from 'node:fs';
import { Client } from '@elastic/elasticsearch';
import { Redis } from 'ioredis';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { alertConfigSchema } from '../../src/alerts/alert-config.js';
import { Alerter, type AlerterConfig } from '../../src/alerts/alerter.js';
import { mailboxIndexKey, mailboxKeys } from '../../src/mailbox-state/mailbox-keys.js';
import { writeMailboxStatus } from '../../src/mailbox-state/mailbox-status.js';
import { serviceSettings, uniqueName } from '../support/services.js';

const MIN = 60_000;
const T = Date.parse('2025-04-08T00:00:00.000Z');
const at = (minutes: number): Date => new Date(T + minutes * MIN);

describe('silent-collector alert (real Redis + Elasticsearch)', () => {
  const client = new Client({ node: serviceSettings().esUrl });
  const redis = new Redis(serviceSettings().redisUrl);
  const prefix = uniqueName('it-silent');
  const keyPrefix = uniqueName('it-silent');
  const config: AlerterConfig = {
    alerts: alertConfigSchema.parse({ rules: [], silentCollector: { maxSilenceMs: 30 * MIN } }),
    elasticsearch: { indexPrefix: prefix },
    redis: { keyPrefix },
    accounts: [{ id: 'quarantine', mailboxes: [{ path: 'INBOX' }, 'Junk'] }],
  };
  const poll = async (mailbox: string, minutes: number): Promise<void> => {
    const ref = { account: 'quarantine', mailbox };
    await writeMailboxStatus(redis, keyPrefix, ref, { phase: 'waiting', lastPollAt: at(minutes).toISOString() });
    await redis.sadd(mailboxIndexKey(keyPrefix), mailboxKeys(keyPrefix, ref).state);
  };

  beforeAll(async () => {
    const t = JSON.parse(readFileSync(new URL('../../mappings/alerts-template.json', import.meta.url), 'utf8')) as Record<string, unknown>;
    await client.indices.putIndexTemplate({ name: `${prefix}-alerts`, ...t, index_patterns: [`${prefix}-alerts*`] } as never);
  });

  afterAll(async () => {
    const keys = await redis.keys(`${keyPrefix}:*`);
    if (keys.length > 0) await redis.del(...keys);
    await client.indices.delete({ index: `${prefix}-*`, ignore_unavailable: true, allow_no_indices: true });
    await client.indices.deleteIndexTemplate({ name: `${prefix}-alerts` }).catch(() => undefined);
    await client.close();
    redis.disconnect();
  });

  it('fires once per silent mailbox, not again after a restart, and resolves once when polls come back', async () => {
    await poll('INBOX', 0);
    // Junk was never polled: it counts from the alerter start (minute 0).
    let now = at(0);
    const alerter = (): Alerter => new Alerter(config, { client, redis, now: () => now });
    const first = alerter();
    now = at(20);
    expect(await first.evaluateOnce()).toEqual([]);
    now = at(31);
    const fired = await first.evaluateOnce();
    expect(fired.map((n) => `${n.event.state} ${n.event.gateway}`).sort()).toEqual(['fired quarantine/INBOX', 'fired quarantine/Junk']);
    expect(fired.find((n) => n.event.mailbox === 'INBOX')?.event.last_success).toBe(at(0).toISOString());
    // A restarted alerter (new start time) neither re-sends nor wrongly resolves the never-polled mailbox.
    now = at(40);
    expect(await alerter().evaluateOnce()).toEqual([]);
    await poll('INBOX', 41);
    now = at(42);
    const back = await alerter().evaluateOnce();
    expect(back.map((n) => `${n.event.state} ${n.event.gateway}`)).toEqual(['resolved quarantine/INBOX']);
    expect(await alerter().evaluateOnce()).toEqual([]);
  });
});
