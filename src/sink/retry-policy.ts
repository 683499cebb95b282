// What to do with each bulk item and each failed bulk request, and how long to wait before retrying.
// The rule (docs/principles.md 1): an error that is the document's fault is final (dead letter); anything that is
// the cluster's state (overload, restart, closed or read-only index, missing credentials) is retried and
// in the end surfaces as a TransientIndexError, so the job is retried later and nothing is lost.
import { errors } from '@elastic/elasticsearch';
import { errors as openSearchErrors } from '@opensearch-project/opensearch';
import { statusCodeOf } from './errors.js';

export type ItemOutcome = 'created' | 'duplicate' | 'retry' | 'reject';

/** Error types that are not the document's fault even when their status is 4xx. */
const NOT_THE_DOCUMENTS_FAULT = new Set([
  'es_rejected_execution_exception',
  'circuit_breaking_exception',
  'cluster_block_exception',
  'index_closed_exception',
  'index_not_found_exception',
  'unavailable_shards_exception',
  'no_shard_available_action_exception',
  'node_not_connected_exception',
  'node_closed_exception',
  'primary_missing_action_exception',
  'process_cluster_event_timeout_exception',
  'receive_timeout_transport_exception',
  'security_exception',
]);

/** One bulk item's status and error type → what to do with the document. */
export function classifyItem(status: number, errorType?: string): ItemOutcome {
  if (status >= 200 && status < 300) return 'created';
  // create of an existing _id: the message is already indexed, which is success.
  if (status === 409) return 'duplicate';
  if (errorType !== undefined && NOT_THE_DOCUMENTS_FAULT.has(errorType)) return 'retry';
  if (status === 401 || status === 403 || status === 404 || status === 408 || status === 429 || status >= 500) {
    return 'retry';
  }
  return 'reject';
}

export type RequestFailure = 'retry' | 'split' | 'fatal';

/** A whole bulk request failed: retry it, split it (413: too large), or give up at once. */
export function classifyRequestError(err: unknown): RequestFailure {
  if (
    err instanceof errors.ConnectionError ||
    err instanceof errors.TimeoutError ||
    err instanceof errors.NoLivingConnectionsError ||
    err instanceof errors.DeserializationError ||
    err instanceof openSearchErrors.ConnectionError ||
    err instanceof openSearchErrors.TimeoutError ||
    err instanceof openSearchErrors.NoLivingConnectionsError ||
    err instanceof openSearchErrors.DeserializationError
  ) {
    return 'retry';
  }
  const status = statusCodeOf(err);
  if (status === undefined) return 'fatal';
  if (status === 413) return 'split';
  if (status === 408 || status === 429 || status >= 500) return 'retry';
  return 'fatal';
}

/**
 * Exponential backoff with jitter: the n-th retry (0-based) waits between half and all of
 * base·2ⁿ, capped at max. Half-jitter keeps a floor so a retry never fires right away.
 */
export function backoffDelayMs(retry: number, baseMs: number, maxMs: number, random: () => number = Math.random): number {
  const exp = Math.min(baseMs * 2 ** Math.min(retry, 30), maxMs);
  return Math.max(0, Math.round(exp / 2 + random() * (exp / 2)));
}
