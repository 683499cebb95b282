import { describe, expect, it } from 'vitest';
import { advanceWatermark, type UidInterval } from '../../../src/mailbox-state/watermark.js';
import { uidSet } from '../../../src/collector/uid-set.js';
import { mimePartPaths } from '../../../src/collector/part-paths.js';
import { mailboxKeys } from '../../../src/mailbox-state/mailbox-keys.js';
import { describeError } from '../../../src/collector/collector-events.js';

describe('advanceWatermark', () => {
  it('advances over contiguous finished intervals only', () => {
    const r = advanceWatermark(0, [{ lo: 0, hi: 10 }, { lo: 20, hi: 30 }]);
    expect(r.committed).toBe(10);
    expect(r.pending).toEqual([{ lo: 20, hi: 30 }]);
  });

  it('jumps when the gap is filled, in any arrival order', () => {
    const intervals: UidInterval[] = [{ lo: 20, hi: 30 }, { lo: 30, hi: 45 }, { lo: 10, hi: 20 }, { lo: 0, hi: 10 }];
    expect(advanceWatermark(0, intervals).committed).toBe(45);
    expect(advanceWatermark(0, intervals.slice(0, 3)).committed).toBe(0);
  });

  it('ignores intervals already covered and accepts overlapping re-reads', () => {
    const r = advanceWatermark(50, [{ lo: 0, hi: 10 }, { lo: 40, hi: 60 }, { lo: 55, hi: 70 }]);
    expect(r).toEqual({ committed: 70, pending: [] });
  });

  it('matches a brute-force model on random schedules', () => {
    let seed = 42;
    const rand = (n: number): number => { seed = (seed * 1103515245 + 12345) % 2 ** 31; return seed % n; };
    for (let round = 0; round < 200; round++) {
      const cuts = [0];
      while (cuts.length < 12) cuts.push(cuts[cuts.length - 1]! + 1 + rand(5));
      const all = cuts.slice(1).map((hi, i) => ({ lo: cuts[i]!, hi }));
      const done = all.filter(() => rand(3) !== 0);
      const expected = (() => { let w = 0; for (const it of all) { if (!done.includes(it)) break; w = it.hi; } return w; })();
      // Feed one by one, as workers report, carrying pending intervals along.
      let w = 0;
      let pending: UidInterval[] = [];
      for (const it of [...done].sort(() => rand(3) - 1)) ({ committed: w, pending } = advanceWatermark(w, [...pending, it]));
      expect(w).toBe(expected);
    }
  });
});

describe('uidSet', () => {
  it('compresses runs', () => {
    expect(uidSet([1, 2, 3, 4, 7, 9, 10])).toBe('1:4,7,9:10');
    expect(uidSet([5])).toBe('5');
    expect(uidSet([])).toBe('');
  });
});

describe('mimePartPaths', () => {
  it('lists multipart children depth first, not inside message/rfc822', () => {
    const structure = {
      type: 'multipart/mixed',
      childNodes: [
        { part: '1', type: 'multipart/alternative', childNodes: [{ part: '1.1', type: 'text/plain' }, { part: '1.2', type: 'text/html' }] },
        { part: '2', type: 'message/rfc822', childNodes: [{ part: '2.1', type: 'text/plain' }] },
        { part: '3', type: 'application/pdf' },
      ],
    };
    expect(mimePartPaths(structure)).toEqual(['1', '1.1', '1.2', '2', '3']);
  });
  it('is empty for single-part messages and respects caps', () => {
    expect(mimePartPaths({ type: 'text/plain' })).toEqual([]);
    const wide = { type: 'multipart/mixed', childNodes: Array.from({ length: 10 }, (_, i) => ({ part: String(i + 1), type: 'text/plain' })) };
    expect(mimePartPaths(wide, 4)).toEqual(['1', '2', '3', '4']);
    const deep = { type: 'multipart/mixed', childNodes: [{ part: '1', type: 'multipart/mixed', childNodes: [{ part: '1.1', type: 'multipart/mixed', childNodes: [{ part: '1.1.1', type: 'text/plain' }] }] }] };
    expect(mimePartPaths(deep, 100, 2)).toEqual(['1', '1.1']);
  });
});

describe('mailbox keys and errors', () => {
  it('keeps every key of a mailbox in one cluster slot and separates odd names', () => {
    const k = mailboxKeys('p', { account: 'a/b', mailbox: 'INBOX' });
    const k2 = mailboxKeys('p', { account: 'a', mailbox: 'b/INBOX' });
    expect(k.state).not.toBe(k2.state);
    const tag = (s: string): string => s.slice(s.indexOf('{'), s.indexOf('}') + 1);
    expect(tag(k.state)).toBe(tag(k.lock));
    expect(tag(k.done)).toBe(tag(k.lock));
  });
  it('redacts secrets from error messages', () => {
    const e = describeError(Object.assign(new Error('login failed for pw hunter22'), { authenticationFailed: true }), ['hunter22']);
    expect(e).toEqual({ code: 'auth_failed', message: 'login failed for pw [redacted]' });
  });
});
