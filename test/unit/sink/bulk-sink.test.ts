// BulkSink against a scripted client: batching, per-item and whole-request retries, dead letters, 413 splits.
// The same behaviour against the real Elasticsearch is in test/integration/sink.test.ts.
import { errors, type Client } from '@elastic/elasticsearch';
import { describe, expect, it } from 'vitest';
import type { ParsedMessage } from '../../../src/document/types.js';
import { BulkSink, type RetryEvent } from '../../../src/sink/bulk-sink.js';
import { IndexRequestError, TransientIndexError } from '../../../src/sink/errors.js';
import type { SinkConfig } from '../../../src/sink/sink-config.js';
import { fixtureMessages } from './fixture-messages.js';

interface Sent { index: string; id: string | undefined; doc: Record<string, unknown> }
type Item = { status: number; error?: { type: string; reason: string } };
/** Decides the answer for one bulk request: item list, or an error to throw. */
type Script = (sent: Sent[], call: number) => Item[] | Error;

function fakeClient(script: Script): { client: Client; calls: Sent[][]; options: unknown[] } {
  const calls: Sent[][] = [];
  const options: unknown[] = [];
  const client = {
    bulk: async (params: { operations: string[] }, opts: unknown) => {
      const sent: Sent[] = [];
      for (let i = 0; i < params.operations.length; i += 2) {
        const action = JSON.parse(params.operations[i] as string) as { create: { _index: string; _id?: string } };
        sent.push({ index: action.create._index, id: action.create._id, doc: JSON.parse(params.operations[i + 1] as string) });
      }
      calls.push(sent);
      options.push(opts);
      const answer = script(sent, calls.length - 1);
      if (answer instanceof Error) throw answer;
      return { items: answer.map((a) => ({ create: a })) };
    },
  } as unknown as Client;
  return { client, calls, options };
}

// The fixtures go back years: retention is long here, except in the tests about it.
const config = (over: Partial<SinkConfig> = {}): SinkConfig => ({
  nodes: ['http://127.0.0.1:1'], rejectUnauthorized: true, indexPrefix: 'mv', retentionMonths: 1200,
  bulkMaxDocs: 1000, bulkMaxBytes: 5 * 1024 * 1024, requestTimeoutMs: 1000, maxRetries: 3,
  retryBaseDelayMs: 1, retryMaxDelayMs: 2, ...over,
});

const fixtures = fixtureMessages(['kaspersky']);
const messages: ParsedMessage[] = fixtures.map((f) => f.message);
const allCreated: Script = (sent) => sent.map(() => ({ status: 201 }));
const response = (statusCode: number, type: string): errors.ResponseError =>
  new errors.ResponseError({ body: { error: { type, reason: type }, status: statusCode }, statusCode, headers: {}, warnings: null, meta: {} as never });

