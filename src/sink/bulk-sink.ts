// Writes parsed messages to Elasticsearch with the bulk API (docs/principles.md 1, 2, 5):
// - `create` with _id = message id into the month of the message's own @timestamp; 409 = already indexed = success;
// - a document Elasticsearch refuses goes to `<prefix>-deadletter` (reason, raw headers, the document as text);
// - a message whose month lies before the retention window is not written (the retention task would delete
//   it, unseen): it is counted as `expired`, so callers can say so, and the caller's watermark still moves;
// - overload, restarts and connection loss are retried with backoff; if they outlast the retries a
//   TransientIndexError tells the caller to retry the whole batch later, which is harmless because of create + _id.
import { setTimeout as sleep } from 'node:timers/promises';
import type { SearchStore } from './search-store.js';
import { buildDeadLetter, buildParseFailureLetter, describeItemError, parseFailureId, type ParseFailure, type Rejection } from './dead-letter.js';
import { IndexRequestError, SinkError, TransientIndexError, errorTypeOf, statusCodeOf } from './errors.js';
import { deadLetterIndexName, indexTarget } from './index-name.js';
import { indexExpired } from './retention.js';
import { backoffDelayMs, classifyItem, classifyRequestError } from './retry-policy.js';
import { sinkConfig, type SinkConfig, type SinkConfigInput } from './sink-config.js';
import { splitBySize } from './split-by-size.js';

/** What the sink writes: a document and its deterministic `_id` (message documents and log documents alike). */
export interface IndexableDocument {
  id: string;
  document: object;
}

export interface BatchContext {
  /** Raw header block by message id, kept on dead letters. Bytes are decoded only for a dead letter,
   * never for the documents that index fine (the common case). */
  rawHeaders?: ReadonlyMap<string, string | Uint8Array>;
}

export type DocumentOutcome = 'created' | 'duplicate' | 'dead_lettered' | 'expired';

export interface DocumentResult {
  id: string;
  outcome: DocumentOutcome;
  /** The index the document was written to (or meant for, when dead-lettered or expired). */
  index: string;
  /** Why Elasticsearch refused it (dead letters only). */
  reason?: string;
}

export interface BatchOutcome {
  created: number;
  duplicates: number;
  deadLettered: number;
  /** Not written: older than the retention window (`elasticsearch.retentionMonths`). */
  expired: number;
  /** Bulk requests re-sent after a transient failure (for the retries metric). */
  retries: number;
  /** One per input message, in input order. */
  results: DocumentResult[];
}

export interface RetryEvent {
  /** 1 for the first retry. */
  retry: number;
  delayMs: number;
  /** Documents being re-sent. */
  pending: number;
  errorType: string;
  statusCode?: number;
}

export interface BulkSinkOptions {
  retryBaseDelayMs?: number;
  retryMaxDelayMs?: number;
  /** Clock for event.ingested and dead letters (tests). */
  now?: () => Date;
  random?: () => number;
  onRetry?: (event: RetryEvent) => void;
}

interface Op {
  pos: number;
  id: string;
  index: string;
  lines: [string, string];
  bytes: number;
}

interface OpResult {
  outcome: 'created' | 'duplicate' | 'reject';
  status: number;
  error?: unknown;
}

interface Failure {
  errorType: string;
  statusCode?: number;
  cause?: unknown;
}

const BULK_FILTER = 'items.*.status,items.*.error';
// Elasticsearch refuses `_id`s over 512 bytes; such an id cannot be used for the dead letter either.
const MAX_ID_BYTES = 512;

export class BulkSink {
  private readonly config: SinkConfig;
  private readonly baseDelayMs: number;
  private readonly maxDelayMs: number;

  constructor(
    private readonly client: SearchStore,
    config: SinkConfigInput,
    private readonly options: BulkSinkOptions = {},
  ) {
    this.config = sinkConfig(config);
    this.baseDelayMs = options.retryBaseDelayMs ?? this.config.retryBaseDelayMs ?? 500;
    this.maxDelayMs = options.retryMaxDelayMs ?? this.config.retryMaxDelayMs ?? 30_000;
  }

