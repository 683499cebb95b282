// The Elasticsearch side of the scaling bench: the bulk ceiling (BulkSink.indexBatch alone on prebuilt documents,
// `lanes` batches in flight, as `lanes` worker slots would send them), the bytes a document takes on disk, and
// removing what a run created.
import type { Client } from '@elastic/elasticsearch';
import type { Config } from '../../src/config/schema.js';
import type { ParsedMessage } from '../../src/document/types.js';
import { BulkSink } from '../../src/sink/bulk-sink.js';
import { ensureIndexTemplates, loadIndexTemplates } from '../../src/sink/index-setup.js';

export interface BulkCeiling {
  batch_docs: number;
  in_flight: number;
  seconds: number;
  messages_per_second: number;
}

export async function bulkCeiling(
  es: Client, settings: Config['elasticsearch'], docs: readonly ParsedMessage[], batch: number, lanes: number,
): Promise<BulkCeiling> {
  await ensureIndexTemplates(es, settings);
  const sink = new BulkSink(es, settings);
  let next = 0;
  let created = 0;
  const t0 = performance.now();
  await Promise.all(Array.from({ length: lanes }, async () => {
    for (;;) {
      const start = next;
      next += batch;
      if (start >= docs.length) return;
      // Awaited first: `created += await …` would read `created` before the await and lose other lanes' counts.
      const outcome = await sink.indexBatch(docs.slice(start, start + batch));
      created += outcome.created;
    }
  }));
  const seconds = (performance.now() - t0) / 1000;
  if (created !== docs.length) throw new Error(`bulk ceiling created ${created} documents, expected ${docs.length}`);
  return { batch_docs: batch, in_flight: lanes, seconds: round2(seconds), messages_per_second: Math.round(docs.length / seconds) };
}

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
