// The BullMQ job handler: batch → parse each message → bulk index → report the batch's UID interval to
// the watermark. A TransientIndexError (Elasticsearch away) fails the job so BullMQ retries it; the
// watermark then does not move, and a retried batch is harmless (create + deterministic _id). Messages older
// than the retention window are not indexed (the retention task would delete them unseen) but counted —
// on the mailbox's status or the replay run's tally — and the watermark moves past them all the same.
import type { ParsedMessage, OriginInfo } from '../src/document/types.js';
import { parseFetched, type ParseContext } from '../src/parse/parse-message.js';
import type { BatchOutcome, BulkSink } from '../src/sink/bulk-sink.js';
import { addExpiredToMailbox, addReplayOutcomes } from '../src/mailbox-state/outcome-tally.js';
import { Watermark } from '../src/mailbox-state/watermark.js';
import { batchInterval, decodeHeaderBytes, type MessageBatchJob } from '../src/queue/message-batch.js';
import type { RedisClient } from '../src/queue/connection.js';
import type { ParseFailure } from '../src/sink/dead-letter.js';

export interface ProcessBatchDeps {
  /** Indexes the documents and dead-letters the messages whose parsing threw. */
  sink: Pick<BulkSink, 'indexBatch' | 'deadLetterParseFailures'>;
  redis: RedisClient;
  keyPrefix: string;
  events?: PipelineEvents | undefined;
  /** Config `internalDomains`, for email.direction. */
  internalDomains?: readonly string[] | undefined;
  /** A message date further than this past the time it is processed is not believed (default 48 h). */
  maxFutureSkewMs?: number;
}

export interface PipelineEvents {
  parsed?(count: number, warningsByVendor: ReadonlyMap<string, number>): void;
  indexed?(outcome: BatchOutcome, parseFailures: number): void;
  committed?(account: string, mailbox: string, committed: number): void;
  /** Seconds from INTERNALDATE to indexed, per message. */
  lag?(seconds: number): void;
  /** Messages of one batch not indexed because their month lies before the retention window. */
  expired?(batch: ExpiredInBatch): void;
}

export interface ExpiredInBatch {
  account: string;
  mailbox: string;
  count: number;
  /** The monthly indices they were meant for (sorted, distinct). */
  indices: string[];
}

export interface ProcessBatchResult {
  created: number;
  duplicates: number;
  deadLettered: number;
  /** Not indexed: older than the retention window. */
  expired: number;
  parseFailures: number;
  /** The mailbox's committed UID after this batch (-1: the batch belongs to an old UIDVALIDITY). */
  committed: number;
}

export async function processBatch(job: MessageBatchJob, deps: ProcessBatchDeps): Promise<ProcessBatchResult> {
  const parsed: ParsedMessage[] = [];
  const rawHeaders = new Map<string, Uint8Array>();
  const failures: ParseFailure[] = [];
  const warnings = new Map<string, number>();
  const internalDates: (Date | undefined)[] = [];

  for (const [i, m] of job.messages.entries()) {
    const headerBytes = decodeHeaderBytes(m.headers, job.headerEncoding);
    const file = job.files?.[i];
    const origin: OriginInfo = file !== undefined
      ? { kind: 'file', path: file }
      : { kind: 'imap', account: job.account, mailbox: job.mailbox, uidvalidity: job.uidvalidity, uid: m.uid };
    try {
      const parts = m.parts.map((p) => ({ path: p.path, raw: decodeHeaderBytes(p.headers, job.headerEncoding) }));
      const internalDate = m.internalDate === undefined ? undefined : new Date(m.internalDate);
      const validDate = internalDate !== undefined && !Number.isNaN(internalDate.getTime()) ? internalDate : undefined;
      const context: ParseContext = { origin };
      if (validDate !== undefined) context.internalDate = validDate;
      if (job.gateway !== undefined && typeof job.gateway.id === 'string') context.gateway = job.gateway;
      if (deps.internalDomains !== undefined) context.internalDomains = deps.internalDomains;
      if (deps.maxFutureSkewMs !== undefined) context.maxFutureSkewMs = deps.maxFutureSkewMs;
      if (m.headerlessId !== undefined && /^[0-9a-f]{64}$/.test(m.headerlessId)) context.headerlessId = m.headerlessId;
      const message = parseFetched(headerBytes, parts, context);
      parsed.push(message);
      internalDates.push(validDate);
      rawHeaders.set(message.id, headerBytes);
      for (const g of message.document.mailverdict.gateways) {
        if (g.warnings.length > 0) warnings.set(g.id, (warnings.get(g.id) ?? 0) + g.warnings.length);
      }
    } catch (error) {
      failures.push({ headerBytes, source: origin, error });
    }
  }
  deps.events?.parsed?.(parsed.length, warnings);

  const outcome = await deps.sink.indexBatch(parsed, { rawHeaders });
  if (failures.length > 0) await deps.sink.deadLetterParseFailures(failures);
  deps.events?.indexed?.(outcome, failures.length);
  const now = Date.now();
  for (const d of internalDates) if (d !== undefined) deps.events?.lag?.(Math.max(0, (now - d.getTime()) / 1000));

  if (outcome.expired > 0) {
    const indices = [...new Set(outcome.results.filter((r) => r.outcome === 'expired').map((r) => r.index))].sort();
    if (job.files === undefined) await addExpiredToMailbox(deps.redis, deps.keyPrefix, job, outcome.expired);
    deps.events?.expired?.({ account: job.account, mailbox: job.mailbox, count: outcome.expired, indices });
  }

  // A replay run shows what became of its messages while it waits for the workers.
  if (job.files !== undefined) {
    await addReplayOutcomes(deps.redis, deps.keyPrefix, job.mailbox, {
      created: outcome.created, duplicates: outcome.duplicates, deadLettered: outcome.deadLettered + failures.length, expired: outcome.expired,
    });
  }

  // Replayed files belong to no mailbox: there is no watermark to move.
  let committed = -1;
  if (job.files === undefined) {
    const watermark = new Watermark(deps.redis, deps.keyPrefix, { account: job.account, mailbox: job.mailbox });
    committed = await watermark.report(job.uidvalidity, batchInterval(job));
  }
  if (committed >= 0) deps.events?.committed?.(job.account, job.mailbox, committed);
  return {
    created: outcome.created,
    duplicates: outcome.duplicates,
    deadLettered: outcome.deadLettered,
    expired: outcome.expired,
    parseFailures: failures.length,
    committed,
  };
}
