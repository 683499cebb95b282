// BulkSink, index templates and retention against each real search engine (scripts/services).
// Every test uses its own index prefix and deletes what it created.
import { createServer } from 'node:net';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import type { MailverdictDocument, ParsedMessage } from '../../src/document/types.js';
import { BulkSink, type RetryEvent } from '../../src/sink/bulk-sink.js';
import { createSearchStore } from '../../src/sink/create-client.js';
import type { DeadLetterDocument } from '../../src/sink/dead-letter.js';
import { SinkError, TransientIndexError } from '../../src/sink/errors.js';
import { checkIndexTemplates, ensureIndexTemplates, loadIndexTemplates } from '../../src/sink/index-setup.js';
import { indexFor } from '../../src/sink/index-name.js';
import { deleteExpiredIndices } from '../../src/sink/retention.js';
import type { SearchStore } from '../../src/sink/search-store.js';
import type { SinkConfig } from '../../src/sink/sink-config.js';
import { enginesUnderTest, type EngineUnderTest } from '../support/engines.js';
import { uniqueName } from '../support/services.js';
import { fixtureMessages } from '../unit/sink/fixture-messages.js';

const sinkConfigFor = (target: EngineUnderTest) => (indexPrefix: string, over: Partial<SinkConfig> = {}): SinkConfig => ({
  engine: target.engine, nodes: [target.url], rejectUnauthorized: true, indexPrefix,
  // The fixtures are years old: a shorter window would count them as expired instead of indexing them.
  retentionMonths: 1200,
  bulkMaxDocs: 1000, bulkMaxBytes: 5 * 1024 * 1024, requestTimeoutMs: 10_000, maxRetries: 3,
  retryBaseDelayMs: 5, retryMaxDelayMs: 20, ...over,
});

/** Delete every index and template of a test prefix (explicit names: wildcard deletes may be refused). */
async function cleanUp(client: SearchStore, prefix: string): Promise<void> {
  const resolved = await client.indices.resolveIndex({ name: `${prefix}-*`, expand_wildcards: ['open', 'closed'] });
  const names = resolved.indices.map((i) => i.name);
  if (names.length > 0) await client.indices.delete({ index: names, ignore_unavailable: true });
  for (const spec of loadIndexTemplates(prefix)) {
    await client.indices.deleteIndexTemplate({ name: spec.name }, { ignore: [404] });
  }
}

async function count(client: SearchStore, index: string): Promise<number> {
  await client.indices.refresh({ index, ignore_unavailable: true, allow_no_indices: true });
  return (await client.count({ index, ignore_unavailable: true, allow_no_indices: true })).count;
}

const fixtures = fixtureMessages();
const rawHeaders = new Map(fixtures.map((f) => [f.message.id, f.rawHeaders]));
const messages = fixtures.map((f) => f.message);

/** A copy of a fixture message under a new id, with its document changed by `edit`. */
function variant(base: ParsedMessage, suffix: string, edit: (doc: Record<string, unknown>) => void): ParsedMessage {
  const document = structuredClone(base.document) as unknown as Record<string, unknown>;
  edit(document);
  return { id: `${base.id}-${suffix}`, document: document as unknown as MailverdictDocument };
}

