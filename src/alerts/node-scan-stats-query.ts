// Per gateway node, whatever the top-level gateway of the message is: every gateway that stamped a message is
// listed in `mailverdict.gateway_nodes` ("ksmg@gw2.example.com") and reports its own scan status in
// `mailverdict.scan.by_gateway_node` ("ksmg@gw2.example.com:timeout"). Denominators are the messages a node
// stamped (composite over gateway_nodes), numerators the messages whose entry for that node has one of the
// rule's statuses (composite over by_gateway_node). Both are keyword arrays, so one message counts once for
// each gateway that handled it. Request building and response reading are pure; `fetchNodeScanStats` pages.
import type { SearchStore } from '../sink/search-store.js';
import type { GatewayStats, WindowCounts } from './evaluate-spike.js';
import { windowRanges, type ScanStatsQuery } from './scan-stats-query.js';

export const GATEWAY_NODES_FIELD = 'mailverdict.gateway_nodes';
export const SCAN_BY_NODE_FIELD = 'mailverdict.scan.by_gateway_node';
const PAGE_SIZE = 500;
/** 500 × 40 = 20,000 node (× status) keys: far beyond any real fleet. */
const MAX_PAGES = 40;

type AfterKey = Record<string, string | number | null>;

/** Doc counts per value of one keyword array field, per window and over the baseline. */
export function buildNodeCountsRequest(q: ScanStatsQuery, field: string, after?: AfterKey): Record<string, unknown> {
  const end = q.windowEnd.getTime();
  const { rule } = q;
  const lookbackMs = Math.max(rule.baselineMs, rule.resolveAfterWindows * rule.windowMs);
  const composite: Record<string, unknown> = { size: PAGE_SIZE, sources: [{ key: { terms: { field } } }] };
  if (after !== undefined) composite['after'] = after;
  return {
    size: 0,
    track_total_hits: false,
    query: { bool: { filter: [{ range: { [q.timeField]: { gte: iso(end - lookbackMs), lt: iso(end), format: 'strict_date_optional_time' } } }] } },
    aggs: {
      keys: {
        composite,
        aggs: {
          windows: { date_range: { field: q.timeField, format: 'strict_date_optional_time', ranges: windowRanges(q) } },
          baseline: { filter: { range: { [q.timeField]: { gte: iso(end - rule.baselineMs), lt: iso(end - rule.windowMs), format: 'strict_date_optional_time' } } } },
        },
      },
    },
  };
}

/** Counts of one key (a node, or a node:status pair): per window (in `windowRanges` order) and the baseline. */
export interface KeyCounts {
  key: string;
  windows: number[];
  baseline: number;
}

interface Bucket { key: AfterKey; windows?: { buckets?: { from?: number; doc_count: number }[] }; baseline?: { doc_count: number } }

export function readNodeCountsResponse(q: ScanStatsQuery, response: unknown): { counts: KeyCounts[]; after?: AfterKey } {
  const agg = (response as { aggregations?: { keys?: { buckets?: Bucket[]; after_key?: AfterKey } } }).aggregations?.keys;
  const buckets = agg?.buckets ?? [];
  const ranges = windowRanges(q);
  const counts = buckets.map((b): KeyCounts => {
    const byFrom = new Map((b.windows?.buckets ?? []).map((w) => [w.from, w.doc_count]));
    return { key: String(b.key['key']), windows: ranges.map((r) => byFrom.get(Date.parse(r.from)) ?? 0), baseline: b.baseline?.doc_count ?? 0 };
  });
  const out: { counts: KeyCounts[]; after?: AfterKey } = { counts };
  if (buckets.length === PAGE_SIZE && agg?.after_key !== undefined) out.after = agg.after_key;
  return out;
}

/** "ksmg@gw2.example.com:timeout" → node and status (statuses never contain ":"; a node key may, e.g. IPv6). */
export function splitNodeStatus(value: string): { node: string; status: string } | undefined {
  const i = value.lastIndexOf(':');
  if (i <= 0 || i === value.length - 1) return undefined;
  return { node: value.slice(0, i), status: value.slice(i + 1) };
}

