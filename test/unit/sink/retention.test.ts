import { describe, expect, it } from 'vitest';
import { expiredIndices, indexExpired, oldestKeptMonth } from '../../../src/sink/retention.js';

describe('expiredIndices', () => {
  const names = [
    'mv-2024.09', 'mv-2024.10', 'mv-2024.11', 'mv-2024.12', 'mv-2025.01', 'mv-2025.10', 'mv-2025.11', 'mv-2025.12',
    'mv-2026.01', 'mv-deadletter', 'mv-alerts', 'mv-undated', 'mv-2019.13', 'mv-2019.05-restored', 'other-2019.01', 'mv-1999.01',
  ];

  it('keeps the current month and retentionMonths - 1 before it', () => {
    const now = new Date('2025-12-15T12:00:00Z');
    // 13 months: keep 2024.12 … 2025.12
    expect(expiredIndices(names, 'mv', 13, now)).toEqual(['mv-1999.01', 'mv-2024.09', 'mv-2024.10', 'mv-2024.11']);
    // 1 month: keep only 2025.12 (and the future 2026.01)
    expect(expiredIndices(names, 'mv', 1, now)).toEqual([
      'mv-1999.01', 'mv-2024.09', 'mv-2024.10', 'mv-2024.11', 'mv-2024.12', 'mv-2025.01', 'mv-2025.10', 'mv-2025.11',
    ]);
  });

  it('uses UTC months at the boundary', () => {
    // 2026-01-01T00:30+02:00 is still December 2025 in UTC
    expect(expiredIndices(['mv-2024.12'], 'mv', 13, new Date('2026-01-01T00:30:00+02:00'))).toEqual([]);
    expect(expiredIndices(['mv-2024.12'], 'mv', 13, new Date('2026-01-01T00:00:00Z'))).toEqual(['mv-2024.12']);
  });

  it('never touches anything but exact <prefix>-YYYY.MM names, and refuses a nonsense retention', () => {
    const now = new Date('2100-01-01T00:00:00Z');
    const expired = expiredIndices(names, 'mv', 1, now);
    for (const kept of ['mv-deadletter', 'mv-alerts', 'mv-undated', 'mv-2019.13', 'mv-2019.05-restored', 'other-2019.01']) {
      expect(expired).not.toContain(kept);
    }
    expect(() => expiredIndices(names, 'mv', 0, now)).toThrow(/retentionMonths/);
    expect(() => expiredIndices(names, 'mv', 1.5, now)).toThrow(/retentionMonths/);
  });
});

describe('indexExpired / oldestKeptMonth (what indexing skips is exactly what retention deletes)', () => {
  it('agrees with expiredIndices for every month around the boundary, and names the first month kept', () => {
    const now = new Date('2026-01-01T00:00:00Z');
    const names = Array.from({ length: 40 }, (_, i) => `mv-${2023 + Math.floor(i / 12)}.${String((i % 12) + 1).padStart(2, '0')}`);
    for (const months of [1, 2, 12, 13, 25]) {
      const deleted = new Set(expiredIndices(names, 'mv', months, now));
      for (const name of names) expect(indexExpired(name, 'mv', months, now), `${name} with ${months}`).toBe(deleted.has(name));
    }
    expect(oldestKeptMonth(13, now)).toBe('2025.01');
    expect(oldestKeptMonth(1, now)).toBe('2026.01');
    expect(oldestKeptMonth(12, new Date('2026-12-31T23:59:59Z'))).toBe('2026.01');
    expect(indexExpired('mv-undated', 'mv', 1, now)).toBe(false);
    expect(indexExpired('mv-deadletter', 'mv', 1, now)).toBe(false);
  });
});
