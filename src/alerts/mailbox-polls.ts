// Where the silent-collector rule learns when each mailbox was last polled successfully: the collector's
// per-mailbox status hash in Redis (src/mailbox-state/mailbox-status.ts), field `lastPollAt`.
import type { RedisClient } from '../queue/connection.js';
import { readMailboxStatuses } from '../mailbox-state/mailbox-status.js';
import type { MailboxPoll } from './evaluate-silence.js';

export type MailboxPollReader = () => Promise<MailboxPoll[]>;

export interface WatchedMailbox {
  account: string;
  mailbox: string;
}

/**
 * Configured mailboxes joined with what the collectors reported. A configured mailbox no collector ever
 * reported on is listed with no last success (it is exactly the silent case); without a configured list,
 * every reported mailbox is watched.
 */
export function redisMailboxPollReader(redis: RedisClient, keyPrefix: string, watched: readonly WatchedMailbox[]): MailboxPollReader {
  return async () => {
    const statuses = await readMailboxStatuses(redis, keyPrefix);
    const byKey = new Map(statuses.map((s) => [`${s.account}\u0000${s.mailbox}`, s]));
    const list = watched.length > 0 ? watched : statuses.map((s) => ({ account: s.account, mailbox: s.mailbox }));
    return list.map((m) => {
      const at = byKey.get(`${m.account}\u0000${m.mailbox}`)?.lastPollAt;
      const parsed = at === undefined ? Number.NaN : Date.parse(at);
      return { account: m.account, mailbox: m.mailbox, lastSuccessAt: Number.isFinite(parsed) ? new Date(parsed) : undefined };
    });
  };
}
