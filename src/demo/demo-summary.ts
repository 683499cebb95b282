// The demo's closing picture, read back from Elasticsearch (never from the generator): documents indexed
// from the demo mailbox, verdicts and scan statuses per gateway, alerts recorded in the period, dead letters.
import type { SearchStore } from '../sink/search-store.js';

export interface GatewaySummary {
  gateway: string;
  documents: number;
  verdicts: Record<string, number>;
  scanStatuses: Record<string, number>;
}

export interface AlertSummary {
  at: string;
  rule: string;
  gateway: string;
  state: string;
  message: string;
}

export interface DemoSummary {
  documents: number;
  indices: string[];
  gateways: GatewaySummary[];
  alerts: AlertSummary[];
  deadLetters: number;
}

export interface SummaryScope {
  indexPrefix: string;
  account: string;
  mailbox: string;
  start: Date;
  end: Date;
}

const GATEWAY_FIELD = 'mailverdict.gateway';
const NO_GATEWAY = '(none)';

export async function queryDemoSummary(client: SearchStore, scope: SummaryScope): Promise<DemoSummary> {
  const index = `${scope.indexPrefix}-2*`;
  await client.indices.refresh({ index: `${scope.indexPrefix}-*`, allow_no_indices: true, ignore_unavailable: true });
  const response = await client.search({
    index,
    size: 0,
    track_total_hits: true,
    allow_no_indices: true,
    ignore_unavailable: true,
    query: { bool: { filter: [
      { term: { 'mailverdict.source.account': scope.account } },
      { term: { 'mailverdict.source.mailbox': scope.mailbox } },
    ] } },
    aggs: {
      indices: { terms: { field: '_index', size: 100 } },
      gateways: {
        terms: { field: GATEWAY_FIELD, size: 50, missing: NO_GATEWAY },
        aggs: {
          verdicts: { terms: { field: 'mailverdict.spam.verdict', size: 20 } },
          scan: { terms: { field: 'mailverdict.scan.status', size: 20 } },
        },
      },
    },
  });
  const total = response.hits.total;
  const documents = typeof total === 'number' ? total : total?.value ?? 0;
  const aggs = response.aggregations as Record<string, { buckets: Bucket[] }> | undefined;
  const gateways = (aggs?.['gateways']?.buckets ?? []).map((b): GatewaySummary => ({
    gateway: String(b.key),
    documents: b.doc_count,
    verdicts: counts(b['verdicts']),
    scanStatuses: counts(b['scan']),
  }));
  const indices = (aggs?.['indices']?.buckets ?? []).map((b) => String(b.key)).sort();

  const alerts: AlertSummary[] = [];
  const gatewayNames = gateways.map((g) => g.gateway);
  if (gatewayNames.length > 0) {
    const alertResponse = await client.search<{ '@timestamp': string; rule: string; gateway: string; state: string; message: string }>({
      index: `${scope.indexPrefix}-alerts`,
      size: 100,
      allow_no_indices: true,
      ignore_unavailable: true,
      sort: [{ '@timestamp': 'asc' }],
      query: { bool: { filter: [
        { range: { '@timestamp': { gte: scope.start.toISOString(), lte: new Date(scope.end.getTime() + 86_400_000).toISOString() } } },
        { terms: { gateway: gatewayNames } },
      ] } },
    });
    for (const hit of alertResponse.hits.hits) {
      const a = hit._source;
      if (a !== undefined) alerts.push({ at: a['@timestamp'], rule: a.rule, gateway: a.gateway, state: a.state, message: a.message });
    }
  }
  const dead = await client.count({ index: `${scope.indexPrefix}-deadletter`, allow_no_indices: true, ignore_unavailable: true });
  return { documents, indices, gateways, alerts, deadLetters: dead.count };
}

interface Bucket {
  key: string | number;
  doc_count: number;
  [sub: string]: unknown;
}

function counts(agg: unknown): Record<string, number> {
  const out: Record<string, number> = {};
  for (const b of (agg as { buckets?: Bucket[] } | undefined)?.buckets ?? []) out[String(b.key)] = b.doc_count;
  return out;
}
