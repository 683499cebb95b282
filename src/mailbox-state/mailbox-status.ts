// Per-mailbox status kept in the mailbox's Redis state hash, so `mailverdict status` and the alerter
// can read what every collector is doing without talking to it. Error text stored here is a bounded
// code plus a short message that never contains credentials.
import type { RedisClient } from '../queue/connection.js';
import { mailboxIndexKey, mailboxKeys, type MailboxRef } from './mailbox-keys.js';

export type CollectorPhase = 'connecting' | 'backfill' | 'waiting' | 'backpressure' | 'error' | 'stopped' | 'locked_elsewhere';

export interface MailboxStatusUpdate {
  phase?: CollectorPhase;
  lastSeenUid?: number;
  /** Messages in the mailbox above the last UID read (not yet enqueued). */
  backlog?: number;
  lastError?: string;
  lastErrorAt?: string;
  lastPollAt?: string;
  /** When a session last connected and opened the mailbox (a last error before it is recovered). */
  connectedAt?: string;
  collector?: string;
}

export interface MailboxStatus extends MailboxRef {
  uidvalidity?: number;
  committed?: number;
  postCommitted?: number;
  phase?: string;
  lastSeenUid?: number;
  backlog?: number;
  /** Messages not indexed because they are older than the retention window (counted by the workers). */
  expired?: number;
  lastError?: string;
  lastErrorAt?: string;
  /** Set with lastError: whether a session connected after it (the error is history, not the present). */
  lastErrorRecovered?: boolean;
  connectedAt?: string;
  lastPollAt?: string;
  collector?: string;
}

export async function writeMailboxStatus(redis: RedisClient, prefix: string, ref: MailboxRef, update: MailboxStatusUpdate): Promise<void> {
  const fields: Record<string, string> = { account: ref.account, mailbox: ref.mailbox };
  for (const [k, v] of Object.entries(update)) if (v !== undefined) fields[k] = String(v);
  const key = mailboxKeys(prefix, ref).state;
  // Two commands: the index is another Redis Cluster slot.
  await redis.hset(key, fields);
  await redis.sadd(mailboxIndexKey(prefix), key);
}

const NUMERIC = ['uidvalidity', 'committed', 'postCommitted', 'lastSeenUid', 'backlog', 'expired'] as const;
const TEXT = ['phase', 'lastError', 'lastErrorAt', 'connectedAt', 'lastPollAt', 'collector'] as const;

export function statusFromHash(hash: Record<string, string>): MailboxStatus | undefined {
  const account = hash['account'];
  const mailbox = hash['mailbox'];
  if (account === undefined || mailbox === undefined) return undefined;
  const out: MailboxStatus = { account, mailbox };
  for (const k of NUMERIC) {
    const v = hash[k];
    if (v !== undefined && v !== '' && Number.isFinite(Number(v))) out[k] = Number(v);
  }
  for (const k of TEXT) {
    const v = hash[k];
    if (v !== undefined) out[k] = v;
  }
  if (out.lastError !== undefined) {
    // Both are ISO-8601 UTC strings of the same shape, so they compare as text.
    out.lastErrorRecovered = out.connectedAt !== undefined && out.connectedAt > (out.lastErrorAt ?? '');
  }
  return out;
}

/**
 * Every mailbox any collector of this key prefix has reported on. One read per mailbox (sent together, not
 * one pipeline): each mailbox's state is in its own Redis Cluster slot, and a cluster refuses a pipeline or
 * transaction across slots. A mailbox whose read fails is left out; the others are still shown.
 */
export async function readMailboxStatuses(redis: RedisClient, prefix: string): Promise<MailboxStatus[]> {
  const keys = (await redis.smembers(mailboxIndexKey(prefix))).sort();
  const hashes = await Promise.all(keys.map((k) => redis.hgetall(k).catch(() => undefined)));
  const out: MailboxStatus[] = [];
  for (const hash of hashes) {
    const status = hash === undefined ? undefined : statusFromHash(hash);
    if (status !== undefined) out.push(status);
  }
  return out;
}
