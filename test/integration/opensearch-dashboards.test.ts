// Every OpenSearch Dashboards visualization and saved search (dashboards/opensearch/), translated to the request
// OpenSearch Dashboards sends, runs against the real OpenSearch on documents parsed from the fixture messages
// (indexed through the sink under the real templates) and returns buckets / hits. OpenSearch Dashboards itself
// does not run here; this is how a panel that would stay empty is caught.
import { readFileSync, readdirSync } from 'node:fs';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { OSD_NDJSON } from '../../dashboards/opensearch/generate.js';
import { AlertStore } from '../../src/alerts/alert-store.js';
import { responseProblems, type PanelRequest, type PanelRequestOptions } from '../../src/kibana/panel-requests.js';
import { parseNdjson } from '../../src/kibana/saved-objects.js';
import { osdPanelRequests } from '../../src/opensearch-dashboards/visualization-requests.js';
import { parseLogInput } from '../../src/parse/parse-log.js';
import { parseMessage } from '../../src/parse/parse-message.js';
import { BulkSink, type IndexableDocument } from '../../src/sink/bulk-sink.js';
import { createSearchStore } from '../../src/sink/create-client.js';
import { ensureIndexTemplates, loadIndexTemplates } from '../../src/sink/index-setup.js';
import type { SinkConfig } from '../../src/sink/sink-config.js';
import { serviceSettings, uniqueName } from '../support/services.js';

const FIXTURES = new URL('../fixtures/', import.meta.url);
const LOG_FIXTURES = new URL('../fixtures/logs/', import.meta.url);

describe('OpenSearch Dashboards panels on fixture data (real OpenSearch)', () => {
  const prefix = uniqueName('it-osd');
  const config: SinkConfig = {
    engine: 'opensearch', nodes: [serviceSettings().osUrl], rejectUnauthorized: true, indexPrefix: prefix, retentionMonths: 1200,
    bulkMaxDocs: 1000, bulkMaxBytes: 5 * 1024 * 1024, requestTimeoutMs: 30_000, maxRetries: 2,
  };
  const store = createSearchStore(config);
  const objects = parseNdjson(readFileSync(OSD_NDJSON, 'utf8'));
  let options: PanelRequestOptions;
  let indexed = 0;

  const run = async (requests: PanelRequest[]): Promise<string[]> => {
    const problems: string[] = [];
    for (const req of requests) {
      try {
        const response = await store.search({ index: req.index, ignore_unavailable: false, allow_no_indices: false, ...req.body });
        problems.push(...responseProblems(req, response));
      } catch (err) {
        problems.push(`${req.name}: ${(err as Error).message.slice(0, 300)}`);
      }
    }
    return problems;
  };

  beforeAll(async () => {
    await ensureIndexTemplates(store, config);
    const messages: IndexableDocument[] = [];
    for (const dir of readdirSync(FIXTURES, { withFileTypes: true }).filter((d) => d.isDirectory())) {
      const files = readdirSync(new URL(`${dir.name}/`, FIXTURES)).filter((f) => f.endsWith('.eml')).sort();
      files.forEach((f, i) => {
        messages.push(parseMessage(readFileSync(new URL(`${dir.name}/${f}`, FIXTURES)), {
          origin: { kind: 'imap', account: 'quarantine', mailbox: dir.name, uidvalidity: 1, uid: i + 1 },
        }));
      });
    }
    // Gateway log events (the log panels and the message trail), indexed the way the worker does.
    for (const dir of readdirSync(LOG_FIXTURES, { withFileTypes: true }).filter((d) => d.isDirectory())) {
      for (const f of readdirSync(new URL(`${dir.name}/`, LOG_FIXTURES)).filter((x) => x.endsWith('.log')).sort()) {
        for (const raw of readFileSync(new URL(`${dir.name}/${f}`, LOG_FIXTURES), 'utf8').split('\n')) {
          const r = raw === '' || raw.startsWith('#') ? undefined : parseLogInput({ raw, now: new Date('2026-06-02T00:00:00Z') });
          if (r?.type === 'event') messages.push(r.parsed);
        }
      }
    }
    const outcome = await new BulkSink(store, config).indexBatch(messages);
    indexed = outcome.created + outcome.duplicates;
    const alerts = new AlertStore(store, `${prefix}-alerts`);
    const alert = { '@timestamp': '2025-04-08T08:15:00.000Z', alert_id: 'scan-incomplete:ksmg:2025-04-08T08:15:00.000Z', rule: 'scan-incomplete', gateway: 'ksmg', count: 12, total: 30, share: 0.4, baseline: 0.01, statuses: ['timeout', 'fallback', 'error'], message: 'spike' };
    await alerts.record({ ...alert, state: 'fired' });
    await alerts.record({ ...alert, '@timestamp': '2025-04-08T09:00:00.000Z', state: 'resolved' });
    await store.index({
      index: `${prefix}-deadletter`, refresh: 'wait_for',
      document: {
        '@timestamp': '2025-04-08T08:20:00.000Z', reason: 'failed to parse field [mailverdict.scl]', stage: 'indexing', status: 400,
        error: { type: 'mapper_parsing_exception', message: 'failed to parse field [mailverdict.scl] of type [integer]' },
        document_id: 'abc', index: `${prefix}-2025.04`, source: { kind: 'imap', account: 'quarantine', mailbox: 'INBOX', uidvalidity: 1, uid: 7 },
      },
    });
    await store.indices.refresh({ index: `${prefix}-*` });
    const stats = await store.search({ index: `${prefix}-2*`, size: 0, aggs: { s: { stats: { field: 'mailverdict.spam.score' } } } });
    const s = (stats.aggregations as unknown as { s: { min: number; max: number } }).s;
    options = {
      timeRange: { from: '2000-01-01T00:00:00Z', to: '2100-01-01T00:00:00Z' },
      histogramInterval: () => Math.max((s.max - s.min) / 50, 0.01),
      indexFor: (title) => title.replace(/^mailverdict-/, `${prefix}-`),
    };
  });

  afterAll(async () => {
    await store.indices.delete({ index: `${prefix}-*`, ignore_unavailable: true, allow_no_indices: true });
    for (const spec of loadIndexTemplates(prefix)) await store.indices.deleteIndexTemplate({ name: spec.name }).catch(() => undefined);
    await store.close();
  });

  it('indexed every fixture message under the strict template', () => {
    expect(indexed).toBeGreaterThan(100);
  });

  it('every visualization and saved search returns buckets / hits', async () => {
    const requests = osdPanelRequests(objects, options);
    expect(requests.filter((r) => r.name.startsWith('visualization:')).length).toBeGreaterThanOrEqual(16);
    expect(requests.filter((r) => r.name.startsWith('search:')).length).toBeGreaterThanOrEqual(3);
    expect(await run(requests)).toEqual([]);
  });

  it('a renamed field makes its panels come back empty against the real data', async () => {
    const renamed = parseNdjson(readFileSync(OSD_NDJSON, 'utf8').replaceAll('mailverdict.spam.verdict', 'mailverdict.spam.verdikt'));
    const problems = await run(osdPanelRequests(renamed, options).filter((r) => r.fields.includes('mailverdict.spam.verdikt')));
    expect(problems).toContain('visualization:mailverdict-verdicts-over-time: agg3 returned no data');
    expect(problems).toContain('visualization:mailverdict-top-spam-senders: agg2 returned no data');
  });
});
