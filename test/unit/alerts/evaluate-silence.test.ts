import { describe, expect, it } from 'vitest';
import { silentCollectorSchema } from '../../../src/alerts/alert-config.js';
import { evaluateSilence } from '../../../src/alerts/evaluate-silence.js';

const config = silentCollectorSchema.parse({ maxSilenceMs: 30 * 60_000 });
const since = new Date('2025-04-08T09:00:00Z');
const at = (iso: string): Date => new Date(iso);

describe('evaluateSilence', () => {
  it('fires when the last success is older than maxSilenceMs, with an id derived from it', () => {
    const poll = { account: 'q', mailbox: 'INBOX', lastSuccessAt: at('2025-04-08T09:10:00Z') };
    expect(evaluateSilence(config, poll, undefined, at('2025-04-08T09:39:00Z'), since)).toBeUndefined();
    const e = evaluateSilence(config, poll, undefined, at('2025-04-08T09:41:00Z'), since);
    expect(e).toMatchObject({ state: 'fired', rule: 'collector-silent', gateway: 'q/INBOX', alert_id: 'collector-silent:q/INBOX:2025-04-08T09:10:00.000Z', last_success: '2025-04-08T09:10:00.000Z' });
  });

  it('counts a never-polled mailbox from the alerter start, and only a real success resolves it', () => {
    const poll = { account: 'q', mailbox: 'INBOX', lastSuccessAt: undefined };
    const e = evaluateSilence(config, poll, undefined, at('2025-04-08T09:31:00Z'), since);
    expect(e?.alert_id).toBe('collector-silent:q/INBOX:never');
    const active = { alertId: 'collector-silent:q/INBOX:never', rule: 'collector-silent', gateway: 'q/INBOX', firedAt: '' };
    // A restarted alerter has a new `since`; that must not resolve the silence.
    expect(evaluateSilence(config, poll, active, at('2025-04-08T10:00:00Z'), at('2025-04-08T09:59:00Z'))).toBeUndefined();
    const back = evaluateSilence(config, { ...poll, lastSuccessAt: at('2025-04-08T10:01:00Z') }, active, at('2025-04-08T10:02:00Z'), since);
    expect(back).toMatchObject({ state: 'resolved', alert_id: 'collector-silent:q/INBOX:never' });
  });
});
