// The configured gateway travels on the job (MessageBatchJob.gateway) to the parser; a job queued before the
// field existed has none and parses by the attribution rule alone.
import { readFileSync } from 'node:fs';
import { describe, expect, it } from 'vitest';
import type { Redis } from 'ioredis';
import type { ParsedMessage } from '../../../src/document/types.js';
import { toFetched } from '../../../src/replay/queue-target.js';
import { HEADER_ENCODING, type MessageBatchJob } from '../../../src/queue/message-batch.js';
import { processBatch } from '../../../workers/process-batch.js';

const eml = new URL('../../fixtures/multi-gateway/klms-sa-rspamd-clamav.eml', import.meta.url);

/** The replay run's outcome counters are written in one transaction; nothing here reads them. */
const replayTally = { multi: () => { const tx = { hincrby: () => tx, expire: () => tx, exec: async () => [] }; return tx; } };

async function topGatewayOf(job: MessageBatchJob, internalDomains?: string[]): Promise<ParsedMessage['document']> {
  const indexed: ParsedMessage[] = [];
  const sink = { indexBatch: async (batch: readonly ParsedMessage[]) => { indexed.push(...batch); return { created: batch.length, duplicates: 0, deadLettered: 0 }; } };
  await processBatch(job, {
    sink: sink as never, redis: replayTally as unknown as Redis, keyPrefix: 'unused', internalDomains,
  });
  expect(indexed).toHaveLength(1);
  return (indexed[0] as ParsedMessage).document;
}

function job(extra: Partial<MessageBatchJob> = {}): MessageBatchJob {
  const raw = new Uint8Array(readFileSync(eml));
  return { account: 'replay', mailbox: 'run-1', uidvalidity: 0, messages: [toFetched({ raw, path: 'x.eml', index: 0 }, 1)], headerEncoding: HEADER_ENCODING, files: ['x.eml'], ...extra };
}

describe('MessageBatchJob.gateway', () => {
  it('a job from an older collector (no gateway field) parses by the attribution rule', async () => {
    expect((await topGatewayOf(job())).mailverdict.gateway).toBe('rspamd');
  });

  it('the job\'s gateway makes that gateway the top level; internal domains set email.direction', async () => {
    const doc = await topGatewayOf(job({ gateway: { id: 'klms', hostname: 'ignored-when-the-trace-names-it.example' } }), ['example.org']);
    expect(doc.mailverdict.gateway).toBe('klms');
    expect(doc.observer?.hostname).toBe('klms.example.org');
    expect(doc.email.direction).toBe('inbound');
  });
});