/** Joins node totals and node:status counts into the per-node stats the spike evaluation takes. */
export function nodeStats(q: ScanStatsQuery, nodes: readonly KeyCounts[], statuses: readonly KeyCounts[]): GatewayStats[] {
  const ranges = windowRanges(q);
  const wanted = new Set<string>(q.rule.statuses);
  const byNode = new Map<string, { total: number[]; totalBaseline: number; matched: number[]; matchedBaseline: number; byStatus: Record<string, number>[]; statusSum: number[] }>();
  const entry = (node: string) => {
    let e = byNode.get(node);
    if (e === undefined) {
      e = { total: ranges.map(() => 0), totalBaseline: 0, matched: ranges.map(() => 0), matchedBaseline: 0, byStatus: ranges.map(() => ({})), statusSum: ranges.map(() => 0) };
      byNode.set(node, e);
    }
    return e;
  };
  for (const n of nodes) {
    const e = entry(n.key);
    e.total = [...n.windows];
    e.totalBaseline = n.baseline;
  }
  for (const s of statuses) {
    const parts = splitNodeStatus(s.key);
    if (parts === undefined) continue;
    const e = entry(parts.node);
    s.windows.forEach((count, i) => {
      if (count === 0) return;
      (e.byStatus[i] as Record<string, number>)[parts.status] = count;
      e.statusSum[i] = (e.statusSum[i] ?? 0) + count;
      if (wanted.has(parts.status)) e.matched[i] = (e.matched[i] ?? 0) + count;
    });
    if (wanted.has(parts.status)) e.matchedBaseline += s.baseline;
  }
  return [...byNode.entries()].map(([node, e]): GatewayStats => ({
    gateway: node,
    windows: ranges.map((r, i): WindowCounts => ({
      start: r.from,
      end: r.to,
      // A node always appears in gateway_nodes when it has a status entry; the max only guards odd documents.
      total: Math.max(e.total[i] ?? 0, e.matched[i] ?? 0),
      matched: e.matched[i] ?? 0,
      byStatus: e.byStatus[i] ?? {},
    })),
    baseline: { total: Math.max(e.totalBaseline, e.matchedBaseline), matched: e.matchedBaseline },
  }));
}

async function fetchKeyCounts(client: SearchStore, index: string, q: ScanStatsQuery, field: string): Promise<KeyCounts[]> {
  const all: KeyCounts[] = [];
  let after: AfterKey | undefined;
  for (let page = 0; page < MAX_PAGES; page++) {
    const response = await client.search({ index, ignore_unavailable: true, allow_no_indices: true, ...buildNodeCountsRequest(q, field, after) });
    const result = readNodeCountsResponse(q, response);
    all.push(...result.counts);
    if (result.after === undefined) break;
    after = result.after;
  }
  return all;
}

/** Every gateway node's stats for one rule at one evaluation time, from the per-gateway arrays. */
export async function fetchNodeScanStats(client: SearchStore, index: string, q: ScanStatsQuery): Promise<GatewayStats[]> {
  const [nodes, statuses] = [await fetchKeyCounts(client, index, q, GATEWAY_NODES_FIELD), await fetchKeyCounts(client, index, q, SCAN_BY_NODE_FIELD)];
  return nodeStats(q, nodes, statuses);
}

/** Adds the counts of `b` into `a` per window (same key, e.g. legacy documents of a node the arrays also name). */
export function mergeStats(a: GatewayStats, b: GatewayStats): GatewayStats {
  return {
    gateway: a.gateway,
    windows: a.windows.map((w, i) => {
      const o = b.windows[i];
      if (o === undefined) return w;
      const byStatus = { ...w.byStatus };
      for (const [k, v] of Object.entries(o.byStatus)) byStatus[k] = (byStatus[k] ?? 0) + v;
      return { ...w, total: w.total + o.total, matched: w.matched + o.matched, byStatus };
    }),
    baseline: { total: a.baseline.total + b.baseline.total, matched: a.baseline.matched + b.baseline.matched },
  };
}

function iso(ms: number): string {
  return new Date(ms).toISOString();
}
