// The demo summary counts per gateway from the per-gateway arrays of the issue-10 contract (each gateway that
// stamped a message, with its own verdict and scan status) and older documents by their top-level gateway.
import { readFileSync } from 'node:fs';
import { Client } from '@elastic/elasticsearch';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { queryDemoSummary } from '../../src/demo/demo-summary.js';
import { serviceSettings, uniqueName } from '../support/services.js';

describe('demo summary per gateway (real Elasticsearch)', () => {
  const client = new Client({ node: serviceSettings().esUrl });
  const prefix = uniqueName('it-dsum');
  const at = '2026-04-20T10:00:00.000Z';
  const origin = { kind: 'imap', account: 'demo', mailbox: 'Demo', uidvalidity: 1, uid: 1 };

  beforeAll(async () => {
    const t = JSON.parse(readFileSync(new URL('../../mappings/mailverdict-template.json', import.meta.url), 'utf8')) as {
      template: { mappings: { properties: { mailverdict: { properties: Record<string, unknown> } } } };
    };
    // An index written before the rename to mailverdict.origin also holds mailverdict.source (template v3).
    const keyword = { type: 'keyword' };
    t.template.mappings.properties.mailverdict.properties['source'] = {
      type: 'object', properties: { kind: keyword, account: keyword, mailbox: keyword, uidvalidity: { type: 'long' }, uid: { type: 'long' }, path: keyword },
    };
    await client.indices.create({ index: `${prefix}-2026.04`, mappings: t.template.mappings as never });
    const multi = (ksmgVerdict: string, ksmgScan: string): object => ({
      '@timestamp': at,
      mailverdict: {
        gateway: 'exchange', origin,
        gateway_ids: ['exchange', 'amavis', 'ksmg'], gateway_nodes: ['exchange', 'amavis@mx', 'ksmg@gw2'],
        spam: { verdict: 'allowlisted', by_gateway: ['exchange:allowlisted', `ksmg:${ksmgVerdict}`] },
        scan: { status: 'skipped', by_gateway: ['exchange:skipped', 'amavis:unknown', `ksmg:${ksmgScan}`], by_gateway_node: ['exchange:skipped', 'amavis@mx:unknown', `ksmg@gw2:${ksmgScan}`] },
      },
    });
    const legacy = { '@timestamp': at, mailverdict: { gateway: 'ksmg', source: origin, spam: { verdict: 'spam' }, scan: { status: 'complete' } } };
    const elsewhere = { ...legacy, mailverdict: { ...legacy.mailverdict, source: { ...origin, mailbox: 'Other' } } };
    const docs = [multi('spam', 'complete'), multi('unknown', 'timeout'), multi('clean', 'complete'), legacy, elsewhere];
    const written = await client.bulk({ refresh: 'wait_for', operations: docs.flatMap((d) => [{ index: { _index: `${prefix}-2026.04` } }, d]) });
    expect(written.errors).toBe(false);
  });

  afterAll(async () => {
    await client.indices.delete({ index: `${prefix}-*`, ignore_unavailable: true, allow_no_indices: true });
    await client.close();
  });

  it("counts each gateway's own verdicts and scan statuses over the messages it stamped", async () => {
    const s = await queryDemoSummary(client, { indexPrefix: prefix, account: 'demo', mailbox: 'Demo', start: new Date(at), end: new Date(at) });
    expect(s.documents).toBe(4);
    expect(s.gateways).toEqual([
      { gateway: 'ksmg', documents: 4, verdicts: { spam: 2, unknown: 1, clean: 1 }, scanStatuses: { complete: 3, timeout: 1 } },
      { gateway: 'amavis', documents: 3, verdicts: {}, scanStatuses: { unknown: 3 } },
      { gateway: 'exchange', documents: 3, verdicts: { allowlisted: 3 }, scanStatuses: { skipped: 3 } },
    ]);
  });
});
