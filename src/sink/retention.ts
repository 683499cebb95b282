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
  const current = now.getUTCFullYear() * 12 + now.getUTCMonth();
  const expired: string[] = [];
  for (const name of names) {
    const month = parseMonthlyIndex(name, prefix);
    if (month === undefined) continue;
    if (current - (month.year * 12 + month.month - 1) >= retentionMonths) expired.push(name);
  }
  return expired.sort();
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
