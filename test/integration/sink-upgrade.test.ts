// Upgrading: a field added to the template must reach this month's index, which already exists with the
// older mapping — otherwise strict mapping dead-letters every document carrying the new field.
import { copyFileSync, mkdtempSync, readdirSync, readFileSync, rmSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { fileURLToPath } from 'node:url';
import { afterAll, describe, expect, it } from 'vitest';
import { parseMessage } from '../../src/parse/parse-message.js';
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
  // Its own prefix: the first case already installs the current templates under `prefix`.
  const v3Prefix = uniqueName('it-upgrade-v3');
  const v3Config: SinkConfig = { ...config, indexPrefix: v3Prefix };
  const v3Index = `${v3Prefix}-2025.04`;
  const mappingsDir = fileURLToPath(new URL('../../mappings/', import.meta.url));
  const v3Dir = mkdtempSync(join(tmpdir(), 'mailverdict-v3-mappings-'));

  afterAll(async () => {
    rmSync(v3Dir, { recursive: true, force: true });
    await client.indices.delete({ index: [index, v3Index], ignore_unavailable: true });
    for (const p of [prefix, v3Prefix]) {
      for (const spec of loadIndexTemplates(p)) await client.indices.deleteIndexTemplate({ name: spec.name }, { ignore: [404] });
    }
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

  it('template v3 → v4: the month\'s index gets the per-gateway and ECS fields; old documents stay as they are', async () => {
    // Templates as version 3 installed them (mailverdict.source.*, no per-gateway arrays), and this month's index.
    for (const f of readdirSync(mappingsDir)) copyFileSync(join(mappingsDir, f), join(v3Dir, f));
    copyFileSync(fileURLToPath(new URL('data/mailverdict-template-v3.json', import.meta.url)), join(v3Dir, 'mailverdict-template.json'));
    await ensureIndexTemplates(client, v3Config, { mappingsDir: v3Dir });
    const old = { '@timestamp': '2025-04-08T08:05:00Z', mailverdict: { gateway: 'ksmg', scan: { status: 'timeout' }, source: { kind: 'imap', account: 'q', mailbox: 'INBOX', uid: 7 } } };
    expect((await client.index({ index: v3Index, id: 'old', document: old })).result).toBe('created');

    const raw = readFileSync(fileURLToPath(new URL('../fixtures/multi-gateway/ksmg-amavis-stamp.eml', import.meta.url)));
    const parsed = parseMessage(raw, { origin: { kind: 'imap', account: 'q', mailbox: 'INBOX', uidvalidity: 1, uid: 8 } });
    // Before the upgrade the strict v3 mapping refuses the new document.
    await expect(client.index({ index: v3Index, id: parsed.id, document: parsed.document })).rejects.toMatchObject({ meta: { statusCode: 400 } });

    const changes = await ensureIndexTemplates(client, v3Config);
    expect(changes.find((c) => c.name === `${v3Prefix}-messages`)).toMatchObject({ action: 'updated', version: 4 });
    expect(changes.flatMap((c) => c.problems ?? [])).toEqual([]);
    expect((await client.index({ index: v3Index, id: parsed.id, document: parsed.document, refresh: 'wait_for' })).result).toBe('created');

    // Panels over both: the old document still counts by top-level gateway; only the new one counts per gateway node.
    const r = await client.search({
      index: v3Index, size: 0,
      aggs: { gateway: { terms: { field: 'mailverdict.gateway' } }, nodes: { terms: { field: 'mailverdict.scan.by_gateway_node' } } },
    });
    const buckets = (name: string) => ((r.aggregations?.[name] as { buckets: { key: string; doc_count: number }[] }).buckets)
      .map((b) => [b.key, b.doc_count]).sort();
    expect(buckets('gateway')).toEqual([['ksmg', 2]]);
    expect(buckets('nodes')).toEqual([['amavis@mail.example.com:unknown', 1], ['ksmg@gw2.example.com:complete', 1]]);
    const oldDoc = await client.get<Record<string, any>>({ index: v3Index, id: 'old' });
    expect(oldDoc._source?.['mailverdict']['source']).toEqual(old.mailverdict.source);
    const byOrigin = await client.count({ index: v3Index, query: { term: { 'mailverdict.origin.uid': 8 } } });
    expect(byOrigin.count).toBe(1);
    const mapping = JSON.stringify(await client.indices.getMapping({ index: v3Index }));
    for (const field of ['gateway_ids', 'by_gateway_node', 'origin', 'attachments', 'direction']) expect(mapping).toContain(`"${field}"`);
  });
});
