// The demo's closing picture, read back from Elasticsearch (never from the generator): documents indexed
// from the demo mailbox, verdicts and scan statuses per gateway, alerts recorded in the period, dead letters.
// Per gateway means every gateway that stamped a message, each with its own verdict and scan status (the keyword
// arrays `mailverdict.gateway_ids`, `mailverdict.spam.by_gateway`, `mailverdict.scan.by_gateway`): a message
// that passed KSMG, amavis and Exchange counts once for each. Documents without those arrays (written before
// them) count for their top-level gateway, as the alerter counts them.
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
const GATEWAY_IDS_FIELD = 'mailverdict.gateway_ids';
const NO_GATEWAY = '(none)';
/** Bound on "<gateway>:<value>" keys read back: far above gateways × verdicts of any deployment. */
const PAIR_BUCKETS = 1000;

/** The demo mailbox's documents, under the contract's `mailverdict.origin` or the older `mailverdict.source`. */
function mailboxQuery(scope: SummaryScope): Record<string, unknown> {
  const under = (group: string): Record<string, unknown> => ({ bool: { filter: [
    { term: { [`mailverdict.${group}.account`]: scope.account } }, { term: { [`mailverdict.${group}.mailbox`]: scope.mailbox } },
  ] } });
  return { bool: { should: [under('origin'), under('source')], minimum_should_match: 1 } };
}

export async function queryDemoSummary(client: SearchStore, scope: SummaryScope): Promise<DemoSummary> {
  const index = `${scope.indexPrefix}-2*`;
  await client.indices.refresh({ index: `${scope.indexPrefix}-*`, allow_no_indices: true, ignore_unavailable: true });
  const response = await client.search({
    index,
    size: 0,
    track_total_hits: true,
    allow_no_indices: true,
    ignore_unavailable: true,
    query: mailboxQuery(scope),
    aggs: {
      indices: { terms: { field: '_index', size: 100 } },
      per_gateway: {
        filter: { exists: { field: GATEWAY_IDS_FIELD } },
        aggs: {
          gateways: { terms: { field: GATEWAY_IDS_FIELD, size: 50 } },
          verdicts: { terms: { field: 'mailverdict.spam.by_gateway', size: PAIR_BUCKETS } },
          scan: { terms: { field: 'mailverdict.scan.by_gateway', size: PAIR_BUCKETS } },
        },
      },
      top_level: {
        filter: { bool: { must_not: [{ exists: { field: GATEWAY_IDS_FIELD } }] } },
        aggs: {
          gateways: {
            terms: { field: GATEWAY_FIELD, size: 50, missing: NO_GATEWAY },
            aggs: {
              verdicts: { terms: { field: 'mailverdict.spam.verdict', size: 20 } },
              scan: { terms: { field: 'mailverdict.scan.status', size: 20 } },
            },
          },
        },
      },
    },
  });
  const total = response.hits.total;
  const documents = typeof total === 'number' ? total : total?.value ?? 0;
  const aggs = response.aggregations as Record<string, Record<string, { buckets: Bucket[] }> & { buckets?: Bucket[] }> | undefined;
  const byGateway = new Map<string, GatewaySummary>();
  const entry = (gateway: string): GatewaySummary => {
    let g = byGateway.get(gateway);
    if (g === undefined) {
      g = { gateway, documents: 0, verdicts: {}, scanStatuses: {} };
      byGateway.set(gateway, g);
    }
    return g;
  };
  const add = (into: Record<string, number>, key: string, n: number): void => {
    into[key] = (into[key] ?? 0) + n;
  };
  const perGateway = aggs?.['per_gateway'];
  for (const b of perGateway?.['gateways']?.buckets ?? []) entry(String(b.key)).documents += b.doc_count;
  for (const [agg, target] of [['verdicts', 'verdicts'], ['scan', 'scanStatuses']] as const) {
    for (const b of perGateway?.[agg]?.buckets ?? []) {
      const key = String(b.key);
      const colon = key.lastIndexOf(':');
      if (colon <= 0) continue;
      add(entry(key.slice(0, colon))[target], key.slice(colon + 1), b.doc_count);
    }
  }
  for (const b of aggs?.['top_level']?.['gateways']?.buckets ?? []) {
    const g = entry(String(b.key));
    g.documents += b.doc_count;
    for (const [k, n] of Object.entries(counts(b['verdicts']))) add(g.verdicts, k, n);
    for (const [k, n] of Object.entries(counts(b['scan']))) add(g.scanStatuses, k, n);
  }
  const gateways = [...byGateway.values()].sort((a, b) => b.documents - a.documents || a.gateway.localeCompare(b.gateway));
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
        // Spike alerts name the gateway id in mailverdict.gateway_ids ("ksmg" for "ksmg@node"); older ones only in gateway.
        { bool: { should: [{ terms: { gateway: gatewayNames } }, { terms: { 'mailverdict.gateway_ids': gatewayNames } }], minimum_should_match: 1 } },
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
