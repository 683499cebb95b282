// The collector puts the mailbox's configured gateway (its own, else the account's) on every job it enqueues.
import { describe, expect, it } from 'vitest';
import type { Redis } from 'ioredis';
import type { AccountSettings, MailboxSettings } from '../../../src/collector/account-settings.js';
import { MailboxReader } from '../../../src/collector/mailbox-reader.js';
import type { FetchedMessage, MessageBatchJob } from '../../../src/queue/message-batch.js';

async function enqueuedJob(account: Partial<AccountSettings>, mailbox: MailboxSettings): Promise<MessageBatchJob> {
  const jobs: MessageBatchJob[] = [];
  const reader = new MailboxReader(
    {
      account: { id: 'q', host: 'imap.example.org', port: 993, tls: 'implicit', user: 'q', password: 'x', mailboxes: [mailbox], ...account },
      mailbox, batch: { maxMessages: 10, maxBytes: 1_000_000 }, maxWaitingJobs: 10, collectorId: 'c1',
    } as never,
    { redis: {} as Redis, keyPrefix: 'p', enqueue: async (job) => void jobs.push(job), waitingJobs: async () => 0 },
  );
  const message: FetchedMessage = { uid: 5, headers: Buffer.from('Subject: x\r\n\r\n').toString('base64'), parts: [] };
  // The one place a job is built (private: the reader's read loop calls it after each FETCH batch).
  await (reader as unknown as { enqueue(uidvalidity: number, m: FetchedMessage[]): Promise<void> }).enqueue(7, [message]);
  expect(jobs).toHaveLength(1);
  return jobs[0] as MessageBatchJob;
}

describe('collector jobs carry the configured gateway', () => {
  it('the mailbox\'s own gateway, else the account\'s, else none', async () => {
    expect((await enqueuedJob({ gateway: { id: 'ksmg' } }, { path: 'INBOX' })).gateway).toEqual({ id: 'ksmg' });
    expect((await enqueuedJob({ gateway: { id: 'ksmg' } }, { path: 'Amavis', gateway: { id: 'amavis', hostname: 'mail.example.org' } })).gateway)
      .toEqual({ id: 'amavis', hostname: 'mail.example.org' });
    const plain = await enqueuedJob({}, { path: 'INBOX' });
    expect(plain.gateway).toBeUndefined();
    expect(plain).toMatchObject({ account: 'q', mailbox: 'INBOX', uidvalidity: 7, headerEncoding: 'latin1' });
  });
});
