// Shared setup of the pipeline integration tests: a unique mailbox, queue, key prefix and index prefix
// on the real Dovecot, Redis and Elasticsearch, fixtures appended over IMAP, and clean-up.
import { readFileSync, readdirSync, statSync } from 'node:fs';
import { join } from 'node:path';
import { fileURLToPath } from 'node:url';
import type { SearchStore } from '../../src/sink/search-store.js';
import { ImapFlow } from 'imapflow';
import { Redis } from 'ioredis';
import { Queue } from 'bullmq';
import { parseMessage } from '../../src/parse/parse-message.js';
import { createSearchStore } from '../../src/sink/create-client.js';
import { ensureIndexTemplates } from '../../src/sink/index-setup.js';
import type { SinkConfig } from '../../src/sink/sink-config.js';
import type { AccountSettings } from '../../src/collector/account-settings.js';
import type { CollectorConfig } from '../../src/collector/collector.js';
import type { WorkerConfig } from '../../workers/worker.js';
import { defaultEngine, type EngineUnderTest } from '../support/engines.js';
import { serviceSettings, uniqueName } from '../support/services.js';

const FIXTURES = fileURLToPath(new URL('../fixtures/', import.meta.url));

/** Every fixture .eml except the deliberately hostile ones, with the id the pipeline must give it. */
export function fixtureMessages(): { file: string; raw: Buffer; id: string }[] {
  const out: { file: string; raw: Buffer; id: string }[] = [];
  for (const dir of readdirSync(FIXTURES).sort()) {
    if (dir === 'hostile' || !statSync(join(FIXTURES, dir)).isDirectory()) continue;
    for (const f of readdirSync(join(FIXTURES, dir)).sort()) {
      if (!f.endsWith('.eml')) continue;
      const raw = readFileSync(join(FIXTURES, dir, f));
      out.push({ file: `${dir}/${f}`, raw, id: parseMessage(raw, { origin: { kind: 'file' } }).id });
    }
  }
  return out;
}

export type Harness = Awaited<ReturnType<typeof createHarness>>;