  /**
   * Index one batch. Resolves when every message is created, already present, or dead-lettered;
   * throws TransientIndexError when Elasticsearch stayed unavailable through all retries, and
   * IndexRequestError when it refused the request as such (e.g. 401/403).
   */
  async indexBatch(messages: readonly IndexableDocument[], context: BatchContext = {}): Promise<BatchOutcome> {
    const now = this.options.now?.() ?? new Date();
    const counter = { retries: 0 };
    const results: (DocumentResult | undefined)[] = new Array<DocumentResult | undefined>(messages.length);
    const ops: Op[] = [];
    const rejected: { rejection: Rejection; pos: number; documentJson?: string; source?: unknown }[] = [];

    messages.forEach((message, pos) => {
      const prepared = this.prepare(message, pos, now);
      if ('op' in prepared) ops.push(prepared.op);
      else if ('expired' in prepared) results[pos] = prepared.expired;
      else rejected.push({ rejection: prepared.rejection, pos, source: sourceOf(message) });
    });

    const written = await this.write(ops, counter);
    for (const op of ops) {
      const result = written.get(op);
      if (result === undefined) throw new IndexRequestError('bulk response did not cover every document', { meta: { index: op.index } });
      if (result.outcome === 'reject') {
        const described = describeItemError(result.error);
        rejected.push({
          rejection: { id: op.id, index: op.index, status: result.status, ...described },
          pos: op.pos,
          documentJson: op.lines[1],
          source: sourceOf(messages[op.pos]),
        });
      } else {
        results[op.pos] = { id: op.id, outcome: result.outcome, index: op.index };
      }
    }

    if (rejected.length > 0) await this.deadLetter(rejected, context, now, counter, results);

    const outcome: BatchOutcome = { created: 0, duplicates: 0, deadLettered: 0, expired: 0, retries: counter.retries, results: [] };
    for (const result of results) {
      if (result === undefined) throw new IndexRequestError('a document got no outcome');
      outcome.results.push(result);
      if (result.outcome === 'created') outcome.created++;
      else if (result.outcome === 'duplicate') outcome.duplicates++;
      else if (result.outcome === 'expired') outcome.expired++;
      else outcome.deadLettered++;
    }
    return outcome;
  }

  /**
   * Dead-letters messages whose parsing threw, with the same retries as indexBatch: resolves when each is
   * written (or was already, from an earlier try of the batch); throws like indexBatch otherwise.
   */
  async deadLetterParseFailures(failures: readonly ParseFailure[]): Promise<void> {
    if (failures.length === 0) return;
    const now = this.options.now?.() ?? new Date();
    const index = deadLetterIndexName(this.config.indexPrefix);
    const ops = failures.map((f, pos) => this.deadLetterOp(pos, parseFailureId(f.headerBytes), index, buildParseFailureLetter(f, now)));
    const written = await this.write(ops, { retries: 0 });
    for (const op of ops) {
      const result = written.get(op);
      if (result === undefined || result.outcome === 'reject') {
        throw new SinkError('dead_letter_rejected', `the dead-letter index ${index} refused a parse failure`, {
          meta: { index, statusCode: result?.status ?? 0, errorType: describeItemError(result?.error).errorType },
        });
      }
    }
  }

  /**
   * The create operation for one message, a rejection when it cannot even be serialized, or `expired` when
   * its month is one the retention task deletes.
   */
  private prepare(message: IndexableDocument, pos: number, now: Date): { op: Op } | { rejection: Rejection } | { expired: DocumentResult } {
    const doc = message.document as unknown as Record<string, unknown>;
    const target = indexTarget(doc['@timestamp'], this.config.indexPrefix);
    const id = message.id;
    if (indexExpired(target.index, this.config.indexPrefix, this.config.retentionMonths, now)) {
      return { expired: { id, outcome: 'expired', index: target.index } };
    }
    const ingested = now.toISOString();
    const reject = (errorType: string, reason: string): { rejection: Rejection } => ({
      rejection: { id, index: target.index, status: 0, errorType, reason, message: `${errorType}: ${reason}` },
    });
    if (typeof id !== 'string' || id.length === 0 || Buffer.byteLength(id) > MAX_ID_BYTES) {
      return reject('invalid_document_id', 'the message id must be a non-empty string of at most 512 bytes');
    }
    const sent: Record<string, unknown> = { ...doc, event: { ...asRecord(doc['event']), ingested } };
    if (target.warning !== undefined) addFallbackWarning(sent, target.warning);
    let json: string;
    try {
      json = JSON.stringify(sent);
    } catch (err) {
      return reject('serialization_error', err instanceof Error ? err.message : String(err));
    }
    const action = JSON.stringify({ create: { _index: target.index, _id: id } });
    return { op: { pos, id, index: target.index, lines: [action, json], bytes: Buffer.byteLength(action) + Buffer.byteLength(json) + 2 } };
  }

