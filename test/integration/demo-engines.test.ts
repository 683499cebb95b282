// The demo on each search engine (reduced size, same seed and period): the summaries — documents per gateway,
// verdicts, scan statuses, alerts fired and resolved — are the same on Elasticsearch and OpenSearch, because the
// templates, the documents and the alerter's queries are the same and only the client differs.
import { Queue } from 'bullmq';
import { ImapFlow } from 'imapflow';
import { Redis } from 'ioredis';
import { afterAll, describe, expect, it } from 'vitest';
import type { TextSink } from '../../src/commands/command.js';
import { parseConfig } from '../../src/config/load-config.js';
import type { Config } from '../../src/config/schema.js';
import type { DemoSummary } from '../../src/demo/demo-summary.js';
import { createSearchStore } from '../../src/sink/create-client.js';
import { runDemo } from '../../workers/run-demo.js';
import { enginesUnderTest, type EngineUnderTest } from '../support/engines.js';
import { serviceSettings, uniqueName } from '../support/services.js';

const SIZE = 1000;
const SEED = 'engines-demo';
const END = new Date('2026-06-01T00:00:00Z');
const s = serviceSettings();
const user = s.imapUsers[0]!;

interface EngineRun { target: EngineUnderTest; config: Config; mailbox: string; summary?: DemoSummary | undefined }

function engineRun(target: EngineUnderTest): EngineRun {
  const tag = target.engine.slice(0, 2);
  const mailbox = uniqueName(`it-demo-${tag}`);
  const config = parseConfig({
    redis: { url: s.redisUrl, keyPrefix: uniqueName(`itmv-demo-${tag}`) },
    elasticsearch: { engine: target.engine, nodes: [target.url], indexPrefix: uniqueName(`itmv-demo-${tag}`).toLowerCase() },
    queue: { name: uniqueName(`itq-demo-${tag}`) },
    accounts: [{ id: 'demo', host: s.imapHost, port: s.imapPort, tls: 'none', user: user.user, password: user.pass, mailboxes: [mailbox] }],
  }, { env: {} });
  return { target, config, mailbox };
}

const runs = enginesUnderTest().map(engineRun);

describe('the demo on each search engine', () => {
  afterAll(async () => {
    const redis = new Redis(s.redisUrl);
    redis.on('error', () => undefined);
    const imap = new ImapFlow({ host: s.imapHost, port: s.imapPort, secure: false, doSTARTTLS: false, auth: { user: user.user, pass: user.pass }, logger: false });
    await imap.connect();
    for (const run of runs) {
      const store = createSearchStore(run.config.elasticsearch);
      const prefix = run.config.elasticsearch.indexPrefix;
      await store.indices.delete({ index: `${prefix}-*`, ignore_unavailable: true, allow_no_indices: true }).catch(() => undefined);
      await store.indices.deleteIndexTemplate({ name: `${prefix}-*` }).catch(() => undefined);
      await store.close();
      const q = new Queue(run.config.queue.name, { connection: redis, prefix: run.config.redis.keyPrefix });
      q.on('error', () => undefined);
      await q.obliterate({ force: true }).catch(() => undefined);
      await q.close();
      const keys = await redis.keys(`${run.config.redis.keyPrefix}:*`);
      if (keys.length > 0) await redis.del(...keys);
      await imap.mailboxDelete(run.mailbox).catch(() => undefined);
    }
    await imap.logout();
    redis.disconnect();
  });

  it.each(runs)('indexes the whole demo quarantine into $target.engine', async (run) => {
    const sink: TextSink = { write: () => undefined };
    const result = await runDemo({
      config: run.config, account: run.config.accounts[0]!, mailbox: run.mailbox, size: SIZE, seed: SEED, end: END,
      out: sink, log: sink, tty: false, ascii: true, timeoutMs: 180_000, listenPort: 5518,
    });
    run.summary = result.summary;
    expect(result.summary?.documents).toBe(SIZE);
    expect(result.summary?.alerts.filter((a) => a.state === 'fired')).toHaveLength(1);
  }, 300_000);

  it('gives the same summary numbers on every engine', () => {
    const [first, ...others] = runs;
    expect(first?.summary).toBeDefined();
    for (const other of others) {
      expect(other.summary?.documents, other.target.engine).toBe(first!.summary!.documents);
      expect(other.summary?.gateways, other.target.engine).toEqual(first!.summary!.gateways);
      expect(other.summary?.alerts, other.target.engine).toEqual(first!.summary!.alerts);
      expect(other.summary?.deadLetters, other.target.engine).toBe(first!.summary!.deadLetters);
      expect(other.summary?.gatewayLog, other.target.engine).toEqual(first!.summary!.gatewayLog);
    }
  });
});
