import { describe, expect, it } from 'vitest';
import { spikeRuleSchema } from '../../../src/alerts/alert-config.js';
import { gatewayNodeFields } from '../../../src/alerts/alert-event.js';
import { evaluateSpike } from '../../../src/alerts/evaluate-spike.js';
import {
  buildNodeCountsRequest, mergeStats, nodeStats, readNodeCountsResponse, splitNodeStatus,
} from '../../../src/alerts/node-scan-stats-query.js';

const rule = spikeRuleSchema.parse({ name: 'scan-incomplete', resolveAfterWindows: 2 });
const q = { rule, groupBy: ['mailverdict.gateway', 'observer.hostname'], timeField: '@timestamp', windowEnd: new Date('2025-04-08T10:15:00Z') };
const prev = Date.parse('2025-04-08T09:45:00Z');
const cur = Date.parse('2025-04-08T10:00:00Z');

const response = (buckets: { key: string; prev: number; cur: number; baseline: number }[]) => ({
  aggregations: { keys: { buckets: buckets.map((b) => ({
    key: { key: b.key }, doc_count: b.prev + b.cur + b.baseline,
    windows: { buckets: [{ from: prev, doc_count: b.prev }, { from: cur, doc_count: b.cur }] },
    baseline: { doc_count: b.baseline },
  })) } },
});

describe('per-node scan stats', () => {
  it('asks for doc counts per value of one array field, per window and over the baseline', () => {
    const body = buildNodeCountsRequest(q, 'mailverdict.gateway_nodes') as { aggs: { keys: { composite: { sources: unknown[] }; aggs: Record<string, unknown> } } };
    expect(body.aggs.keys.composite.sources).toEqual([{ key: { terms: { field: 'mailverdict.gateway_nodes' } } }]);
    expect(Object.keys(body.aggs.keys.aggs)).toEqual(['windows', 'baseline']);
  });

  it('splits node and status at the last colon', () => {
    expect(splitNodeStatus('ksmg@gw2.example.com:timeout')).toEqual({ node: 'ksmg@gw2.example.com', status: 'timeout' });
    expect(splitNodeStatus('amavis:unknown')).toEqual({ node: 'amavis', status: 'unknown' });
    expect(splitNodeStatus('ksmg@::1:error')).toEqual({ node: 'ksmg@::1', status: 'error' });
    expect(splitNodeStatus('garbage')).toBeUndefined();
    expect(splitNodeStatus('trailing:')).toBeUndefined();
  });

  it('counts each gateway node over the messages it stamped, whatever the top-level gateway is', () => {
    // 40 messages in the current window went through ksmg@gw2, then amavis and Exchange: 30 timed out on gw2.
    const nodes = readNodeCountsResponse(q, response([
      { key: 'ksmg@gw1', prev: 40, cur: 40, baseline: 1000 },
      { key: 'ksmg@gw2', prev: 40, cur: 40, baseline: 1000 },
      { key: 'amavis@mx.example.org', prev: 80, cur: 80, baseline: 2000 },
      { key: 'exchange-scl', prev: 80, cur: 80, baseline: 2000 },
    ])).counts;
    const statuses = readNodeCountsResponse(q, response([
      { key: 'ksmg@gw1:complete', prev: 40, cur: 40, baseline: 1000 },
      { key: 'ksmg@gw2:complete', prev: 40, cur: 10, baseline: 995 },
      { key: 'ksmg@gw2:timeout', prev: 0, cur: 25, baseline: 5 },
      { key: 'ksmg@gw2:fallback', prev: 0, cur: 5, baseline: 0 },
      { key: 'amavis@mx.example.org:unknown', prev: 80, cur: 80, baseline: 2000 },
      { key: 'exchange-scl:unknown', prev: 80, cur: 80, baseline: 2000 },
    ])).counts;
    const stats = nodeStats(q, nodes, statuses);
    const gw2 = stats.find((s) => s.gateway === 'ksmg@gw2');
    expect(gw2?.windows.map((w) => [w.total, w.matched])).toEqual([[40, 0], [40, 30]]);
    expect(gw2?.windows[1]?.byStatus).toEqual({ complete: 10, timeout: 25, fallback: 5 });
    expect(gw2?.baseline).toEqual({ total: 1000, matched: 5 });
    const fired = stats.map((s) => evaluateSpike(rule, s, undefined, new Date('2025-04-08T10:15:05Z'))).filter((e) => e !== undefined);
    expect(fired.map((e) => e?.gateway)).toEqual(['ksmg@gw2']);
    expect(fired[0]).toMatchObject({ count: 30, total: 40, mailverdict: { gateway: 'ksmg', gateway_ids: ['ksmg'], gateway_nodes: ['ksmg@gw2'] }, observer: { hostname: 'gw2' } });
  });

  it('adds legacy top-level counts of the same node', () => {
    const stats = nodeStats(q, [{ key: 'ksmg@gw2', windows: [10, 10], baseline: 100 }], [{ key: 'ksmg@gw2:timeout', windows: [0, 4], baseline: 1 }]);
    const legacy = { gateway: 'ksmg@gw2', windows: [
      { start: 'a', end: 'b', total: 5, matched: 1, byStatus: { timeout: 1, complete: 4 } },
      { start: 'b', end: 'c', total: 5, matched: 5, byStatus: { timeout: 5 } },
    ], baseline: { total: 50, matched: 2 } };
    const merged = mergeStats(stats[0] as never, legacy);
    expect(merged.windows.map((w) => [w.total, w.matched, w.byStatus['timeout']])).toEqual([[15, 1, 1], [15, 9, 9]]);
    expect(merged.baseline).toEqual({ total: 150, matched: 3 });
  });

  it('alert documents carry the gateway and host fields the dashboard controls filter on', () => {
    expect(gatewayNodeFields('ksmg@gw2.example.com')).toEqual({ mailverdict: { gateway: 'ksmg', gateway_ids: ['ksmg'], gateway_nodes: ['ksmg@gw2.example.com'] }, observer: { hostname: 'gw2.example.com' } });
    expect(gatewayNodeFields('exchange-scl')).toEqual({ mailverdict: { gateway: 'exchange-scl', gateway_ids: ['exchange-scl'], gateway_nodes: ['exchange-scl'] } });
  });
});
