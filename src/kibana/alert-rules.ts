// Kibana alerting rules of the Basic-licence "Elasticsearch query" type (.es-query) that mirror the built-in
// spike rules, for teams that prefer Kibana's alerting and connectors. What .es-query can express: per gateway
// (group by the first `groupBy` field), at least `minCount` scans with the rule's statuses in the window. The
// share and baseline-spike conditions and the silent-collector rule need the alerter (`mailverdict alert`).
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
  actions: unknown[];
}

/** A stable UUID-shaped id per rule name, so creating the rules again updates them instead of adding copies. */
export function ruleId(indexPrefix: string, name: string): string {
  const h = createHash('sha256').update(`mailverdict-rule\u0000${indexPrefix}\u0000${name}`).digest('hex');
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

export function buildKibanaRules(alerts: AlertConfig, indexPrefix: string): KibanaRule[] {
  const termField = alerts.groupBy[0] ?? 'mailverdict.gateway';
  return alerts.rules.map((rule) => ({
    id: ruleId(indexPrefix, rule.name),
    name: `mailverdict ${rule.name}: ≥${rule.minCount} ${rule.statuses.join('/')} scans per gateway in ${Math.round(rule.windowMs / 60_000)} min`,
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
    actions: [],
  }));
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
