// Replay straight into Elasticsearch: parse each message as `mailverdict parse` does and write the batch with
// BulkSink (create + the header-block hash as _id, so a message already indexed from IMAP is a duplicate).
import type { ParsedMessage } from '../document/types.js';
import { parseMessage, type ParseContext } from '../parse/parse-message.js';
import { findHeaderEnd } from '../headers/find-header-end.js';
import type { BulkSink } from '../sink/bulk-sink.js';
import type { ReplayMessage, ReplayTarget } from './replay-files.js';

export class DirectTarget implements ReplayTarget {
  created = 0;
  duplicates = 0;
  deadLettered = 0;
  /** Older than the retention window: not indexed. */
  expired = 0;

  constructor(
    private readonly sink: Pick<BulkSink, 'indexBatch'>,
    private readonly context: { gateway?: { id: string } | undefined; internalDomains?: readonly string[]; maxFutureSkewMs?: number } = {},
  ) {}

  async send(batch: readonly ReplayMessage[]): Promise<void> {
    const parsed: ParsedMessage[] = [];
    const rawHeaders = new Map<string, Uint8Array>();
    for (const m of batch) {
      const context: ParseContext = { origin: { kind: 'file', path: m.path } };
      if (this.context.gateway !== undefined) context.gateway = this.context.gateway;
      if (this.context.internalDomains !== undefined) context.internalDomains = this.context.internalDomains;
      if (this.context.maxFutureSkewMs !== undefined) context.maxFutureSkewMs = this.context.maxFutureSkewMs;
      const message = parseMessage(m.raw, context);
      parsed.push(message);
      const buf = Buffer.from(m.raw.buffer, m.raw.byteOffset, m.raw.byteLength);
      rawHeaders.set(message.id, buf.subarray(0, findHeaderEnd(buf).headerEnd));
    }
    const outcome = await this.sink.indexBatch(parsed, { rawHeaders });
    this.created += outcome.created;
    this.duplicates += outcome.duplicates;
    this.deadLettered += outcome.deadLettered;
    this.expired += outcome.expired;
  }
}