describe.each(enginesUnderTest())('$engine', (target) => {
  const sinkConfig = sinkConfigFor(target);

  describe('index templates', () => {
    const prefix = uniqueName('it-sink-tpl');
    const config = sinkConfig(prefix);
    const client = createSearchStore(config);
    afterAll(async () => {
      await cleanUp(client, prefix);
      await client.close();
    });

    it('are reported missing, installed once, idempotent on a second run, and then check clean', async () => {
      const specs = loadIndexTemplates(prefix);
      const before = await checkIndexTemplates(client, config);
      expect(before).toHaveLength(specs.length);
      for (const problem of before) expect(problem).toMatch(/is missing/);

      const first = await ensureIndexTemplates(client, config);
      expect(first.map((c) => c.action)).toEqual(specs.map(() => 'created'));
      const second = await ensureIndexTemplates(client, { elasticsearch: config });
      expect(second.map((c) => c.action)).toEqual(specs.map(() => 'unchanged'));
      expect(await checkIndexTemplates(client, config)).toEqual([]);

      const installed = await client.indices.getIndexTemplate({ name: `${prefix}-messages` });
      expect(installed.index_templates[0]?.index_template.index_patterns).toEqual([`${prefix}-2*`, `${prefix}-undated`]);
      expect(installed.index_templates[0]?.index_template.template?.mappings?.dynamic).toBe('strict');
    });

    it('notice an outdated template and update it', async () => {
      const messagesSpec = loadIndexTemplates(prefix).find((s) => s.name === `${prefix}-messages`);
      expect(messagesSpec).toBeDefined();
      await client.indices.putIndexTemplate({ name: `${prefix}-messages`, ...(messagesSpec?.body ?? {}), version: 0 } as never);
      const problems = await checkIndexTemplates(client, config);
      expect(problems).toEqual([expect.stringMatching(new RegExp(`${prefix}-messages is version 0, mappings/mailverdict-template.json is version \\d+`))]);
      const changes = await ensureIndexTemplates(client, config);
      expect(changes.find((c) => c.name === `${prefix}-messages`)?.action).toBe('updated');
      expect(changes.filter((c) => c.action === 'unchanged')).toHaveLength(changes.length - 1);
      expect(await checkIndexTemplates(client, config)).toEqual([]);
    });
  });

  describe('BulkSink', () => {
    const prefix = uniqueName('it-sink');
    const config = sinkConfig(prefix);
    const client = createSearchStore(config);
    beforeAll(async () => {
      await ensureIndexTemplates(client, config);
    });
    afterAll(async () => {
      await cleanUp(client, prefix);
      await client.close();
    });

    it('indexes every fixture once; the same batch again is all duplicates and nothing is doubled', async () => {
      expect(messages.length).toBeGreaterThanOrEqual(20);
      const sink = new BulkSink(client, config);
      const first = await sink.indexBatch(messages, { rawHeaders });
      // Every real fixture document must fit the strict mapping: a dead letter here is a mapping/document drift.
      expect(first.results.filter((r) => r.outcome === 'dead_lettered')).toEqual([]);
      // Duplicates on a first write only come from a retried request whose first attempt got through (a bulk
      // request that timed out while the engine created this many monthly indices on a busy machine).
      expect(first).toMatchObject({ deadLettered: 0 });
      expect(first.created + first.duplicates).toBe(messages.length);
      if (first.duplicates > 0) expect(first.retries).toBeGreaterThan(0);
      expect(await count(client, `${prefix}-2*`)).toBe(messages.length);

      const second = await sink.indexBatch(messages, { rawHeaders });
      expect(second).toMatchObject({ created: 0, duplicates: messages.length, deadLettered: 0 });
      expect(await count(client, `${prefix}-2*`)).toBe(messages.length);

      // each document is in the month of its own @timestamp, under its id, with event.ingested
      const found = await client.search<MailverdictDocument>({ index: `${prefix}-2*`, size: 1000 });
      const byId = new Map(found.hits.hits.map((h) => [h._id, h]));
      for (const m of messages) {
        const hit = byId.get(m.id);
        expect(hit?._index, m.id).toBe(indexFor(m.document['@timestamp'], prefix));
        expect(hit?._source?.event.ingested).toMatch(/^\d{4}-\d{2}-\d{2}T/);
        expect(hit?._source?.mailverdict.spam).toEqual(m.document.mailverdict.spam);
      }
    });

    it('two sinks writing the same new batch at once still give one document per message', async () => {
      const batch = messages.slice(0, 10).map((m) => variant(m, 'race', () => undefined));
      const [a, b] = await Promise.all([new BulkSink(client, config).indexBatch(batch), new BulkSink(client, config).indexBatch(batch)]);
      expect((a?.created ?? 0) + (b?.created ?? 0)).toBe(batch.length);
      expect((a?.duplicates ?? 0) + (b?.duplicates ?? 0)).toBe(batch.length);
      await client.indices.refresh({ index: `${prefix}-2*` });
      const ids = batch.map((m) => m.id);
      expect((await client.count({ index: `${prefix}-2*`, query: { ids: { values: ids } } })).count).toBe(batch.length);
    });

    it('dead-letters what the mapping rejects, with reason and raw headers, and indexes the rest', async () => {
      const [m0, m1, m2, m3] = messages as [ParsedMessage, ParsedMessage, ParsedMessage, ParsedMessage];
      const wrongType = variant(m0, 'wrongtype', (d) => { (d['mailverdict'] as Record<string, unknown>)['scl'] = 'very spammy'; });
      const unmapped = variant(m1, 'unmapped', (d) => { (d['mailverdict'] as Record<string, unknown>)['surprise'] = { field: 1 }; });
      const good1 = variant(m2, 'good', () => undefined);
      const good2 = variant(m3, 'good', () => undefined);
      const batch = [good1, wrongType, good2, unmapped];
      const headers = new Map([[wrongType.id, rawHeaders.get(m0.id) ?? ''], [unmapped.id, rawHeaders.get(m1.id) ?? '']]);

      const sink = new BulkSink(client, config);
      const outcome = await sink.indexBatch(batch, { rawHeaders: headers });
      expect(outcome).toMatchObject({ created: 2, duplicates: 0, deadLettered: 2 });
      expect(outcome.results.map((r) => r.outcome)).toEqual(['created', 'dead_lettered', 'created', 'dead_lettered']);
      expect(outcome.results[1]?.reason).toContain('mailverdict.scl');
      expect(outcome.results[3]?.reason).toContain('surprise');

      const deadletter = `${prefix}-deadletter`;
      expect(await count(client, deadletter)).toBe(2);
      const wrong = await client.get<DeadLetterDocument>({ index: deadletter, id: wrongType.id });
      expect(wrong._source).toMatchObject({
        stage: 'indexing', status: 400, document_id: wrongType.id, index: indexFor(m0.document['@timestamp'], prefix),
        error: { type: target.fieldParseError }, raw_headers: rawHeaders.get(m0.id),
      });
      expect(wrong._source?.reason).toContain('failed to parse field [mailverdict.scl]');
      expect(JSON.parse(wrong._source?.document ?? '{}').mailverdict.scl).toBe('very spammy');
      const strict = await client.get<DeadLetterDocument>({ index: deadletter, id: unmapped.id });
      expect(strict._source?.error.type).toBe('strict_dynamic_mapping_exception');
      // the dead-letter index is strict too and took the document as text
      const mapping = await client.indices.getMapping({ index: deadletter });
      expect(Object.values(mapping)[0]?.mappings.dynamic).toBe('strict');

      // the batch retried (e.g. after a crash): nothing doubled, not even the dead letters
      const again = await sink.indexBatch(batch, { rawHeaders: headers });
      expect(again).toMatchObject({ created: 0, duplicates: 2, deadLettered: 2 });
      expect(await count(client, deadletter)).toBe(2);
      await client.indices.refresh({ index: `${prefix}-2*` });
      expect((await client.count({ index: `${prefix}-2*`, query: { ids: { values: [good1.id, good2.id, wrongType.id, unmapped.id] } } })).count).toBe(2);
    });

    it('sends a message without a usable @timestamp to <prefix>-undated under the strict mapping, with a warning', async () => {
      const undated = variant(messages[4] as ParsedMessage, 'undated', (d) => { d['@timestamp'] = 'Tue, 31 Feb 2024'; });
      const outcome = await new BulkSink(client, config).indexBatch([undated]);
      expect(outcome.results[0]).toMatchObject({ outcome: 'created', index: `${prefix}-undated` });
      const got = await client.get<MailverdictDocument>({ index: `${prefix}-undated`, id: undated.id });
      expect(got._source?.mailverdict.parse.warnings).toContain('index_fallback:bad_timestamp:Tue, 31 Feb 2024');
      const mapping = await client.indices.getMapping({ index: `${prefix}-undated` });
      expect(Object.values(mapping)[0]?.mappings.dynamic).toBe('strict');
      // deterministic: the retried message is a duplicate, not a second document
      expect((await new BulkSink(client, config).indexBatch([undated])).duplicates).toBe(1);
    });

    it('splits by bulkMaxDocs/bulkMaxBytes against the real cluster', async () => {
      const batch = messages.map((m) => variant(m, 'small-bulks', () => undefined));
      const outcome = await new BulkSink(client, sinkConfig(prefix, { bulkMaxDocs: 3, bulkMaxBytes: 8 * 1024 })).indexBatch(batch);
      expect(outcome).toMatchObject({ created: batch.length, deadLettered: 0 });
      await client.indices.refresh({ index: `${prefix}-2*` });
      expect((await client.count({ index: `${prefix}-2*`, query: { ids: { values: batch.map((m) => m.id) } } })).count).toBe(batch.length);
    });
  });

  describe('retention', () => {
    const prefix = uniqueName('it-sink-ret');
    const config = sinkConfig(prefix, { retentionMonths: 12 });
    const client = createSearchStore(config);
    afterAll(async () => {
      await cleanUp(client, prefix);
      await client.close();
    });

    it('deletes exactly the monthly indices older than retentionMonths', async () => {
      const old = [`${prefix}-2023.01`, `${prefix}-2024.10`, `${prefix}-2024.11`];
      const kept = [
        `${prefix}-2024.12`, `${prefix}-2025.11`, `${prefix}-2025.12`, `${prefix}-deadletter`, `${prefix}-alerts`, `${prefix}-undated`,
        `${prefix}-2023.01-restored`, `${prefix}-other-2020.01`, `${prefix}-2020.13`,
      ];
      for (const index of [...old, ...kept]) await client.indices.create({ index });
      await client.indices.close({ index: `${prefix}-2024.10` });
      await client.indices.putAlias({ index: `${prefix}-2025.11`, name: `${prefix}-2019.01` });

      const deleted = await deleteExpiredIndices(client, config, new Date('2025-11-15T08:00:00Z'));
      expect(deleted).toEqual(old);
      const left = (await client.indices.resolveIndex({ name: `${prefix}-*`, expand_wildcards: ['open', 'closed'] })).indices.map((i) => i.name).sort();
      expect(left).toEqual([...kept].sort());
      // running again deletes nothing more
      expect(await deleteExpiredIndices(client, config, new Date('2025-11-15T08:00:00Z'))).toEqual([]);
    });
  });

  describe('store unreachable', () => {
    it('BulkSink retries with backoff and then throws TransientIndexError', async () => {
      const port = await closedPort();
      const config = sinkConfig('it-sink-down', { nodes: [`http://127.0.0.1:${port}`], maxRetries: 3, retryBaseDelayMs: 2, retryMaxDelayMs: 10 });
      const client = createSearchStore(config);
      const retries: RetryEvent[] = [];
      try {
        const error = await new BulkSink(client, config, { onRetry: (e) => retries.push(e) }).indexBatch(messages.slice(0, 5)).catch((e: unknown) => e);
        expect(error).toBeInstanceOf(TransientIndexError);
        const err = error as TransientIndexError;
        expect(err.code).toBe('transient_index_failure');
        expect(err.meta).toMatchObject({ attempts: 4, pending: 5, errorType: 'ConnectionError' });
        expect(err.message).toMatch(/after 4 attempt/);
        expect(retries.map((r) => r.retry)).toEqual([1, 2, 3]);
        await expect(checkIndexTemplates(client, config)).rejects.toBeInstanceOf(SinkError);
      } finally {
        await client.close();
      }
    });
  });
});

async function closedPort(): Promise<number> {
  const server = createServer();
  await new Promise<void>((resolve) => server.listen(0, '127.0.0.1', resolve));
  const address = server.address();
  await new Promise<void>((resolve) => server.close(() => resolve()));
  if (address === null || typeof address === 'string') throw new Error('no port');
  return address.port;
}
