import { describe, expect, it } from 'vitest';
import { parseMailDate } from '../../../src/document/parse-mail-date.js';

const iso = (s: string): string | undefined => parseMailDate(s)?.toISOString();

describe('parseMailDate', () => {
  it('reads RFC 5322 dates with numeric zones', () => {
    expect(iso('Mon, 13 Apr 2026 06:49:00 +0300')).toBe('2026-04-13T03:49:00.000Z');
    expect(iso('13 Apr 2026 06:49 -0130')).toBe('2026-04-13T08:19:00.000Z');
    expect(iso(' Tue, 7 Feb 2023 9:05:03 +0000 (UTC)')).toBe('2023-02-07T09:05:03.000Z');
  });

  it('reads obsolete forms: zone names, 2-digit years, asctime order, fractional seconds', () => {
    expect(iso('Mon, 13 Apr 26 06:49:00 GMT')).toBe('2026-04-13T06:49:00.000Z');
    expect(iso('13 Apr 1999 06:49:00 EST')).toBe('1999-04-13T11:49:00.000Z');
    expect(iso('Mon Apr 13 06:49:00 2026')).toBe('2026-04-13T06:49:00.000Z');
    expect(iso('Mon, 13 Apr 2026 06:49:00.123 +0000')).toBe('2026-04-13T06:49:00.000Z');
    expect(iso('2026-04-13T06:49:00Z')).toBe('2026-04-13T06:49:00.000Z');
  });

  it('rejects garbage and impossible dates instead of guessing', () => {
    for (const bad of ['', 'garbage 5', '31 Feb 2026 10:00:00 +0000', '13 Foo 2026 10:00', '13 Apr 2026', '13 Apr 2026 25:00:00', 'x'.repeat(10_000)]) {
      expect(parseMailDate(bad)).toBeUndefined();
    }
  });
});
