import { describe, expect, it } from 'vitest';
import { formatStatus, lastErrorText } from '../../../src/commands/status.js';
import { statusFromHash } from '../../../src/mailbox-state/mailbox-status.js';

const hash = (fields: Record<string, string>): Record<string, string> => ({ account: 'alice', mailbox: 'Quarantine', ...fields });

describe('status: last error with its time and whether it was recovered', () => {
  it('a connection after the error marks it recovered; an error after the last connection is current', () => {
    const recovered = statusFromHash(hash({
      lastError: 'auth_failed: Authentication failed', lastErrorAt: '2026-12-02T03:00:00.000Z', connectedAt: '2026-12-02T03:05:00.000Z',
    }));
    expect(recovered).toMatchObject({ lastErrorRecovered: true, connectedAt: '2026-12-02T03:05:00.000Z' });
    expect(lastErrorText(recovered!)).toBe('auth_failed: Authentication failed (at 2026-12-02T03:00:00.000Z, recovered 2026-12-02T03:05:00.000Z)');

    const current = statusFromHash(hash({
      lastError: 'ECONNREFUSED: connect ECONNREFUSED', lastErrorAt: '2026-12-02T03:06:00.000Z', connectedAt: '2026-12-02T03:05:00.000Z',
    }));
    expect(current?.lastErrorRecovered).toBe(false);
    expect(lastErrorText(current!)).toBe('ECONNREFUSED: connect ECONNREFUSED (at 2026-12-02T03:06:00.000Z, not recovered)');

    const neverConnected = statusFromHash(hash({ lastError: 'auth_failed: x', lastErrorAt: '2026-12-02T03:06:00.000Z' }));
    expect(neverConnected?.lastErrorRecovered).toBe(false);
    const noError = statusFromHash(hash({ connectedAt: '2026-12-02T03:05:00.000Z' }));
    expect(noError?.lastErrorRecovered).toBeUndefined();
    expect(lastErrorText(noError!)).toBe('');
  });

  it('the table shows it, and counts messages not indexed because they are older than the retention window', () => {
    const text = formatStatus({
      mailboxes: [
        statusFromHash(hash({ phase: 'waiting', committed: '30', expired: '12', lastError: 'auth_failed: x', lastErrorAt: '2026-12-02T03:00:00.000Z', connectedAt: '2026-12-02T03:01:00.000Z' }))!,
        statusFromHash(hash({ mailbox: 'Other', phase: 'waiting', committed: '5' }))!,
      ],
      queue: { waiting: 0 },
      documents: { indexed: 23, deadLettered: 0 },
    });
    expect(text).toMatch(/^alice\/Quarantine\s+waiting\s.*auth_failed: x \(at 2026-12-02T03:00:00.000Z, recovered 2026-12-02T03:01:00.000Z\)$/m);
    expect(text).toContain('documents: 23 indexed, 0 dead-lettered\nnot indexed, older than the retention window (elasticsearch.retentionMonths): 12 (alice/Quarantine 12)');
    const none = formatStatus({ mailboxes: [statusFromHash(hash({ committed: '5' }))!], queue: {}, documents: { indexed: 5, deadLettered: 0 } });
    expect(none).not.toContain('retention');
  });
});
