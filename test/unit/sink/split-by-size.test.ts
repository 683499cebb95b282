import { describe, expect, it } from 'vitest';
import { splitBySize } from '../../../src/sink/split-by-size.js';

const sizes = (chunks: number[][]): number[][] => chunks;

describe('splitBySize', () => {
  it('cuts by count', () => {
    const items = Array.from({ length: 7 }, (_, i) => i);
    expect(splitBySize(items, () => 1, 3, 1_000)).toEqual([[0, 1, 2], [3, 4, 5], [6]]);
  });

  it('cuts by bytes, never exceeding the limit unless one item alone does', () => {
    const items = [40, 40, 30, 90, 10, 150, 5];
    const chunks = splitBySize(items, (n) => n, 100, 100);
    expect(sizes(chunks)).toEqual([[40, 40], [30], [90, 10], [150], [5]]);
    for (const chunk of chunks) {
      const total = chunk.reduce((a, b) => a + b, 0);
      expect(total <= 100 || chunk.length === 1).toBe(true);
    }
    // order and membership preserved
    expect(chunks.flat()).toEqual(items);
  });

  it('handles empty input and a non-positive count', () => {
    expect(splitBySize([], () => 1, 10, 10)).toEqual([]);
    expect(splitBySize([1, 2], () => 1, 0, 10)).toEqual([[1], [2]]);
  });
});
