// Documents counted per top-level gateway (the `groupBy` fields, composite aggregation, paged): message documents
// written before the per-gateway arrays existed (no `mailverdict.gateway_nodes`), and gateway log events that report
// a scan status (a KSMG not-processed event, a Cisco anti-virus timeout, an rspamd task timeout, each scan's
// result). A log event without a scan status is a step of a message's trail (From:, queued, finished), not a scan:
// counting it would dilute the share. The counts are those of the last `resolveAfterWindows` windows (date_range
// buckets ending exactly at the evaluation time) and of the baseline period before the current window. Keys
// ("ksmg@mx1": gateway and observer.hostname) match the node keys of message documents, so a node's header
// documents and its log events meet under one key. Request building and response reading are pure;
// `fetchScanStats` does the paging.
import type { SearchStore } from '../sink/search-store.js';
import type { SpikeRule } from './alert-config.js';
import type { GatewayStats, WindowCounts } from './evaluate-spike.js';

const STATUS_FIELD = 'mailverdict.scan.status';
/** Message documents that have it are counted per node (node-scan-stats-query.ts), not here. */
const LEGACY_MARKER_FIELD = 'mailverdict.gateway_nodes';
const DATASET_FIELD = 'event.dataset';
const LOG_DATASET = 'mailverdict.log';
const PAGE_SIZE = 200;
/** Bound on composite pages: 200 × 50 = 10,000 gateways is far beyond any real deployment. */
const MAX_PAGES = 50;

export interface ScanStatsQuery {
  rule: SpikeRule;
  groupBy: readonly string[];
  timeField: string;
  /** End of the current window (exclusive). */
  windowEnd: Date;
}

type AfterKey = Record<string, string | number | null>;

const LEGACY_MESSAGES = { bool: { must_not: [{ exists: { field: LEGACY_MARKER_FIELD } }, { term: { [DATASET_FIELD]: LOG_DATASET } }] } };
const SCANNING_LOG_EVENTS = { bool: { filter: [{ term: { [DATASET_FIELD]: LOG_DATASET } }, { exists: { field: STATUS_FIELD } }] } };

export function windowRanges(q: ScanStatsQuery): { from: string; to: string }[] {
  const end = q.windowEnd.getTime();
  const n = q.rule.resolveAfterWindows;
  const out: { from: string; to: string }[] = [];
  for (let i = n - 1; i >= 0; i--) {
    out.push({ from: iso(end - (i + 1) * q.rule.windowMs), to: iso(end - i * q.rule.windowMs) });
  }
  return out;
}

/** The search body (size 0, aggregations only). */
export function buildScanStatsRequest(q: ScanStatsQuery, after?: AfterKey): Record<string, unknown> {
  const end = q.windowEnd.getTime();
  const { rule } = q;
  const lookbackMs = Math.max(rule.baselineMs, rule.resolveAfterWindows * rule.windowMs);
  const matched = { filter: { terms: { [STATUS_FIELD]: rule.statuses } } };
  const composite: Record<string, unknown> = {
    size: PAGE_SIZE,
    sources: q.groupBy.map((field, i) => ({ [`g${i}`]: { terms: { field, missing_bucket: true } } })),
  };
  if (after !== undefined) composite['after'] = after;
  return {
    size: 0,
    track_total_hits: false,
    query: { bool: {
      filter: [
        { range: { [q.timeField]: { gte: iso(end - lookbackMs), lt: iso(end), format: 'strict_date_optional_time' } } },
        { bool: { should: [LEGACY_MESSAGES, SCANNING_LOG_EVENTS], minimum_should_match: 1 } },
      ],
    } },
    aggs: {
      gateways: {
        composite,
        aggs: {
          windows: {
            date_range: { field: q.timeField, format: 'strict_date_optional_time', ranges: windowRanges(q) },
            aggs: { matched, by_status: { terms: { field: STATUS_FIELD, size: 20 } } },
          },
          baseline: {
            filter: { range: { [q.timeField]: { gte: iso(end - rule.baselineMs), lt: iso(end - rule.windowMs), format: 'strict_date_optional_time' } } },
            aggs: { matched },
          },
        },
      },
    },
  };
}

interface Bucket { key: AfterKey; doc_count: number; windows?: { buckets?: RangeBucket[] }; baseline?: { doc_count: number; matched?: { doc_count: number } } }
interface RangeBucket { from?: number; to?: number; doc_count: number; matched?: { doc_count: number }; by_status?: { buckets?: { key: string; doc_count: number }[] } }

/** Reads one page of the response; `after` is set when another page may follow. */
export function readScanStatsResponse(q: ScanStatsQuery, response: unknown): { stats: GatewayStats[]; after?: AfterKey } {
  const agg = (response as { aggregations?: { gateways?: { buckets?: Bucket[]; after_key?: AfterKey } } }).aggregations?.gateways;
  const buckets = agg?.buckets ?? [];
  const ranges = windowRanges(q);
  const stats = buckets.map((b): GatewayStats => {
    const byRange = new Map((b.windows?.buckets ?? []).map((w) => [w.from, w]));
    const windows = ranges.map((r): WindowCounts => {
      const w = byRange.get(Date.parse(r.from));
      const byStatus: Record<string, number> = {};
      for (const s of w?.by_status?.buckets ?? []) byStatus[s.key] = s.doc_count;
      return { start: r.from, end: r.to, total: w?.doc_count ?? 0, matched: w?.matched?.doc_count ?? 0, byStatus };
    });
    return {
      gateway: gatewayKey(q.groupBy, b.key),
      windows,
      baseline: { total: b.baseline?.doc_count ?? 0, matched: b.baseline?.matched?.doc_count ?? 0 },
    };
  });
  const out: { stats: GatewayStats[]; after?: AfterKey } = { stats };
  if (buckets.length === PAGE_SIZE && agg?.after_key !== undefined) out.after = agg.after_key;
  return out;
}

/** "ksmg@mx1.example.com": values of the group fields that are present, the first two joined by "@". */
export function gatewayKey(groupBy: readonly string[], key: AfterKey): string {
  const values = groupBy.map((_, i) => key[`g${i}`]).filter((v) => v !== null && v !== undefined).map(String);
  if (values.length === 0) return 'unknown';
  const [first, ...rest] = values;
  return rest.length === 0 ? String(first) : `${first}@${rest.join('/')}`;
}

/** Every gateway's stats for one rule at one evaluation time. */
export async function fetchScanStats(client: SearchStore, index: string, q: ScanStatsQuery): Promise<GatewayStats[]> {
  const all: GatewayStats[] = [];
  let after: AfterKey | undefined;
  for (let page = 0; page < MAX_PAGES; page++) {
    const response = await client.search({
      index,
      ignore_unavailable: true,
      allow_no_indices: true,
      ...buildScanStatsRequest(q, after),
    });
    const result = readScanStatsResponse(q, response);
    all.push(...result.stats);
    if (result.after === undefined) break;
    after = result.after;
  }
  return all;
}

function iso(ms: number): string {
  return new Date(ms).toISOString();
}
