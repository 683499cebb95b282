// The demo's closing picture, read back from Elasticsearch (never from the generator): documents indexed
// from the demo mailbox, verdicts and scan statuses per gateway, alerts recorded in the period, dead letters.
// Per gateway means every gateway that stamped a message, each with its own verdict and scan status (the keyword
// arrays `mailverdict.gateway_ids`, `mailverdict.spam.by_gateway`, `mailverdict.scan.by_gateway`): a message
// that passed KSMG, amavis and Exchange counts once for each. Documents without those arrays (written before
// them) count for their top-level gateway, as the alerter counts them. The demo KSMG's own log stream is read
// back beside it: its log events, the messages they are about, and how their scans ended.
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

/** What the gateway's log events say (the same gateway's quarantine side is its GatewaySummary). */
export interface GatewayLogSummary {
  gateway: string;
  /** Log documents (`event.dataset: mailverdict.log`). */
  events: number;
  /** Distinct Message-IDs among them. */
  messages: number;
  /** Events per kind (CEF event class). */
  kinds: Record<string, number>;
  /** Scan status of the events that report one: one per message (its anti-spam or not-processed event). */
  scanStatuses: Record<string, number>;
}

export interface DemoSummary {
  documents: number;
  indices: string[];
  gateways: GatewaySummary[];
  alerts: AlertSummary[];
  deadLetters: number;
  gatewayLog?: GatewayLogSummary;
}

/** The demo gateway's log events: sent by its nodes within the demo period. */
export interface DemoLogScope {
  nodes: readonly string[];
  start: Date;
  end: Date;
}

export interface SummaryScope {
  indexPrefix: string;
  account: string;
  mailbox: string;
  start: Date;
  end: Date;
  gatewayLog?: DemoLogScope;
}

export function demoLogQuery(scope: DemoLogScope): Record<string, unknown> {
  return { bool: { filter: [
    { term: { 'event.dataset': 'mailverdict.log' } },
    { terms: { 'observer.hostname': [...scope.nodes] } },
    // A day past the end: events are sent a little after the message they are about.
    { range: { '@timestamp': { gte: scope.start.toISOString(), lt: new Date(scope.end.getTime() + 86_400_000).toISOString() } } },
  ] } };
}

/** Below this many distinct values the cardinality aggregation counts exactly (Elasticsearch's maximum). */
const EXACT_CARDINALITY = 40_000;

async function queryGatewayLog(client: SearchStore, index: string, scope: DemoLogScope): Promise<GatewayLogSummary> {
  const r = await client.search({
    index, size: 0, track_total_hits: true, allow_no_indices: true, ignore_unavailable: true, query: demoLogQuery(scope),
    aggs: {
      gateway: { terms: { field: GATEWAY_FIELD, size: 1 } },
      messages: { cardinality: { field: 'email.message_id', precision_threshold: EXACT_CARDINALITY } },
      kinds: { terms: { field: 'mailverdict.log.kind', size: 50 } },
      scan: { terms: { field: 'mailverdict.scan.status', size: 20 } },
    },
  });
  const total = r.hits.total;
  const aggs = r.aggregations as Record<string, unknown> | undefined;
  const gateway = (aggs?.['gateway'] as { buckets?: Bucket[] } | undefined)?.buckets?.[0]?.key;
  return {
    gateway: gateway === undefined ? NO_GATEWAY : String(gateway),
    events: typeof total === 'number' ? total : total?.value ?? 0,
    messages: (aggs?.['messages'] as { value?: number } | undefined)?.value ?? 0,
    kinds: counts(aggs?.['kinds']),
    scanStatuses: counts(aggs?.['scan']),
  };
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
  const summary: DemoSummary = { documents, indices, gateways, alerts, deadLetters: dead.count };
  if (scope.gatewayLog !== undefined) summary.gatewayLog = await queryGatewayLog(client, index, scope.gatewayLog);
  return summary;
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