  private async deadLetter(
    rejected: { rejection: Rejection; pos: number; documentJson?: string; source?: unknown }[],
    context: BatchContext,
    now: Date,
    counter: { retries: number },
    results: (DocumentResult | undefined)[],
  ): Promise<void> {
    const index = deadLetterIndexName(this.config.indexPrefix);
    const full = rejected.map((r) => {
      const rawHeaders = rawHeaderText(context.rawHeaders?.get(r.rejection.id));
      const letter = buildDeadLetter(r.rejection, {
        now,
        ...(r.documentJson === undefined ? {} : { documentJson: r.documentJson }),
        ...(r.source === undefined ? {} : { source: r.source }),
        ...(rawHeaders === undefined ? {} : { rawHeaders }),
      });
      return this.deadLetterOp(r.pos, r.rejection.id, index, letter);
    });
    const written = await this.write(full, counter);

    // A dead letter refused itself (e.g. 413: the document is too large even for the dead-letter index):
    // send it again without the document, raw headers and source, so at least the id and reason are kept.
    const retry: Op[] = [];
    for (const [i, op] of full.entries()) {
      if (written.get(op)?.outcome !== 'reject') continue;
      const r = rejected[i];
      if (r === undefined) continue;
      const first = describeItemError(written.get(op)?.error);
      const letter = buildDeadLetter(
        { ...r.rejection, message: `${r.rejection.message}; full dead letter refused: ${first.message}` },
        { now },
      );
      retry.push(this.deadLetterOp(op.pos, op.id, index, letter));
    }
    const rewritten = retry.length > 0 ? await this.write(retry, counter) : new Map<Op, OpResult>();
    for (const op of retry) {
      const result = rewritten.get(op);
      if (result === undefined || result.outcome === 'reject') {
        throw new SinkError('dead_letter_rejected', `the dead-letter index ${index} refused a document`, {
          meta: { index, statusCode: result?.status ?? 0, errorType: describeItemError(result?.error).errorType },
        });
      }
    }
    for (const r of rejected) {
      results[r.pos] = { id: r.rejection.id, outcome: 'dead_lettered', index: r.rejection.index, reason: r.rejection.reason };
    }
  }

  private deadLetterOp(pos: number, id: string, index: string, letter: object): Op {
    // Same _id as the message: a message dead-lettered again (batch retried) is not doubled.
    const usableId = id.length > 0 && Buffer.byteLength(id) <= MAX_ID_BYTES;
    const action = JSON.stringify({ create: usableId ? { _index: index, _id: id } : { _index: index } });
    const json = JSON.stringify(letter);
    return { pos, id, index, lines: [action, json], bytes: Buffer.byteLength(action) + Buffer.byteLength(json) + 2 };
  }

  private async write(ops: Op[], counter: { retries: number }): Promise<Map<Op, OpResult>> {
    const out = new Map<Op, OpResult>();
    const chunks = splitBySize(ops, (op) => op.bytes, this.config.bulkMaxDocs, this.config.bulkMaxBytes);
    for (const chunk of chunks) await this.writeChunk(chunk, out, counter);
    return out;
  }

