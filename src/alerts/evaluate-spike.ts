// Pure spike evaluation: per gateway window counts in, at most one alert transition out. No I/O, so the
// thresholds and the hysteresis are tested without Elasticsearch; the state that matters (is an incident
// open?) comes from the alert index, so a restarted alerter decides exactly as the old one would have.
import type { SpikeRule } from './alert-config.js';
import { gatewayNodeFields, type ActiveAlert, type AlertEvent } from './alert-event.js';

/** Counts of one window of one gateway. */
export interface WindowCounts {
  start: string;
  end: string;
  total: number;
  /** Scans whose status is one of the rule's statuses. */
  matched: number;
  byStatus: Record<string, number>;
}

/** What the evaluation needs about one gateway. */
export interface GatewayStats {
  gateway: string;
  /** Consecutive windows, oldest first; the last one ends at the evaluation time (the current window). */
  windows: WindowCounts[];
  /** The baseline period before the current window. */
  baseline: { total: number; matched: number };
}

export interface WindowAssessment {
  crossed: boolean;
  share: number;
  baselineShare: number | undefined;
  /** The share above which the spike condition holds. */
  spikeShare: number;
}

/** Does one window cross the rule's thresholds against the gateway's baseline? */
export function assessWindow(rule: SpikeRule, window: WindowCounts, baseline: GatewayStats['baseline']): WindowAssessment {
  const share = window.total === 0 ? 0 : window.matched / window.total;
  const baselineShare = baseline.total === 0 ? undefined : baseline.matched / baseline.total;
  const spikeShare = rule.spikeFactor * Math.max(baselineShare ?? 0, rule.baselineFloorShare);
  const crossed = window.matched >= rule.minCount && (share >= rule.maxShare || share >= spikeShare);
  return { crossed, share, baselineShare, spikeShare };
}

/**
 * Fire when the current window crosses and no incident is open; resolve the open incident once the last
 * `resolveAfterWindows` windows are all back to normal. Otherwise nothing: an open incident is never re-sent.
 */
export function evaluateSpike(
  rule: SpikeRule,
  stats: GatewayStats,
  active: ActiveAlert | undefined,
  now: Date,
): AlertEvent | undefined {
  const current = stats.windows[stats.windows.length - 1];
  if (current === undefined) return undefined;
  const assessment = assessWindow(rule, current, stats.baseline);
  if (active === undefined) {
    if (!assessment.crossed) return undefined;
    return spikeEvent(rule, stats, current, assessment, 'fired', `${rule.name}:${stats.gateway}:${current.end}`, now);
  }
  const recent = stats.windows.slice(-rule.resolveAfterWindows);
  if (recent.length < rule.resolveAfterWindows) return undefined;
  if (recent.some((w) => assessWindow(rule, w, stats.baseline).crossed)) return undefined;
  return spikeEvent(rule, stats, current, assessment, 'resolved', active.alertId, now);
}

function spikeEvent(
  rule: SpikeRule,
  stats: GatewayStats,
  window: WindowCounts,
  a: WindowAssessment,
  state: AlertEvent['state'],
  alertId: string,
  now: Date,
): AlertEvent {
  const parts = rule.statuses.map((s) => [s, window.byStatus[s] ?? 0] as const).filter(([, n]) => n > 0)
    .sort((a, b) => b[1] - a[1]).map(([s, n]) => `${s} ${n}`);
  const detail = `${window.matched} of ${window.total} scans ${rule.statuses.join('/')}`
    + (parts.length > 0 ? ` (${parts.join(', ')})` : '')
    + ` in ${Math.round(rule.windowMs / 60_000)} min to ${window.end}: ${percent(a.share)}`
    + ` vs baseline ${a.baselineShare === undefined ? 'none' : percent(a.baselineShare)}`;
  const message = state === 'fired'
    ? `${rule.name} on ${stats.gateway}: ${detail}`
    : `${rule.name} on ${stats.gateway} resolved after ${rule.resolveAfterWindows} normal windows: ${detail}`;
  const event: AlertEvent = {
    '@timestamp': now.toISOString(),
    alert_id: alertId,
    rule: rule.name,
    gateway: stats.gateway,
    state,
    window: { start: window.start, end: window.end },
    statuses: [...rule.statuses],
    count: window.matched,
    total: window.total,
    share: round(a.share),
    message,
    ...gatewayNodeFields(stats.gateway),
  };
  if (a.baselineShare !== undefined) event.baseline = round(a.baselineShare);
  return event;
}

function percent(x: number): string {
  return `${(x * 100).toFixed(x < 0.1 ? 1 : 0)}%`;
}

function round(x: number): number {
  return Math.round(x * 1e6) / 1e6;
}
