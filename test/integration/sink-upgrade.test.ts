// Upgrading: a field added to the template must reach this month's index, which already exists with the
// older mapping — otherwise strict mapping dead-letters every document carrying the new field.
import { afterAll, describe, expect, it } from 'vitest';
import { ensureIndexTemplates, loadIndexTemplates } from '../../src/sink/index-setup.js';
import { createSearchStore } from '../../src/sink/create-client.js';
import type { SinkConfig } from '../../src/sink/sink-config.js';
import { enginesUnderTest } from '../support/engines.js';
import { uniqueName } from '../support/services.js';

describe.each(enginesUnderTest())('index setup on an upgrade (real $engine)', ({ engine, url }) => {
  const prefix = uniqueName('it-upgrade');
  const config: SinkConfig = {
    engine, nodes: [url], rejectUnauthorized: true, indexPrefix: prefix, retentionMonths: 13,
    bulkMaxDocs: 1000, bulkMaxBytes: 5 * 1024 * 1024, requestTimeoutMs: 10_000, maxRetries: 1,
  };
  const client = createSearchStore(config);
  const index = `${prefix}-2026.11`;

  afterAll(async () => {
    await client.indices.delete({ index, ignore_unavailable: true });
    for (const spec of loadIndexTemplates(prefix)) await client.indices.deleteIndexTemplate({ name: spec.name }, { ignore: [404] });
    await client.close();
  });

  it('adds the template fields to an existing monthly index created with an older mapping', async () => {
    // The month's index as an older version left it: strict, without mailverdict.sender_domain.
    await client.indices.create({
      index,
      mappings: { dynamic: 'strict', properties: { mailverdict: { type: 'object', dynamic: 'strict', properties: { gateway: { type: 'keyword' } } } } },
    });
    await expect(client.index({ index, document: { mailverdict: { sender_domain: 'example.com' } } })).rejects.toMatchObject({ meta: { statusCode: 400 } });

    const changes = await ensureIndexTemplates(client, config);
    expect(changes.flatMap((c) => c.problems ?? [])).toEqual([]);

    const created = await client.index({ index, document: { mailverdict: { gateway: 'ksmg', sender_domain: 'example.com' } }, refresh: 'wait_for' });
    expect(created.result).toBe('created');
    const mapping = await client.indices.getMapping({ index });
    expect(JSON.stringify(mapping)).toContain('sender_domain');
  });
});