  /** One bulk request with its retries; settles every op of the chunk in `out` or throws. */
  private async writeChunk(chunk: Op[], out: Map<Op, OpResult>, counter: { retries: number }): Promise<void> {
    let pending = chunk;
    for (let attempt = 0; ; attempt++) {
      let retry: Op[] = [];
      let failure: Failure = { errorType: 'unknown' };
      try {
        // Retries are ours (with backoff), not the transport's (immediate).
        const response = await this.client.bulk(
          { operations: pending.flatMap((op) => op.lines), filter_path: BULK_FILTER },
          { maxRetries: 0 },
        );
        const items = response.items ?? [];
        if (items.length !== pending.length) {
          throw new IndexRequestError(`bulk response has ${items.length} items for ${pending.length} documents`, {
            meta: { pending: pending.length },
          });
        }
        for (const [i, item] of items.entries()) {
          const op = pending[i] as Op;
          const result = item.create ?? Object.values(item)[0];
          const status = result?.status ?? 0;
          const errorType = result?.error?.type;
          const outcome = classifyItem(status, errorType);
          if (outcome === 'retry') {
            retry.push(op);
            failure = { errorType: errorType ?? `status_${status}`, statusCode: status };
          } else {
            out.set(op, result?.error === undefined ? { outcome, status } : { outcome, status, error: result.error });
          }
        }
      } catch (err) {
        if (err instanceof SinkError) throw err;
        const kind = classifyRequestError(err);
        const statusCode = statusCodeOf(err);
        if (kind === 'split') {
          await this.splitTooLarge(pending, out, counter);
          return;
        }
        if (kind === 'fatal') {
          throw new IndexRequestError(`Elasticsearch refused the bulk request: ${errorTypeOf(err)}`, {
            meta: { ...(statusCode === undefined ? {} : { statusCode }), errorType: errorTypeOf(err), pending: pending.length },
            cause: err,
          });
        }
        retry = pending;
        failure = { errorType: errorTypeOf(err), ...(statusCode === undefined ? {} : { statusCode }), cause: err };
      }
      if (retry.length === 0) return;
      if (attempt >= this.config.maxRetries) {
        throw new TransientIndexError(
          `Elasticsearch did not accept ${retry.length} document(s) after ${attempt + 1} attempt(s): ${failure.errorType}`,
          {
            meta: {
              attempts: attempt + 1,
              pending: retry.length,
              errorType: failure.errorType,
              ...(failure.statusCode === undefined ? {} : { statusCode: failure.statusCode }),
              index: (retry[0] as Op).index,
            },
            cause: failure.cause,
          },
        );
      }
      const delayMs = backoffDelayMs(attempt, this.baseDelayMs, this.maxDelayMs, this.options.random);
      counter.retries++;
      this.options.onRetry?.({
        retry: attempt + 1,
        delayMs,
        pending: retry.length,
        errorType: failure.errorType,
        ...(failure.statusCode === undefined ? {} : { statusCode: failure.statusCode }),
      });
      await sleep(delayMs);
      pending = retry;
    }
  }

  /** 413: the request is too large for the cluster; halve it, and a single document that is too large is refused. */
  private async splitTooLarge(pending: Op[], out: Map<Op, OpResult>, counter: { retries: number }): Promise<void> {
    if (pending.length === 1) {
      const op = pending[0] as Op;
      out.set(op, {
        outcome: 'reject',
        status: 413,
        error: { type: 'request_entity_too_large', reason: `document of ${op.bytes} bytes is larger than Elasticsearch accepts` },
      });
      return;
    }
    const half = Math.ceil(pending.length / 2);
    await this.writeChunk(pending.slice(0, half), out, counter);
    await this.writeChunk(pending.slice(half), out, counter);
  }
}

function addFallbackWarning(doc: Record<string, unknown>, warning: string): void {
  const mv = asRecord(doc['mailverdict']);
  const parse = asRecord(mv?.['parse']);
  if (mv !== undefined && parse !== undefined) {
    const warnings = Array.isArray(parse['warnings']) ? parse['warnings'] : [];
    doc['mailverdict'] = { ...mv, parse: { ...parse, warnings: [...warnings, warning] } };
  }
  // The strict date mapping would refuse the unusable value (it is kept in the warning): use when it was read,
  // as the parser does when a message has no date at all. A valid date from an odd year stays as it is.
  if (!warning.startsWith('index_fallback:year_out_of_range')) {
    const created = asRecord(doc['event'])?.['created'];
    if (typeof created === 'string' && Number.isFinite(Date.parse(created))) doc['@timestamp'] = created;
    else delete doc['@timestamp'];
  }
}

function sourceOf(message: IndexableDocument | undefined): unknown {
  return asRecord(asRecord(message?.document)?.['mailverdict'])?.['origin'];
}

function asRecord(value: unknown): Record<string, unknown> | undefined {
  return typeof value === 'object' && value !== null && !Array.isArray(value) ? (value as Record<string, unknown>) : undefined;
}

/** Dead letters keep at most this much of a header block (the template stores it unindexed). */
const MAX_RAW_HEADER_BYTES = 256 * 1024;

function rawHeaderText(raw: string | Uint8Array | undefined): string | undefined {
  if (raw === undefined || typeof raw === 'string') return raw;
  return Buffer.from(raw.buffer, raw.byteOffset, Math.min(raw.byteLength, MAX_RAW_HEADER_BYTES)).toString('latin1');
}
