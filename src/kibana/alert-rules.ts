// Kibana alerting rules of the Basic-licence "Elasticsearch query" type (.es-query) that mirror the built-in
// spike rules, for teams that prefer Kibana's alerting and connectors. They group like the built-in alerter's
// groups of top-level documents: by all `groupBy` fields (gateway and host; several fields need Kibana ≥ 8.12,
// which sends a multi-terms aggregation, at most four). What .es-query cannot express: the per-node counting of
// every gateway that stamped a message (Lens and rule aggregations cannot filter a bucket by its own key), the
// share and baseline-spike conditions and the silent-collector rule; those need the alerter (`mailverdict
// alert`). Each rule notifies a connector: the configured one, or a server-log connector setup creates, so a
// rule that fires is never silent.
import { createHash } from 'node:crypto';
import type { AlertConfig } from '../alerts/alert-config.js';
import { describeKibanaError, KibanaError, type KibanaClient } from './kibana-client.js';

export interface KibanaRule {
  id: string;
  name: string;
  rule_type_id: '.es-query';
  consumer: string;
  schedule: { interval: string };
  tags: string[];
  params: Record<string, unknown>;
  actions: RuleAction[];
}

export interface RuleAction {
  id: string;
  group: 'query matched' | 'recovered';
  params: Record<string, unknown>;
  frequency: { summary: false; notify_when: 'onActionGroupChange'; throttle: null };
}

/** Which connector the rules notify: an existing one (any type; `params` are its action parameters), or by
 * default the server-log connector `setupKibana` creates under {@link serverLogConnectorId}. */
export interface RuleConnector {
  id: string;
  /** Connector action parameters; default `{ message }` (plus `level` for the server log). */
  params?: Record<string, unknown>;
  serverLog?: boolean;
}

export const SERVER_LOG_CONNECTOR_TYPE = '.server-log';

/** A stable UUID-shaped id per rule name, so creating the rules again updates them instead of adding copies. */
export function ruleId(indexPrefix: string, name: string): string {
  return stableUuid(`mailverdict-rule\u0000${indexPrefix}\u0000${name}`);
}

/** The server-log connector of one index prefix (Kibana wants UUID connector ids). */
export function serverLogConnectorId(indexPrefix: string): string {
  return stableUuid(`mailverdict-connector\u0000${indexPrefix}\u0000server-log`);
}

function stableUuid(seed: string): string {
  const h = createHash('sha256').update(seed).digest('hex');
  return `${h.slice(0, 8)}-${h.slice(8, 12)}-4${h.slice(13, 16)}-${((parseInt(h.slice(16, 17), 16) & 3) | 8).toString(16)}${h.slice(17, 20)}-${h.slice(20, 32)}`;
}

function interval(ms: number): string {
  return ms % 60_000 === 0 ? `${ms / 60_000}m` : `${Math.max(1, Math.round(ms / 1000))}s`;
}

function timeWindow(ms: number): { timeWindowSize: number; timeWindowUnit: 's' | 'm' | 'h' } {
  if (ms % 3_600_000 === 0) return { timeWindowSize: ms / 3_600_000, timeWindowUnit: 'h' };
  if (ms % 60_000 === 0) return { timeWindowSize: ms / 60_000, timeWindowUnit: 'm' };
  return { timeWindowSize: Math.max(1, Math.round(ms / 1000)), timeWindowUnit: 's' };
}

function ruleActions(connector: RuleConnector, ruleName: string): RuleAction[] {
  const frequency = { summary: false, notify_when: 'onActionGroupChange', throttle: null } as const;
  const params = (message: string, level: string): Record<string, unknown> =>
    connector.params ?? (connector.serverLog === true ? { level, message } : { message });
  return [
    { id: connector.id, group: 'query matched', frequency,
      params: params(`mailverdict ${ruleName} on {{alert.id}}: {{context.message}}`, 'warn') },
    { id: connector.id, group: 'recovered', frequency,
      params: params(`mailverdict ${ruleName} on {{alert.id}} recovered`, 'info') },
  ];
}

export function buildKibanaRules(alerts: AlertConfig, indexPrefix: string, connector?: RuleConnector): KibanaRule[] {
  // One field is sent as a string (what every 8.x accepts), several as an array (multi-terms).
  const termField = alerts.groupBy.length === 1 ? alerts.groupBy[0] as string : [...alerts.groupBy];
  const notify = connector ?? { id: serverLogConnectorId(indexPrefix), serverLog: true };
  return alerts.rules.map((rule) => ({
    id: ruleId(indexPrefix, rule.name),
    name: `mailverdict ${indexPrefix} ${rule.name}: ≥${rule.minCount} ${rule.statuses.join('/')} scans per ${alerts.groupBy.join(' + ')} in ${Math.round(rule.windowMs / 60_000)} min`,
    rule_type_id: '.es-query',
    consumer: 'stackAlerts',
    schedule: { interval: interval(alerts.intervalMs) },
    tags: ['mailverdict', rule.name],
    params: {
      searchType: 'esQuery',
      index: [`${indexPrefix}-2*`],
      timeField: alerts.timeField,
      esQuery: JSON.stringify({ query: { bool: { filter: [{ terms: { 'mailverdict.scan.status': rule.statuses } }] } } }),
      size: 20,
      threshold: [rule.minCount],
      thresholdComparator: '>=',
      ...timeWindow(rule.windowMs),
      aggType: 'count',
      groupBy: 'top',
      termField,
      termSize: 100,
      excludeHitsFromPreviousRun: false,
    },
    actions: ruleActions(notify, rule.name),
  }));
}

/** Creates the server-log connector under its fixed id unless it exists (409). */
export async function ensureServerLogConnector(kibana: KibanaClient, indexPrefix: string): Promise<{ id: string; created: boolean }> {
  const id = serverLogConnectorId(indexPrefix);
  const res = await kibana.json('POST', `/api/actions/connector/${encodeURIComponent(id)}`, {
    name: `mailverdict ${indexPrefix} alerts (server log)`, connector_type_id: SERVER_LOG_CONNECTOR_TYPE, config: {}, secrets: {},
  });
  if (res.status === 200) return { id, created: true };
  if (res.status === 409) return { id, created: false };
  throw new KibanaError(`creating the server-log connector: ${describeKibanaError(res)}`, res.status, res.body);
}

/** Creates each rule under its fixed id, or updates it when it exists (409). */
export async function upsertKibanaRules(kibana: KibanaClient, rules: readonly KibanaRule[]): Promise<{ created: string[]; updated: string[] }> {
  const out = { created: [] as string[], updated: [] as string[] };
  for (const rule of rules) {
    const { id, rule_type_id, consumer, ...updatable } = rule;
    const path = `/api/alerting/rule/${encodeURIComponent(id)}`;
    const created = await kibana.json('POST', path, { rule_type_id, consumer, enabled: true, ...updatable });
    if (created.status === 200) {
      out.created.push(id);
      continue;
    }
    if (created.status !== 409) throw new KibanaError(`creating rule ${rule.name}: ${describeKibanaError(created)}`, created.status, created.body);
    const updated = await kibana.json('PUT', path, updatable);
    if (updated.status !== 200) throw new KibanaError(`updating rule ${rule.name}: ${describeKibanaError(updated)}`, updated.status, updated.body);
    out.updated.push(id);
  }
  return out;
}
