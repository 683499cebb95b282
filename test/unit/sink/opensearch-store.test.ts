import { Client as EsClient } from '@elastic/elasticsearch';
import type { Client as OsClient } from '@opensearch-project/opensearch';
import { describe, expect, it } from 'vitest';
import { createSearchStore } from '../../../src/sink/create-client.js';
import { SinkError } from '../../../src/sink/errors.js';
import { OpenSearchStore } from '../../../src/sink/opensearch-store.js';
import type { SinkConfig } from '../../../src/sink/sink-config.js';

/** A stand-in for the OpenSearch client that records what each API method was called with. */
function recordingClient(): { client: OsClient; calls: { method: string; params: Record<string, unknown>; options: unknown }[] } {
  const calls: { method: string; params: Record<string, unknown>; options: unknown }[] = [];
  const api = (method: string) => async (params: Record<string, unknown>, options: unknown) => {
    calls.push({ method, params, options });
    return { body: { method } };
  };
  const indices = Object.fromEntries(['refresh', 'get', 'getMapping', 'putMapping', 'putSettings', 'create', 'close', 'delete', 'putAlias', 'resolveIndex',
    'putIndexTemplate', 'getIndexTemplate', 'deleteIndexTemplate'].map((m) => [m, api(`indices.${m}`)]));
  const client = {
    indices, cluster: { health: api('cluster.health') },
    search: api('search'), count: api('count'), bulk: api('bulk'), create: api('create'), index: api('index'), get: api('get'),
    close: async () => undefined,
  };
  return { client: client as unknown as OsClient, calls };
}

const base: SinkConfig = {
  nodes: ['http://127.0.0.1:9'], rejectUnauthorized: true, indexPrefix: 'mailverdict', retentionMonths: 13,
  bulkMaxDocs: 1000, bulkMaxBytes: 5 * 1024 * 1024, requestTimeoutMs: 1000, maxRetries: 0,
};

describe('OpenSearchStore', () => {
  it('moves the body fields of Elasticsearch-shaped requests under `body` and returns the response body', async () => {
    const { client, calls } = recordingClient();
    const store = new OpenSearchStore(client);
    const response = await store.search({ index: 'a-*', size: 0, allow_no_indices: true, query: { match_all: {} }, aggs: { x: { terms: { field: 'f' } } } }, { requestTimeout: 5 });
    expect(response).toEqual({ method: 'search' });
    expect(calls[0]).toEqual({
      method: 'search',
      params: { index: 'a-*', allow_no_indices: true, body: { size: 0, query: { match_all: {} }, aggs: { x: { terms: { field: 'f' } } } } },
      options: { requestTimeout: 5 },
    });
    await store.bulk({ operations: ['{"create":{}}', '{}'], filter_path: 'errors' }, { maxRetries: 0 });
    expect(calls[1]?.params).toEqual({ body: ['{"create":{}}', '{}'], filter_path: 'errors' });
    await store.create({ index: 'i', id: '1', document: { a: 1 }, refresh: 'wait_for' });
    expect(calls[2]?.params).toEqual({ index: 'i', id: '1', body: { a: 1 }, refresh: 'wait_for' });
    await store.indices.putIndexTemplate({ name: 't', index_patterns: ['x-*'], template: { settings: {} }, priority: 5 });
    expect(calls[3]?.params).toEqual({ name: 't', body: { index_patterns: ['x-*'], template: { settings: {} }, priority: 5 } });
    await store.indices.putMapping({ index: 'i', properties: { a: { type: 'keyword' } } });
    expect(calls[4]?.params).toEqual({ index: 'i', body: { properties: { a: { type: 'keyword' } } } });
    await store.count({ index: 'i', query: { ids: { values: ['1'] } } });
    expect(calls[5]?.params).toEqual({ index: 'i', body: { query: { ids: { values: ['1'] } } } });
    await store.indices.delete({ index: ['a', 'b'], ignore_unavailable: true });
    expect(calls[6]?.params).toEqual({ index: ['a', 'b'], ignore_unavailable: true });
    await store.indices.putSettings({ index: 'i', settings: { index: { number_of_replicas: 1 } } });
    expect(calls[7]).toMatchObject({ method: 'indices.putSettings', params: { index: 'i', body: { index: { number_of_replicas: 1 } } } });
  });
});

describe('createSearchStore', () => {
  it('uses the engine the config names; old configs (no engine) get Elasticsearch', async () => {
    const es = createSearchStore(base);
    expect(es).toBeInstanceOf(EsClient);
    const os = createSearchStore({ ...base, engine: 'opensearch', username: 'u', password: 'p' });
    expect(os).toBeInstanceOf(OpenSearchStore);
    await es.close();
    await os.close();
  });

  it('puts every configured node in the pool of either client', async () => {
    const nodes = ['http://127.0.0.1:19220', 'http://127.0.0.1:19221', 'http://127.0.0.1:19222'];
    const es = createSearchStore({ ...base, nodes }) as EsClient;
    expect(es.connectionPool.connections.map((c) => c.url.toString())).toEqual(nodes.map((n) => `${n}/`));
    const os = createSearchStore({ ...base, engine: 'opensearch', nodes }) as OpenSearchStore;
    const pool = (os as unknown as { client: OsClient }).client.connectionPool as unknown as { connections: { url: URL }[] };
    expect(pool.connections.map((c) => c.url.toString())).toEqual(nodes.map((n) => `${n}/`));
    await es.close();
    await os.close();
  });

  it('refuses an API key for OpenSearch, naming the key', () => {
    expect(() => createSearchStore({ ...base, engine: 'opensearch', apiKey: 'abc' })).toThrow(SinkError);
    expect(() => createSearchStore({ ...base, engine: 'opensearch', apiKey: 'abc' })).toThrow(/elasticsearch.apiKey: OpenSearch has no API keys/);
  });
});
