// Runs `fn` over `items` with at most `limit` calls in flight, results in input order. Tests that start
// many processes use it so they pass on a busy 2-core machine as on an idle one.
import { availableParallelism } from 'node:os';

/** A bound that keeps process-heavy tests from starving each other: one per core, at least 2. */
export const SPAWN_LIMIT = Math.max(2, availableParallelism());

export async function mapLimit<T, R>(items: readonly T[], limit: number, fn: (item: T, index: number) => Promise<R>): Promise<R[]> {
  if (!Number.isInteger(limit) || limit < 1) throw new RangeError(`limit must be a positive integer, got ${limit}`);
  const results = new Array<R>(items.length);
  let next = 0;
  const lane = async (): Promise<void> => {
    while (next < items.length) {
      const index = next++;
      results[index] = await fn(items[index]!, index);
    }
  };
  await Promise.all(Array.from({ length: Math.min(limit, items.length) }, lane));
  return results;
}
