// Dead letters for messages whose parsing threw (a bug: parsing is built never to throw). The message
// must not be lost, so it goes to the dead-letter index with the error and its raw headers, with a
// create on a deterministic id so a retried batch does not write it twice. Elasticsearch being away
// makes this throw TransientIndexError, like the sink, so the batch is retried.
import type { Client } from '@elastic/elasticsearch';
import { documentId } from '../src/document/document-id.js';
import type { SourceInfo } from '../src/document/types.js';
import { TransientIndexError } from '../src/sink/errors.js';
import { deadLetterIndexName } from '../src/sink/index-name.js';

export interface ParseFailure {
  headerBytes: Buffer;
  source: SourceInfo;
  error: unknown;
}

const MAX_RAW_HEADERS = 256 * 1024;

export function parseFailureId(headerBytes: Buffer): string {
  return `parse-${documentId(headerBytes)}`;
}

export function parseFailureLetter(failure: ParseFailure, now: Date): Record<string, unknown> {
  const err = failure.error;
  const type = err instanceof Error ? err.name : typeof err;
  const message = (err instanceof Error ? err.message : String(err)).slice(0, 8000);
  return {
    '@timestamp': now.toISOString(),
    stage: 'parsing',
    reason: `parse failed: ${message}`.slice(0, 1000),
    status: 0,
    error: { type, message },
    document_id: documentId(failure.headerBytes),
    index: '',
    source: failure.source,
    raw_headers: failure.headerBytes.subarray(0, MAX_RAW_HEADERS).toString('latin1'),
  };
}

export async function deadLetterParseFailures(client: Client, indexPrefix: string, failures: readonly ParseFailure[], now = new Date()): Promise<void> {
  if (failures.length === 0) return;
  const index = deadLetterIndexName(indexPrefix);
  const operations: unknown[] = [];
  for (const f of failures) {
    operations.push({ create: { _index: index, _id: parseFailureId(f.headerBytes) } }, parseFailureLetter(f, now));
  }
  let response;
  try {
    response = await client.bulk({ operations, filter_path: 'errors,items.*.status,items.*.error' });
  } catch (error) {
    throw new TransientIndexError('dead-lettering parse failures failed', { cause: error });
  }
  if (!response.errors) return;
  for (const item of response.items ?? []) {
    const result = item.create;
    if (result === undefined || result.status === 409) continue;
    if (result.status >= 300) throw new TransientIndexError(`dead-lettering parse failures failed with status ${result.status}`, { meta: { statusCode: result.status, index } });
  }
}
