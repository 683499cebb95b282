// The Elasticsearch side of the scaling bench: the bulk ceiling (BulkSink.indexBatch alone on prebuilt documents,
// `lanes` batches in flight, as `lanes` worker slots would send them), the bytes a document takes on disk, and
// removing what a run created.
import type { Client } from '@elastic/elasticsearch';
import type { Config } from '../../src/config/schema.js';
import type { ParsedMessage } from '../../src/document/types.js';
import { BulkSink } from '../../src/sink/bulk-sink.js';
import { ensureIndexTemplates, loadIndexTemplates } from '../../src/sink/index-setup.js';

export { bulkCeiling, type BulkCeiling } from '../pipeline/bulk-ceiling.js';

export interface StoreSize {
  documents: number;
  indices: number;
  primary_store_bytes: number;
  bytes_per_document: number;
}

/**
 * Primary store bytes of the message indices `<prefix>-YYYY.MM` over their top-level document count (`_count`,
 * not `_cat`'s docs.count, which also counts nested objects as Lucene documents).
 */
export async function storeSize(es: Client, prefix: string): Promise<StoreSize> {
  const pattern = `${prefix}-2*`; // monthly indices only, not the dead-letter index
  await es.indices.refresh({ index: pattern, allow_no_indices: true, ignore_unavailable: true });
  const rows = await es.cat.indices({ index: pattern, bytes: 'b', format: 'json', h: ['index', 'pri.store.size'] });
  const bytes = rows.reduce((sum, r) => sum + Number(r['pri.store.size'] ?? 0), 0);
  const documents = (await es.count({ index: pattern, allow_no_indices: true, ignore_unavailable: true })).count;
  return { documents, indices: rows.length, primary_store_bytes: bytes, bytes_per_document: Math.round(bytes / Math.max(1, documents)) };
}

/** Merges the message indices down to one segment each: the size an index settles at once merges caught up. */
export async function forceMerge(es: Client, prefix: string): Promise<void> {
  await es.indices.forcemerge({ index: `${prefix}-2*`, max_num_segments: 1, allow_no_indices: true, ignore_unavailable: true });
}

export async function deleteIndices(es: Client, prefix: string, withTemplates: boolean): Promise<void> {
  await es.indices.delete({ index: `${prefix}-*`, allow_no_indices: true, ignore_unavailable: true, expand_wildcards: 'all' });
  if (withTemplates) for (const t of loadIndexTemplates(prefix)) await es.indices.deleteIndexTemplate({ name: t.name }, { ignore: [404] });
}

function round2(x: number): number {
  return Math.round(x * 100) / 100;
}

/**
 * Documents the whole node indexed so far (`_nodes/stats` indexing.index_total): read around a measurement, it
 * tells whether Elasticsearch's CPU in that window was ours alone (the node is shared).
 */
export async function nodeIndexedTotal(es: Client): Promise<number> {
  const stats = await es.nodes.stats({ metric: 'indices', index_metric: 'indexing' });
  return Object.values(stats.nodes).reduce((n, node) => n + (node.indices?.indexing?.index_total ?? 0), 0);
}
