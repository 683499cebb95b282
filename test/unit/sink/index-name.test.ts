import { describe, expect, it } from 'vitest';
import {
  deadLetterIndexName, indexFor, indexPrefixProblem, indexTarget, monthlyIndexName, parseMonthlyIndex, undatedIndexName,
} from '../../../src/sink/index-name.js';

describe('indexFor / indexTarget', () => {
  it('uses the UTC month of the timestamp', () => {
    expect(indexFor('2024-05-01T10:00:00.000Z', 'mailverdict')).toBe('mailverdict-2024.05');
    expect(indexFor('2024-12-31T23:59:59.999Z', 'mv')).toBe('mv-2024.12');
    // 23:30 at UTC-2 on May 31 is June 1 in UTC
    expect(indexFor('2024-05-31T23:30:00-02:00', 'mv')).toBe('mv-2024.06');
    // 00:30 at UTC+02:00 on Jan 1 is still December in UTC
    expect(indexFor('2025-01-01T00:30:00+02:00', 'mv')).toBe('mv-2024.12');
    expect(indexTarget('2024-05-01T10:00:00Z', 'mv').warning).toBeUndefined();
  });

  it('falls back to <prefix>-undated with a warning instead of throwing', () => {
    const cases: [unknown, string][] = [
      [undefined, 'index_fallback:missing_timestamp'],
      ['', 'index_fallback:missing_timestamp'],
      [12345, 'index_fallback:missing_timestamp'],
      ['yesterday', 'index_fallback:bad_timestamp:yesterday'],
      ['Mon, 1 Apr 2024 10:00:00 +0000', 'index_fallback:bad_timestamp:Mon, 1 Apr 2024 10:00:00 +0000'],
      ['2024-13-45T10:00:00Z', 'index_fallback:bad_timestamp:2024-13-45T10:00:00Z'],
      ['1999-12-31T10:00:00Z', 'index_fallback:year_out_of_range:1999'],
      ['3000-01-01T00:00:00Z', 'index_fallback:year_out_of_range:3000'],
    ];
    for (const [input, warning] of cases) {
      expect(indexTarget(input, 'mv'), String(input)).toEqual({ index: 'mv-undated', warning });
    }
    expect(indexTarget('x'.repeat(500), 'mv').warning?.length).toBeLessThan(120);
  });

  it('names the other indices from the prefix', () => {
    expect(undatedIndexName('mv')).toBe('mv-undated');
    expect(deadLetterIndexName('mv')).toBe('mv-deadletter');
    expect(monthlyIndexName('mv', 2024, 3)).toBe('mv-2024.03');
  });
});

describe('parseMonthlyIndex', () => {
  it('accepts exactly <prefix>-YYYY.MM with a real month', () => {
    expect(parseMonthlyIndex('mv-2024.03', 'mv')).toEqual({ year: 2024, month: 3 });
    expect(parseMonthlyIndex('mv-2024.12', 'mv')).toEqual({ year: 2024, month: 12 });
  });

  it('rejects everything else', () => {
    for (const name of [
      'mv-deadletter', 'mv-alerts', 'mv-undated', 'mv-2024.13', 'mv-2024.00', 'mv-2024.3', 'mv-2024.03-restored',
      'mv-2024-03', 'mvx-2024.03', 'other-mv-2024.03', 'mv-foo-2024.03', 'mv-20a4.03', 'mv2024.03',
    ]) {
      expect(parseMonthlyIndex(name, 'mv'), name).toBeUndefined();
    }
  });
});

describe('indexPrefixProblem', () => {
  it('accepts ordinary prefixes and names what is wrong with bad ones', () => {
    expect(indexPrefixProblem('mailverdict')).toBeUndefined();
    expect(indexPrefixProblem('it-sink-abc123')).toBeUndefined();
    expect(indexPrefixProblem('')).toMatch(/empty/);
    expect(indexPrefixProblem('Mail')).toMatch(/lowercase/);
    expect(indexPrefixProblem('mail*')).toMatch(/\*/);
    expect(indexPrefixProblem('a,b')).toMatch(/,/);
    expect(indexPrefixProblem('remote:mv')).toMatch(/:/);
    expect(indexPrefixProblem('_mv')).toMatch(/start/);
  });
});
