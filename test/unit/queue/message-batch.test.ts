import { describe, expect, it } from 'vitest';
import { batchInterval, batchJobId, type MessageBatchJob } from '../../../src/queue/message-batch.js';
import { batchBackoffMs, batchJobOptions } from '../../../src/queue/job-options.js';

const job = (over: Partial<MessageBatchJob> = {}): MessageBatchJob => ({
  account: 'acct', mailbox: 'INBOX', uidvalidity: 7,
  messages: [{ uid: 5, headers: '', parts: [] }, { uid: 9, headers: '', parts: [] }],
  ...over,
});

describe('batchJobId', () => {
  it('is deterministic and independent of payload', () => {
    const a = batchJobId(job());
    const b = batchJobId(job({ messages: [{ uid: 9, headers: 'x', parts: [] }, { uid: 5, headers: 'y', parts: [] }] }));
    expect(a).toBe(b);
    expect(a).toMatch(/-7-5-9$/);
  });

  it('differs by account, mailbox, uidvalidity and uid range', () => {
    const base = batchJobId(job());
    expect(batchJobId(job({ account: 'other' }))).not.toBe(base);
    expect(batchJobId(job({ mailbox: 'Junk' }))).not.toBe(base);
    expect(batchJobId(job({ uidvalidity: 8 }))).not.toBe(base);
    expect(batchJobId(job({ messages: [{ uid: 5, headers: '', parts: [] }] }))).not.toBe(base);
  });

  it('has no colon even when names do (BullMQ forbids it)', () => {
    const id = batchJobId(job({ account: 'a:b', mailbox: 'x:y:z' }));
    expect(id).not.toContain(':');
    // "a:b" + "c" and "a" + "b:c" must not collide
    expect(batchJobId(job({ account: 'a', mailbox: 'b\0c' }))).not.toBe(batchJobId(job({ account: 'a\0b', mailbox: 'c' })));
  });
});

describe('batchInterval', () => {
  it('covers (fromUid, last uid]', () => {
    expect(batchInterval(job({ fromUid: 2 }))).toEqual({ lo: 2, hi: 9 });
  });
  it('falls back to just below the first uid without fromUid', () => {
    expect(batchInterval(job())).toEqual({ lo: 4, hi: 9 });
  });
});

describe('batch job options', () => {
  it('keeps retrying with a capped backoff', () => {
    const options = batchJobOptions('id-1');
    expect(options.jobId).toBe('id-1');
    expect(options.attempts).toBeGreaterThan(1000);
    expect(batchBackoffMs(1, () => 0.5)).toBe(1000);
    expect(batchBackoffMs(3, () => 0.5)).toBe(4000);
    expect(batchBackoffMs(50, () => 0.5)).toBe(60_000);
    expect(batchBackoffMs(50, () => 1)).toBeLessThanOrEqual(72_000);
  });
});
