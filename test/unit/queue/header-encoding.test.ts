// Header bytes travel on jobs as latin1 strings (one character per byte); jobs queued by an older collector
// carry base64 and no `headerEncoding`. Both must give the worker the same bytes, hence the same documents.
import { readFileSync } from 'node:fs';
import type { Redis } from 'ioredis';
import { describe, expect, it } from 'vitest';
import type { ParsedMessage } from '../../../src/document/types.js';
import { decodeHeaderBytes, encodeHeaderBytes, HEADER_ENCODING, type MessageBatchJob } from '../../../src/queue/message-batch.js';
import { toFetched } from '../../../src/replay/queue-target.js';
import { processBatch } from '../../../workers/process-batch.js';

// Every byte value, including NUL, CR/LF, quotes, backslash and the 8-bit range that is not valid UTF-8.
const allBytes = Uint8Array.from({ length: 256 }, (_, i) => i);
const fixture = new Uint8Array(readFileSync(new URL('../../fixtures/kaspersky/ksmg-2.1.1-mime-part-infected.eml', import.meta.url)));
const eightBit = new TextEncoder().encode('Subject: caf\u00e9 \u65e5\u672c\r\nX-Latin1: ');
const withEightBitHeaders = Buffer.concat([eightBit, Buffer.from([0xe9, 0xff, 0x0d, 0x0a]), fixture]);

/** The job as a worker receives it: through JSON, as BullMQ stores it in Redis. */
const viaRedis = (job: MessageBatchJob): MessageBatchJob => JSON.parse(JSON.stringify(job)) as MessageBatchJob;

/** What an older collector enqueued: the same message with base64 strings and no headerEncoding. */
function asBase64Job(job: MessageBatchJob): MessageBatchJob {
  const { headerEncoding, ...rest } = job;
  const b64 = (s: string): string => decodeHeaderBytes(s, headerEncoding).toString('base64');
  return { ...rest, messages: job.messages.map((m) => ({ ...m, headers: b64(m.headers), parts: m.parts.map((p) => ({ ...p, headers: b64(p.headers) })) })) };
}

const replayTally = { multi: () => { const tx = { hincrby: () => tx, expire: () => tx, exec: async () => [] }; return tx; } };

async function indexedBy(job: MessageBatchJob): Promise<{ docs: ParsedMessage[]; raw: (string | Uint8Array | undefined)[] }> {
  const docs: ParsedMessage[] = [];
  const raw: (string | Uint8Array | undefined)[] = [];
  const sink = {
    indexBatch: async (batch: readonly ParsedMessage[], context?: { rawHeaders?: ReadonlyMap<string, string | Uint8Array> }) => {
      docs.push(...batch);
      for (const m of batch) raw.push(context?.rawHeaders?.get(m.id));
      return { created: batch.length, duplicates: 0, deadLettered: 0, expired: 0, results: [] };
    },
    deadLetterParseFailures: async () => undefined,
  };
  await processBatch(job, { sink: sink as never, redis: replayTally as unknown as Redis, keyPrefix: 'unused' });
  return { docs, raw };
}

describe('header encoding on jobs', () => {
  it('latin1 round-trips every byte value through JSON', () => {
    expect(HEADER_ENCODING).toBe('latin1');
    const text = JSON.parse(JSON.stringify(encodeHeaderBytes(allBytes))) as string;
    expect(text).toHaveLength(256);
    expect([...decodeHeaderBytes(text, 'latin1')]).toEqual([...allBytes]);
  });

  it('a job without headerEncoding is read as base64 (older collectors)', () => {
    expect([...decodeHeaderBytes(Buffer.from(allBytes).toString('base64'), undefined)]).toEqual([...allBytes]);
    expect([...decodeHeaderBytes(Buffer.from(allBytes).toString('base64'), 'base64')]).toEqual([...allBytes]);
  });

  it('is smaller than base64 in the job JSON for a real header block', () => {
    const fetched = toFetched({ raw: fixture, path: 'x.eml', index: 0 }, 1);
    const latin1 = JSON.stringify(fetched.headers).length;
    const base64 = JSON.stringify(decodeHeaderBytes(fetched.headers, 'latin1').toString('base64')).length;
    expect(latin1).toBeLessThan(base64 * 0.8);
  });

  it('the worker indexes the same documents and raw headers from a latin1 job and from an old base64 job', async () => {
    const messages = [toFetched({ raw: fixture, path: 'a.eml', index: 0 }, 1), toFetched({ raw: withEightBitHeaders, path: 'b.eml', index: 1 }, 2)];
    expect(messages[0]?.parts.length).toBeGreaterThan(0);
    const job: MessageBatchJob = { account: 'replay', mailbox: 'run-1', uidvalidity: 0, messages, headerEncoding: HEADER_ENCODING, files: ['a.eml', 'b.eml'] };
    const now = await indexedBy(viaRedis(job));
    const old = await indexedBy(viaRedis(asBase64Job(job)));
    expect(now.docs).toHaveLength(2);
    const stable = (d: ParsedMessage) => ({ ...d, document: { ...d.document, event: { ...d.document.event, created: undefined } } });
    expect(old.docs.map(stable)).toEqual(now.docs.map(stable));
    expect(now.docs[1]?.document.email.subject).toBe('caf\u00e9 \u65e5\u672c');
    const prefix = withEightBitHeaders.subarray(0, eightBit.length + 4);
    expect(Buffer.from(now.raw[1] as Uint8Array).subarray(0, prefix.length)).toEqual(prefix);
    expect(old.raw.map((r) => Buffer.from(r as Uint8Array))).toEqual(now.raw.map((r) => Buffer.from(r as Uint8Array)));
  });
});
