import { afterAll, describe, expect, it } from 'vitest';
import { createSearchStore } from '../../src/sink/create-client.js';
import { enginesUnderTest } from '../support/engines.js';
import { uniqueName } from '../support/services.js';

describe.each(enginesUnderTest())('search store $engine (real server from scripts/services)', ({ engine, url }) => {
  const client = createSearchStore({
    engine, nodes: [url], rejectUnauthorized: true, indexPrefix: 'mailverdict', retentionMonths: 13,
    bulkMaxDocs: 1000, bulkMaxBytes: 5 * 1024 * 1024, requestTimeoutMs: 10_000, maxRetries: 1,
  });
  const index = uniqueName('it-roundtrip');

  afterAll(async () => {
    await client.indices.delete({ index, ignore_unavailable: true });
    await client.close();
  });

  it('indexes a document and finds it again through search', async () => {
    await client.index({ index, id: 'doc-1', document: { verdict: 'spam', rate: 95 }, refresh: 'wait_for' });
    const result = await client.search<{ verdict: string; rate: number }>({ index, query: { term: { verdict: 'spam' } } });
    expect(result.hits.hits).toHaveLength(1);
    expect(result.hits.hits[0]?._id).toBe('doc-1');
    expect(result.hits.hits[0]?._source).toEqual({ verdict: 'spam', rate: 95 });
  });

  it('answers a create of an existing _id with 409, the "already indexed" signal the sink relies on', async () => {
    await expect(client.create({ index, id: 'doc-1', document: { verdict: 'clean' } })).rejects.toMatchObject({
      meta: { statusCode: 409 },
    });
  });
});