export async function createHarness(tag: string, accountOverrides: Partial<AccountSettings> = {}, target: EngineUnderTest = defaultEngine()) {
  const s = serviceSettings();
  const user = s.imapUsers.find((u) => u.user === 'alice') ?? s.imapUsers[0]!;
  const mailbox = uniqueName(`it-${tag}`);
  const keyPrefix = uniqueName(`itmv-${tag}`);
  const indexPrefix = uniqueName(`itmv-${tag}`).toLowerCase();
  const queueName = uniqueName(`itq-${tag}`);

  const elasticsearch: SinkConfig = {
    engine: target.engine, nodes: [target.url], rejectUnauthorized: true, indexPrefix, retentionMonths: 1200,
    bulkMaxDocs: 1000, bulkMaxBytes: 5 * 1024 * 1024, requestTimeoutMs: 30_000, maxRetries: 2,
    retryBaseDelayMs: 100, retryMaxDelayMs: 500,
  };
  const account: AccountSettings = {
    id: 'alice', host: s.imapHost, port: s.imapPort, tls: 'none', user: user.user, password: user.pass,
    batchSize: 25, pollIntervalMs: 60_000, useIdle: true, afterCommit: { action: 'none' }, mailboxes: [mailbox],
    ...accountOverrides,
  };
  const config: CollectorConfig & WorkerConfig = {
    redis: { url: s.redisUrl, keyPrefix },
    elasticsearch,
    queue: { name: queueName, batchMaxMessages: 10, batchMaxBytes: 2 * 1024 * 1024, maxWaitingJobs: 200 },
    worker: { concurrency: 2 },
    accounts: [account],
  };

  const es: SearchStore = createSearchStore(elasticsearch);
  await ensureIndexTemplates(es, elasticsearch);
  const redis = new Redis(s.redisUrl, { maxRetriesPerRequest: 3 });
  redis.on('error', () => undefined);

  const imap = async (): Promise<ImapFlow> => {
    const c = new ImapFlow({ host: s.imapHost, port: s.imapPort, secure: false, doSTARTTLS: false, auth: { user: user.user, pass: user.pass }, logger: false });
    c.on('error', () => undefined);
    await c.connect();
    return c;
  };
  const admin = await imap();
  await admin.mailboxCreate(mailbox);

  const dataIndices = `${indexPrefix}-*,-${indexPrefix}-deadletter`;

  return {
    config, account, mailbox, keyPrefix, indexPrefix, queueName, es, redis, admin, imap,

    /** APPENDs the messages; returns their UIDs. */
    async append(raws: readonly Buffer[], target = mailbox): Promise<number[]> {
      const uids: number[] = [];
      for (const raw of raws) {
        const r = await admin.append(target, raw);
        if (r && typeof r.uid === 'number') uids.push(r.uid);
      }
      return uids;
    },

    /** Ids of the documents in the data indices (not dead letters). */
    async indexedIds(): Promise<string[]> {
      await es.indices.refresh({ index: `${indexPrefix}-*`, allow_no_indices: true, ignore_unavailable: true });
      const r = await es.search({ index: dataIndices, size: 10_000, _source: false, allow_no_indices: true, ignore_unavailable: true, query: { match_all: {} } });
      return r.hits.hits.map((h) => h._id ?? '').sort();
    },

    async deadLetterCount(): Promise<number> {
      await es.indices.refresh({ index: `${indexPrefix}-deadletter`, ignore_unavailable: true, allow_no_indices: true });
      const r = await es.count({ index: `${indexPrefix}-deadletter`, ignore_unavailable: true, allow_no_indices: true });
      return r.count;
    },

    /** Flags of every message in the mailbox, by UID. */
    async flags(target = mailbox): Promise<Map<number, string[]>> {
      const lock = await admin.getMailboxLock(target, { readOnly: true });
      try {
        const out = new Map<number, string[]>();
        for (const m of await admin.fetchAll('1:*', { uid: true, flags: true }, { uid: true }).catch(() => [])) out.set(m.uid, [...(m.flags ?? [])].sort());
        return out;
      } finally {
        lock.release();
      }
    },

    async cleanup(): Promise<void> {
      await admin.mailboxDelete(mailbox).catch(() => undefined);
      await admin.logout().catch(() => undefined);
      await es.indices.delete({ index: `${indexPrefix}-*`, ignore_unavailable: true, allow_no_indices: true }).catch(() => undefined);
      await es.indices.deleteIndexTemplate({ name: `${indexPrefix}-*` }).catch(() => undefined);
      const q = new Queue(queueName, { connection: redis, prefix: keyPrefix });
      q.on('error', () => undefined);
      await q.obliterate({ force: true }).catch(() => undefined);
      await q.close().catch(() => undefined);
      let cursor = '0';
      for (let i = 0; i < 10_000; i++) {
        const [next, keys] = await redis.scan(cursor, 'MATCH', `${keyPrefix}:*`, 'COUNT', 500);
        if (keys.length > 0) await redis.del(...keys);
        cursor = next;
        if (cursor === '0') break;
      }
      redis.disconnect();
      await es.close();
    },
  };
}

/** Polls until `check` returns true, or throws with the last observed value. */
export async function waitFor<T>(what: string, read: () => Promise<T>, check: (value: T) => boolean, timeoutMs = 60_000): Promise<T> {
  const deadline = Date.now() + timeoutMs;
  let last: T = await read();
  while (!check(last)) {
    if (Date.now() > deadline) throw new Error(`timed out waiting for ${what}; last value: ${JSON.stringify(last)?.slice(0, 500)}`);
    await new Promise((r) => setTimeout(r, 250));
    last = await read();
  }
  return last;
}
