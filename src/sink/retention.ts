// Retention without ILM (the target cluster may not have it): delete monthly indices `<prefix>-YYYY.MM`
// older than `retentionMonths`. Only names of exactly that shape are considered, so the dead-letter,
// alert and undated indices — and anything else sharing the prefix — are never touched.
import type { SearchStore } from './search-store.js';
import { SinkError } from './errors.js';
import { indexPrefixProblem, parseMonthlyIndex } from './index-name.js';
import { sinkConfig, type SinkConfigInput } from './sink-config.js';

// Keeps each DELETE URL short.
const DELETE_CHUNK = 20;

/**
 * Which of `names` are expired at `now`: the current UTC month plus the `retentionMonths - 1` before it are
 * kept (retentionMonths = 13 on 2026-11 keeps 2025.11 … 2026.11). Future months are kept.
 */
export function expiredIndices(names: readonly string[], prefix: string, retentionMonths: number, now: Date): string[] {
  if (!Number.isInteger(retentionMonths) || retentionMonths < 1) {
    throw new SinkError('invalid_config', `elasticsearch.retentionMonths: expected an integer ≥ 1, got ${retentionMonths}`);
  }
  const expired: string[] = [];
  for (const name of names) {
    const month = parseMonthlyIndex(name, prefix);
    if (month !== undefined && monthExpired(month, retentionMonths, now)) expired.push(name);
  }
  return expired.sort();
}

/** Whether a month (1-12) lies before the retention window at `now` (the rule `expiredIndices` deletes by). */
export function monthExpired(month: { year: number; month: number }, retentionMonths: number, now: Date): boolean {
  const current = now.getUTCFullYear() * 12 + now.getUTCMonth();
  return current - (month.year * 12 + month.month - 1) >= retentionMonths;
}

/** Whether `index` is a monthly index the retention task deletes at `now` (undated and others: never). */
export function indexExpired(index: string, prefix: string, retentionMonths: number, now: Date): boolean {
  const month = parseMonthlyIndex(index, prefix);
  return month !== undefined && monthExpired(month, retentionMonths, now);
}

/** The first month the retention window keeps at `now`, as `YYYY.MM` (for messages saying what was skipped). */
export function oldestKeptMonth(retentionMonths: number, now: Date): string {
  const first = now.getUTCFullYear() * 12 + now.getUTCMonth() - (retentionMonths - 1);
  return `${String(Math.floor(first / 12)).padStart(4, '0')}.${String((first % 12) + 1).padStart(2, '0')}`;
}

/** Delete the expired monthly indices; returns their names (sorted). */
export async function deleteExpiredIndices(client: SearchStore, config: SinkConfigInput, now: Date = new Date()): Promise<string[]> {
  const { indexPrefix: prefix, retentionMonths } = sinkConfig(config);
  const problem = indexPrefixProblem(prefix);
  if (problem !== undefined) throw new SinkError('invalid_index_prefix', `elasticsearch.indexPrefix ${JSON.stringify(prefix)} ${problem}`);
  let names: string[];
  try {
    const resolved = await client.indices.resolveIndex({ name: `${prefix}-*`, expand_wildcards: ['open', 'closed'] });
    // Aliases and data streams are listed separately and are never candidates.
    names = resolved.indices.map((i) => i.name);
  } catch (err) {
    throw new SinkError('elasticsearch_request_failed', `listing indices ${prefix}-* failed`, { cause: err });
  }
  const expired = expiredIndices(names, prefix, retentionMonths, now);
  for (let i = 0; i < expired.length; i += DELETE_CHUNK) {
    const chunk = expired.slice(i, i + DELETE_CHUNK);
    try {
      // Explicit names only (no wildcard), and a month deleted meanwhile by another process is fine.
      await client.indices.delete({ index: chunk, ignore_unavailable: true });
    } catch (err) {
      throw new SinkError('elasticsearch_request_failed', `deleting ${chunk.join(',')} failed`, { cause: err, meta: { index: chunk.join(',') } });
    }
  }
  return expired;
}
