// The worker side of gateway logs: a batch of raw lines → log documents → bulk index. Lines that are not
// events are counted by family and kind (returned, and reported to metrics); multi-part events are assembled
// through Redis. A TransientIndexError (Elasticsearch away) fails the job so BullMQ retries it; a retried
// batch is harmless (create + deterministic _id).
import type { RedisClient } from '../src/queue/connection.js';
import type { ParsedLogEvent } from '../src/document/log-document.js';
import { parseLogInput, parseLogParts, type LogInput, type LogResult } from '../src/parse/parse-log.js';
import { decodeLogLine, type LogBatchJob, type QueuedLogLine } from '../src/queue/log-batch.js';
import type { HeaderEncoding } from '../src/queue/message-batch.js';
import type { BatchOutcome, BulkSink } from '../src/sink/bulk-sink.js';
import { LogPartStore } from './log-part-store.js';

export interface LogBatchEvents {
  /** Per batch: event documents built, and non-event lines by "family/kind". */
  logParsed?(events: number, others: ReadonlyMap<string, number>): void;
  logIndexed?(outcome: BatchOutcome): void;
}

export interface ProcessLogBatchDeps {
  sink: Pick<BulkSink, 'indexBatch'>;
  redis: RedisClient;
  keyPrefix: string;
  events?: LogBatchEvents | undefined;
}

export interface ProcessLogBatchResult {
  lines: number;
  created: number;
  duplicates: number;
  deadLettered: number;
  /** Non-event lines by "family/kind". */
  others: Record<string, number>;
  /** Parts stored to wait for the rest of their event. */
  partsWaiting: number;
}

/** A part waiting in Redis keeps its line with the encoding of the job it came in (absent: base64). */
interface StoredPart extends QueuedLogLine {
  encoding?: HeaderEncoding;
}

function toInput(line: QueuedLogLine, encoding: HeaderEncoding | undefined): LogInput {
  const now = new Date(line.receivedAt);
  return {
    raw: decodeLogLine(line.raw, encoding),
    peer: line.peer,
    file: line.file,
    now: Number.isNaN(now.getTime()) ? new Date() : now,
  };
}

function partInput(payload: string): LogInput {
  const part = JSON.parse(payload) as StoredPart;
  return toInput(part, part.encoding);
}

export async function processLogBatch(job: LogBatchJob, deps: ProcessLogBatchDeps): Promise<ProcessLogBatchResult> {
  const docs: ParsedLogEvent[] = [];
  const raw = new Map<string, string>();
  const others = new Map<string, number>();
  const parts = new LogPartStore(deps.redis, deps.keyPrefix);
  let partsWaiting = 0;
  const take = (result: LogResult, original: string): void => {
    if (result.type === 'event') {
      docs.push(result.parsed);
      raw.set(result.parsed.id, original);
    } else if (result.type === 'other') {
      const key = `${result.family}/${result.kind}`;
      others.set(key, (others.get(key) ?? 0) + 1);
    }
  };
  for (const line of job.lines ?? []) {
    const input = toInput(line, job.encoding);
    const result = parseLogInput(input);
    if (result.type !== 'part') {
      take(result, result.type === 'event' ? result.parsed.document.event.original : '');
      continue;
    }
    const stored: StoredPart = job.encoding === undefined ? line : { ...line, encoding: job.encoding };
    const complete = await parts.add(result.key, result.part, result.total, JSON.stringify(stored));
    if (complete === undefined) {
      partsWaiting++;
      continue;
    }
    const inputs = [...complete].map(([part, payload]) => ({ part, input: partInput(payload) }));
    const assembled = parseLogParts(result.family, inputs);
    take(assembled, assembled.type === 'event' ? assembled.parsed.document.event.original : '');
  }
  deps.events?.logParsed?.(docs.length, others);
  const outcome = await deps.sink.indexBatch(docs, { rawHeaders: raw });
  deps.events?.logIndexed?.(outcome);
  return {
    lines: job.lines?.length ?? 0,
    created: outcome.created,
    duplicates: outcome.duplicates,
    deadLettered: outcome.deadLettered,
    others: Object.fromEntries(others),
    partsWaiting,
  };
}
