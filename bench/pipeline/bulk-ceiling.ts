// The bulk ceiling: BulkSink.indexBatch alone on prebuilt documents, `lanes` batches in flight as `lanes` worker
// slots would send them — what Elasticsearch takes when nothing else in the pipeline is in the way.
import type { Client } from '@elastic/elasticsearch';
import type { Config } from '../../src/config/schema.js';
import { BulkSink, type IndexableDocument } from '../../src/sink/bulk-sink.js';
import { ensureIndexTemplates } from '../../src/sink/index-setup.js';

export interface BulkCeiling {
  batch_docs: number;
  in_flight: number;
  seconds: number;
  messages_per_second: number;
}

export async function bulkCeiling(
  es: Client, settings: Config['elasticsearch'], docs: readonly IndexableDocument[], batch: number, lanes: number,
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
  return { batch_docs: batch, in_flight: lanes, seconds: Math.round(seconds * 100) / 100, messages_per_second: Math.round(docs.length / seconds) };
}
