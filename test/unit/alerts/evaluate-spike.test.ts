import { describe, expect, it } from 'vitest';
import { alertConfigSchema, defaultAlertConfig, spikeRuleSchema } from '../../../src/alerts/alert-config.js';
import { assessWindow, evaluateSpike, type GatewayStats, type WindowCounts } from '../../../src/alerts/evaluate-spike.js';

const rule = spikeRuleSchema.parse({ name: 'scan-incomplete' });
const now = new Date('2025-04-08T10:15:00Z');

function win(end: string, total: number, matched: number, byStatus: Record<string, number> = {}): WindowCounts {
  return { start: new Date(Date.parse(end) - rule.windowMs).toISOString(), end, total, matched, byStatus };
}

function stats(windows: WindowCounts[], baseline = { total: 10_000, matched: 20 }): GatewayStats {
  return { gateway: 'ksmg@mx1', windows, baseline };
}

describe('alert config defaults', () => {
  it('ships one rule on timeout/fallback/error with the documented thresholds', () => {
    const c = defaultAlertConfig();
    expect(c.rules).toHaveLength(1);
    expect(c.rules[0]).toMatchObject({
      name: 'scan-incomplete', statuses: ['timeout', 'fallback', 'error'], windowMs: 900_000, minCount: 10, maxShare: 0.2,
      spikeFactor: 5, baselineFloorShare: 0.01, resolveAfterWindows: 2,
    });
    expect(c.silentCollector).toEqual({ enabled: true, maxSilenceMs: 1_800_000 });
  });

  it('rejects unknown keys, unknown statuses and duplicate rule names with the key path', () => {
    expect(alertConfigSchema.safeParse({ rules: [{ name: 'x', statuses: ['late'] }] }).success).toBe(false);
    expect(alertConfigSchema.safeParse({ rules: [{ name: 'x' }, { name: 'x' }] }).success).toBe(false);
    const r = alertConfigSchema.safeParse({ intervall: 5 });
    expect(r.success).toBe(false);
    expect(alertConfigSchema.safeParse({ webhooks: [{ url: 'http://h/x', format: 'slack' }] }).success).toBe(true);
  });
});

describe('assessWindow', () => {
  it('needs the minimum count even at a 100% share', () => {
    expect(assessWindow(rule, win(now.toISOString(), 3, 2), { total: 0, matched: 0 }).crossed).toBe(false);
    expect(assessWindow(rule, win(now.toISOString(), 10, 10), { total: 0, matched: 0 }).crossed).toBe(true);
  });

  it('fires on the share limit, or on a spike against the gateway baseline', () => {
    // 15% is below maxShare (20%) but 5 × the 1% floor = 5% → spike.
    expect(assessWindow(rule, win(now.toISOString(), 100, 15), { total: 1000, matched: 2 }).crossed).toBe(true);
    // A gateway that is always at 10% incomplete: 15% is not 5 × 10%, and below 20%.
    expect(assessWindow(rule, win(now.toISOString(), 100, 15), { total: 1000, matched: 100 }).crossed).toBe(false);
    // …but 25% crosses the absolute share limit whatever the baseline.
    expect(assessWindow(rule, win(now.toISOString(), 100, 25), { total: 1000, matched: 100 }).crossed).toBe(true);
  });
});

describe('evaluateSpike (hysteresis)', () => {
  const t1 = '2025-04-08T10:00:00.000Z';
  const t2 = '2025-04-08T10:15:00.000Z';

  it('fires once with a deterministic id and the window counts', () => {
    const e = evaluateSpike(rule, stats([win(t1, 100, 0), win(t2, 100, 40, { fallback: 30, timeout: 10 })]), undefined, now);
    expect(e).toMatchObject({ state: 'fired', rule: 'scan-incomplete', gateway: 'ksmg@mx1', alert_id: `scan-incomplete:ksmg@mx1:${t2}`, count: 40, total: 100, share: 0.4, baseline: 0.002 });
    expect(e?.message).toContain('fallback 30, timeout 10');
    // An open incident is not re-sent while the spike lasts.
    const active = { alertId: e?.alert_id ?? '', rule: 'scan-incomplete', gateway: 'ksmg@mx1', firedAt: t2 };
    expect(evaluateSpike(rule, stats([win(t1, 100, 40), win(t2, 100, 40)]), active, now)).toBeUndefined();
  });

  it('resolves only after resolveAfterWindows normal windows, with the incident id', () => {
    const active = { alertId: 'scan-incomplete:ksmg@mx1:x', rule: 'scan-incomplete', gateway: 'ksmg@mx1', firedAt: t1 };
    expect(evaluateSpike(rule, stats([win(t1, 100, 40), win(t2, 100, 0)]), active, now)).toBeUndefined();
    const e = evaluateSpike(rule, stats([win(t1, 100, 1), win(t2, 100, 0)]), active, now);
    expect(e).toMatchObject({ state: 'resolved', alert_id: 'scan-incomplete:ksmg@mx1:x' });
  });

  it('does not fire on normal traffic', () => {
    expect(evaluateSpike(rule, stats([win(t1, 100, 1), win(t2, 100, 1)]), undefined, now)).toBeUndefined();
  });
});