describe('BulkSink', () => {
  it('has real fixture messages to work with', () => {
    expect(messages.length).toBeGreaterThanOrEqual(8);
  });

  it('writes create ops with _id = message id to the month of @timestamp, with event.ingested', async () => {
    const { client, calls, options } = fakeClient(allCreated);
    const now = new Date('2026-02-03T04:05:06Z');
    const outcome = await new BulkSink(client, config(), { now: () => now }).indexBatch(messages);
    expect(outcome).toMatchObject({ created: messages.length, duplicates: 0, deadLettered: 0, retries: 0 });
    expect(calls).toHaveLength(1);
    expect(options[0]).toEqual({ maxRetries: 0 });
    calls[0]?.forEach((sent, i) => {
      const m = messages[i] as ParsedMessage;
      const month = m.document['@timestamp'].slice(0, 7).replace('-', '.');
      expect(sent).toMatchObject({ index: `mv-${month}`, id: m.id });
      expect((sent.doc['event'] as { ingested: string }).ingested).toBe(now.toISOString());
      expect(sent.doc['mailverdict']).toEqual(m.document.mailverdict);
    });
    expect(outcome.results.map((r) => r.id)).toEqual(messages.map((m) => m.id));
    // the caller's documents are not modified
    expect(messages[0]?.document.event.ingested).toBeUndefined();
  });

  it('splits a batch by bulkMaxDocs and by bulkMaxBytes', async () => {
    const byCount = fakeClient(allCreated);
    await new BulkSink(byCount.client, config({ bulkMaxDocs: 3 })).indexBatch(messages);
    expect(byCount.calls.map((c) => c.length)).toEqual(chunkSizes(messages.length, 3));

    const biggest = Math.max(...messages.map((m) => JSON.stringify(m.document).length));
    const byBytes = fakeClient(allCreated);
    await new BulkSink(byBytes.client, config({ bulkMaxBytes: biggest * 2 + 400 })).indexBatch(messages);
    expect(byBytes.calls.length).toBeGreaterThan(1);
    for (const call of byBytes.calls) {
      const bytes = call.reduce((n, s) => n + Buffer.byteLength(JSON.stringify(s.doc)) + 100, 0);
      expect(call.length === 1 || bytes <= biggest * 2 + 400 + call.length * 100).toBe(true);
    }
    expect(byBytes.calls.flat().map((s) => s.id)).toEqual(messages.map((m) => m.id));
  });

  it('counts 409 as duplicate', async () => {
    const { client } = fakeClient((sent) => sent.map((_, i) => (i % 2 === 0 ? { status: 409, error: { type: 'version_conflict_engine_exception', reason: 'exists' } } : { status: 201 })));
    const outcome = await new BulkSink(client, config()).indexBatch(messages);
    expect(outcome.duplicates).toBe(Math.ceil(messages.length / 2));
    expect(outcome.created).toBe(Math.floor(messages.length / 2));
    expect(outcome.results[0]?.outcome).toBe('duplicate');
  });

  it('re-sends only the items that got 429/5xx, with backoff, and reports retries', async () => {
    const events: RetryEvent[] = [];
    const { client, calls } = fakeClient((sent, call) =>
      sent.map((_, i) => (call === 0 && i === 1 ? { status: 429, error: { type: 'es_rejected_execution_exception', reason: 'queue full' } }
        : call === 0 && i === 2 ? { status: 503, error: { type: 'unavailable_shards_exception', reason: 'primary not active' } }
          : { status: 201 })));
    const outcome = await new BulkSink(client, config(), { onRetry: (e) => events.push(e) }).indexBatch(messages);
    expect(outcome).toMatchObject({ created: messages.length, deadLettered: 0, retries: 1 });
    expect(calls).toHaveLength(2);
    expect(calls[1]?.map((s) => s.id)).toEqual([messages[1]?.id, messages[2]?.id]);
    expect(events).toHaveLength(1);
    expect(events[0]).toMatchObject({ retry: 1, pending: 2 });
  });

  it('dead-letters a rejected document with reason, raw headers and the document as text; the rest are indexed', async () => {
    const bad = messages[2] as ParsedMessage;
    const { client, calls } = fakeClient((sent) => sent.map((s) => (s.id === bad.id && !s.index.endsWith('deadletter')
      ? { status: 400, error: { type: 'document_parsing_exception', reason: '[1:2] failed to parse field [mailverdict.scl] of type [integer]' } }
      : { status: 201 })));
    const rawHeaders = new Map(fixtures.map((f) => [f.message.id, f.rawHeaders]));
    const outcome = await new BulkSink(client, config()).indexBatch(messages, { rawHeaders });
    expect(outcome).toMatchObject({ created: messages.length - 1, deadLettered: 1 });
    expect(outcome.results[2]).toMatchObject({ id: bad.id, outcome: 'dead_lettered', reason: expect.stringContaining('mailverdict.scl') });
    expect(calls).toHaveLength(2);
    const letter = calls[1]?.[0];
    expect(letter?.index).toBe('mv-deadletter');
    expect(letter?.id).toBe(bad.id);
    expect(letter?.doc).toMatchObject({
      stage: 'indexing', status: 400, document_id: bad.id, reason: expect.stringContaining('failed to parse field'),
      error: { type: 'document_parsing_exception' }, raw_headers: fixtures[2]?.rawHeaders,
      source: bad.document.mailverdict.origin,
    });
    expect(JSON.parse(letter?.doc['document'] as string).mailverdict).toEqual(bad.document.mailverdict);
  });

  it('takes raw headers as bytes and decodes them only for the dead letter', async () => {
    const bad = messages[2] as ParsedMessage;
    const { client, calls } = fakeClient((sent) => sent.map((s) => (s.id === bad.id && !s.index.endsWith('deadletter')
      ? { status: 400, error: { type: 'document_parsing_exception', reason: 'failed to parse field' } }
      : { status: 201 })));
    const rawHeaders = new Map(fixtures.map((f) => [f.message.id, Buffer.from(f.rawHeaders, 'latin1')]));
    await new BulkSink(client, config()).indexBatch(messages, { rawHeaders });
    expect(calls[1]?.[0]?.doc).toMatchObject({ document_id: bad.id, raw_headers: fixtures[2]?.rawHeaders });
  });

  it('throws TransientIndexError after maxRetries when the cluster stays unreachable', async () => {
    const { client, calls } = fakeClient(() => new errors.ConnectionError('connect ECONNREFUSED 127.0.0.1:1'));
    const error = await new BulkSink(client, config({ maxRetries: 2 })).indexBatch(messages).catch((e: unknown) => e);
    expect(error).toBeInstanceOf(TransientIndexError);
    expect(calls).toHaveLength(3);
    expect((error as TransientIndexError).meta).toMatchObject({ attempts: 3, pending: messages.length, errorType: 'ConnectionError' });
    expect(((error as TransientIndexError).cause as Error).message).toContain('ECONNREFUSED');
  });

  it('retries a whole-request 429/503 and then succeeds', async () => {
    const { client, calls } = fakeClient((sent, call) => (call < 2 ? response(call === 0 ? 429 : 503, 'overloaded') : sent.map(() => ({ status: 201 }))));
    const outcome = await new BulkSink(client, config()).indexBatch(messages);
    expect(outcome).toMatchObject({ created: messages.length, retries: 2 });
    expect(calls).toHaveLength(3);
  });

  it('gives up at once on 401 with an IndexRequestError', async () => {
    const { client, calls } = fakeClient(() => response(401, 'security_exception'));
    await expect(new BulkSink(client, config()).indexBatch(messages)).rejects.toBeInstanceOf(IndexRequestError);
    expect(calls).toHaveLength(1);
  });

  it('halves a request answered with 413 and dead-letters a single document that is still too large', async () => {
    const huge = messages[0] as ParsedMessage;
    const { client, calls } = fakeClient((sent) => {
      if (sent.length > 2) return response(413, 'request_entity_too_large');
      if (sent.some((s) => s.id === huge.id && !s.index.endsWith('deadletter'))) return response(413, 'request_entity_too_large');
      return sent.map(() => ({ status: 201 }));
    });
    const outcome = await new BulkSink(client, config()).indexBatch(messages);
    expect(outcome).toMatchObject({ created: messages.length - 1, deadLettered: 1 });
    expect(outcome.results[0]).toMatchObject({ outcome: 'dead_lettered', reason: expect.stringContaining('larger than') });
    expect(calls.filter((c) => c.length > 2).length).toBeGreaterThan(0);
  });

  it('keeps at least id and reason when the full dead letter is refused too', async () => {
    const bad = messages[1] as ParsedMessage;
    const { client, calls } = fakeClient((sent) => {
      if (sent.some((s) => s.index.endsWith('deadletter') && s.doc['document'] !== undefined)) return response(413, 'request_entity_too_large');
      return sent.map((s) => (s.id === bad.id && !s.index.endsWith('deadletter')
        ? { status: 400, error: { type: 'strict_dynamic_mapping_exception', reason: 'dynamic introduction of [x] is not allowed' } }
        : { status: 201 }));
    });
    const outcome = await new BulkSink(client, config()).indexBatch(messages);
    expect(outcome).toMatchObject({ created: messages.length - 1, deadLettered: 1 });
    const minimal = calls.at(-1)?.[0];
    expect(minimal?.index).toBe('mv-deadletter');
    expect(minimal?.doc).toMatchObject({ document_id: bad.id, reason: 'dynamic introduction of [x] is not allowed' });
    expect(minimal?.doc['document']).toBeUndefined();
    expect((minimal?.doc['error'] as { message: string }).message).toContain('full dead letter refused');
  });

  it('routes a message with an unusable @timestamp to <prefix>-undated with a warning', async () => {
    const m = messages[0] as ParsedMessage;
    const broken: ParsedMessage = { id: m.id, document: { ...m.document, '@timestamp': 'not a date' } };
    const { client, calls } = fakeClient(allCreated);
    const outcome = await new BulkSink(client, config()).indexBatch([broken]);
    expect(outcome.results[0]).toMatchObject({ outcome: 'created', index: 'mv-undated' });
    const doc = calls[0]?.[0]?.doc as { '@timestamp': string; mailverdict: { parse: { warnings: string[] } } };
    expect(doc.mailverdict.parse.warnings).toContain('index_fallback:bad_timestamp:not a date');
    expect(doc['@timestamp']).toBe(m.document.event.created);
  });

  it('dead-letters parse failures with their raw headers under parse-<id>, retrying like indexBatch; 409 is done', async () => {
    const headerBytes = Buffer.from('Subject: broken\r\nX-Test: 1\r\n\r\n', 'latin1');
    const failure = { headerBytes, source: { kind: 'file' as const, path: '/q/1.eml' }, error: new TypeError('boom') };
    const { client, calls } = fakeClient((sent, call) => (call === 0 ? response(503, 'unavailable') : sent.map(() => ({ status: call === 1 ? 201 : 409 }))));
    const sink = new BulkSink(client, config(), { now: () => new Date('2026-02-03T04:05:06Z') });
    await sink.deadLetterParseFailures([failure]);
    await sink.deadLetterParseFailures([failure]);
    expect(calls).toHaveLength(3);
    const sent = calls[1]?.[0];
    expect(sent?.index).toBe('mv-deadletter');
    expect(sent?.id).toMatch(/^parse-[0-9a-f]{64}$/);
    expect(calls[2]?.[0]?.id).toBe(sent?.id);
    expect(sent?.doc).toMatchObject({
      stage: 'parsing', reason: 'parse failed: boom', error: { type: 'TypeError', message: 'boom' },
      source: { kind: 'file', path: '/q/1.eml' }, raw_headers: headerBytes.toString('latin1'), index: '',
    });
    await expect(new BulkSink(fakeClient((s) => s.map(() => ({ status: 400, error: { type: 'x', reason: 'y' } }))).client, config())
      .deadLetterParseFailures([failure])).rejects.toThrow(/refused a parse failure/);
  });

  it('does not write a message whose month lies before the retention window: counted as expired, in order', async () => {
    const { client, calls } = fakeClient(allCreated);
    const base = messages[0] as ParsedMessage;
    const at = (id: string, timestamp: string): ParsedMessage => ({ id, document: { ...base.document, '@timestamp': timestamp } });
    const now = new Date('2026-11-15T12:00:00Z');
    // retentionMonths 13 on 2026-11 keeps 2025.11 … 2026.11 (the months the retention task keeps).
    const batch = [
      at('old', '2025-10-31T23:59:59Z'),
      at('first-kept', '2025-11-01T00:00:00Z'),
      at('current', '2026-11-15T11:00:00Z'),
      at('much-older', '2012-03-01T00:00:00Z'),
      { id: 'undated', document: { ...base.document, '@timestamp': 'garbage' } },
    ];
    const outcome = await new BulkSink(client, config({ retentionMonths: 13 }), { now: () => now }).indexBatch(batch);
    expect(outcome).toMatchObject({ created: 3, duplicates: 0, deadLettered: 0, expired: 2 });
    expect(outcome.results.map((r) => [r.id, r.outcome, r.index])).toEqual([
      ['old', 'expired', 'mv-2025.10'],
      ['first-kept', 'created', 'mv-2025.11'],
      ['current', 'created', 'mv-2026.11'],
      ['much-older', 'expired', 'mv-2012.03'],
      ['undated', 'created', 'mv-undated'],
    ]);
    expect(calls.flat().map((c) => c.id)).toEqual(['first-kept', 'current', 'undated']);
  });

  it('sends no request at all when every message of the batch is expired', async () => {
    const { client, calls } = fakeClient(allCreated);
    const outcome = await new BulkSink(client, config({ retentionMonths: 1 }), { now: () => new Date('2026-11-15T00:00:00Z') })
      .indexBatch(messages.filter((m) => m.document['@timestamp'] < '2026-11'));
    expect(outcome.expired).toBe(messages.filter((m) => m.document['@timestamp'] < '2026-11').length);
    expect(outcome.created + outcome.duplicates + outcome.deadLettered).toBe(0);
    expect(calls).toHaveLength(0);
  });
});

function chunkSizes(total: number, size: number): number[] {
  const out: number[] = [];
  for (let left = total; left > 0; left -= size) out.push(Math.min(size, left));
  return out;
}
