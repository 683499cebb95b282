// Replay straight into Elasticsearch: parse each message as `mailverdict parse` does and write the batch with
// BulkSink (create + the header-block hash as _id, so a message already indexed from IMAP is a duplicate).
import type { ParsedMessage } from '../document/types.js';
import { parseMessage } from '../parse-message.js';
import type { BulkSink } from '../sink/bulk-sink.js';
import type { ReplayMessage, ReplayTarget } from './replay-files.js';

export class DirectTarget implements ReplayTarget {
  created = 0;
  duplicates = 0;
  deadLettered = 0;

  constructor(private readonly sink: Pick<BulkSink, 'indexBatch'>) {}

  async send(batch: readonly ReplayMessage[]): Promise<void> {
    const parsed: ParsedMessage[] = [];
    const rawHeaders = new Map<string, string>();
    for (const m of batch) {
      const message = parseMessage(m.raw, { source: { kind: 'file', path: m.path } });
      parsed.push(message);
      rawHeaders.set(message.id, headerText(m.raw));
    }
    const outcome = await this.sink.indexBatch(parsed, { rawHeaders });
    this.created += outcome.created;
    this.duplicates += outcome.duplicates;
    this.deadLettered += outcome.deadLettered;
  }
}

/** The header section as text for dead letters (up to the first empty line, at most 256 KiB). */
function headerText(raw: Uint8Array): string {
  const buf = Buffer.from(raw.buffer, raw.byteOffset, Math.min(raw.byteLength, 256 * 1024));
  const crlf = buf.indexOf('\r\n\r\n');
  const lf = buf.indexOf('\n\n');
  const ends = [crlf, lf].filter((i) => i >= 0);
  return buf.subarray(0, ends.length === 0 ? buf.length : Math.min(...ends)).toString('latin1');
}
