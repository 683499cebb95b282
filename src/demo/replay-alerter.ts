// Runs the alerter over a stretch of past data, as if it had been running all along: it evaluates at the
// end of every window that holds an incomplete scan, and after each while an alert is open (until it
// resolves). Windows with no such scan can neither fire nor resolve anything, so skipping them changes
// no outcome and keeps a month of history to a few hundred evaluations.
// The alert index is the alerter's state and it has no notion of "as of": events an earlier replay recorded
// later in the period would make this one see incidents as already closed and fire again. So the spike-rule
// events of the period are removed first and re-derived from the data (the demo sends no webhooks).
import type { SearchStore } from '../sink/search-store.js';
import type { AlertConfig } from '../alerts/alert-config.js';
import { Alerter } from '../alerts/alerter.js';

export interface AlerterReplayResult {
  evaluations: number;
  /** Transitions this run recorded (0 when an earlier run already recorded the same ones). */
  recorded: number;
}

export async function replayAlerter(client: SearchStore, alerts: AlertConfig, indexPrefix: string, start: Date, end: Date): Promise<AlerterReplayResult> {
  // The silent-collector rule is about live collectors, not history.
  const config = { alerts: { ...alerts, silentCollector: { ...alerts.silentCollector, enabled: false }, webhooks: [] }, elasticsearch: { indexPrefix } };
  const alerter = new Alerter(config, { client });
  await client.indices.refresh({ index: `${indexPrefix}-2*`, allow_no_indices: true, ignore_unavailable: true });
  await removeAlertsOfPeriod(client, `${indexPrefix}-alerts`, alerts.rules.map((r) => r.name), start, end);
  let evaluations = 0;
  let recorded = 0;
  for (const rule of alerts.rules) {
    const step = rule.windowMs;
    const ends = await windowEndsWithMatches(client, indexPrefix, alerts.timeField, rule.statuses, step, start, end);
    let t = -Infinity;
    for (const windowEnd of ends) {
      if (windowEnd <= t) continue;
      t = windowEnd;
      // Keep stepping while something is open, bounded by the period.
      for (;;) {
        const sent = await alerter.evaluateOnce(new Date(t));
        evaluations++;
        recorded += sent.length;
        const open = await alerter.store.loadActive();
        if ([...open.values()].every((a) => a.rule !== rule.name) || t + step > end.getTime()) break;
        t += step;
      }
    }
  }
  await client.indices.refresh({ index: `${indexPrefix}-alerts`, ignore_unavailable: true, allow_no_indices: true });
  return { evaluations, recorded };
}

/** Ends (ms) of the fixed windows of `stepMs` that contain at least one scan with one of `statuses`. */
async function windowEndsWithMatches(client: SearchStore, prefix: string, timeField: string, statuses: readonly string[], stepMs: number, start: Date, end: Date): Promise<number[]> {
  const response = await client.search({
    index: `${prefix}-2*`,
    size: 0,
    allow_no_indices: true,
    ignore_unavailable: true,
    query: { bool: { filter: [
      { range: { [timeField]: { gte: start.toISOString(), lt: end.toISOString() } } },
      { terms: { 'mailverdict.scan.status': [...statuses] } },
    ] } },
    aggs: { windows: { date_histogram: { field: timeField, fixed_interval: `${Math.round(stepMs / 1000)}s`, min_doc_count: 1 } } },
  });
  const buckets = (response.aggregations?.['windows'] as { buckets?: { key: number }[] } | undefined)?.buckets ?? [];
  // Buckets are aligned to the epoch like the alerter's windows when the interval divides a day.
  return buckets.map((b) => b.key + stepMs).sort((a, b) => a - b);
}

/** Spike-rule alert events recorded for [start, end + a day) (a resolution may come a little after the end). */
async function removeAlertsOfPeriod(client: SearchStore, index: string, rules: string[], start: Date, end: Date): Promise<void> {
  const query = { bool: { filter: [
    { terms: { rule: rules } },
    { range: { '@timestamp': { gte: start.toISOString(), lt: new Date(end.getTime() + 86_400_000).toISOString() } } },
  ] } };
  await client.indices.refresh({ index, allow_no_indices: true, ignore_unavailable: true });
  for (let page = 0; page < 1000; page++) {
    const found = await client.search({ index, size: 1000, _source: false, allow_no_indices: true, ignore_unavailable: true, query });
    if (found.hits.hits.length === 0) return;
    await client.bulk({ refresh: true, operations: found.hits.hits.map((h) => ({ delete: { _index: h._index, _id: h._id ?? '' } })) });
  }
}
