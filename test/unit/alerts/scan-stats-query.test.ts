import { Client } from '@elastic/elasticsearch';
import { describe, expect, it } from 'vitest';
import { defaultAlertConfig, spikeRuleSchema } from '../../../src/alerts/alert-config.js';
import { runAlerter, stopAlerter } from '../../../src/alerts/alerter.js';
import { buildScanStatsRequest, gatewayKey, readScanStatsResponse, windowRanges } from '../../../src/alerts/scan-stats-query.js';

const rule = spikeRuleSchema.parse({ name: 'r', resolveAfterWindows: 3 });
const q = { rule, groupBy: ['mailverdict.gateway', 'observer.hostname'], timeField: '@timestamp', windowEnd: new Date('2025-04-08T10:15:00Z') };

describe('scan stats query', () => {
  it('cuts consecutive windows ending exactly at the evaluation time, oldest first', () => {
    expect(windowRanges(q)).toEqual([
      { from: '2025-04-08T09:30:00.000Z', to: '2025-04-08T09:45:00.000Z' },
      { from: '2025-04-08T09:45:00.000Z', to: '2025-04-08T10:00:00.000Z' },
      { from: '2025-04-08T10:00:00.000Z', to: '2025-04-08T10:15:00.000Z' },
    ]);
  });

  it('groups by gateway fields with missing buckets and a baseline that excludes the current window', () => {
    const body = buildScanStatsRequest(q) as { aggs: { gateways: { composite: { sources: unknown[] }; aggs: { baseline: { filter: unknown } } } } };
    expect(body.aggs.gateways.composite.sources).toEqual([
      { g0: { terms: { field: 'mailverdict.gateway', missing_bucket: true } } },
      { g1: { terms: { field: 'observer.hostname', missing_bucket: true } } },
    ]);
    expect(body.aggs.gateways.aggs.baseline.filter).toEqual({ range: { '@timestamp': { gte: '2025-04-01T10:15:00.000Z', lt: '2025-04-08T10:00:00.000Z', format: 'strict_date_optional_time' } } });
  });

  it('names gateways from the present key values', () => {
    expect(gatewayKey(q.groupBy, { g0: 'ksmg', g1: 'mx1' })).toBe('ksmg@mx1');
    expect(gatewayKey(q.groupBy, { g0: 'imail', g1: null })).toBe('imail');
    expect(gatewayKey(q.groupBy, { g0: null, g1: null })).toBe('unknown');
  });

  it('reads counts per window, filling windows without documents with zeros', () => {
    const from = Date.parse('2025-04-08T10:00:00Z');
    const response = { aggregations: { gateways: { buckets: [{
      key: { g0: 'ksmg', g1: null }, doc_count: 50,
      windows: { buckets: [{ from, doc_count: 10, matched: { doc_count: 4 }, by_status: { buckets: [{ key: 'fallback', doc_count: 4 }, { key: 'complete', doc_count: 6 }] } }] },
      baseline: { doc_count: 40, matched: { doc_count: 1 } },
    }] } } };
    const { stats, after } = readScanStatsResponse(q, response);
    expect(after).toBeUndefined();
    expect(stats[0]?.gateway).toBe('ksmg');
    expect(stats[0]?.windows.map((w) => [w.total, w.matched])).toEqual([[0, 0], [0, 0], [10, 4]]);
    expect(stats[0]?.windows[2]?.byStatus).toEqual({ fallback: 4, complete: 6 });
    expect(stats[0]?.baseline).toEqual({ total: 40, matched: 1 });
  });
});

describe('runAlerter / stopAlerter', () => {
  it('schedules evaluation and stops before touching Elasticsearch when stopped at once', async () => {
    // An unreachable node: any request would fail the test through the logged error.
    const client = new Client({ node: 'http://127.0.0.1:9' });
    const errors: string[] = [];
    const logger = { info() {}, warn() {}, error: (_o: object, msg: string) => { errors.push(msg); } };
    const alerter = runAlerter({ alerts: defaultAlertConfig(), elasticsearch: { indexPrefix: 'x' } }, { client, logger });
    await stopAlerter(alerter);
    await new Promise((r) => setTimeout(r, 50));
    expect(errors).toEqual([]);
    await client.close();
  });
});
