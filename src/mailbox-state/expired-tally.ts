// Messages not indexed because they are older than the retention window, counted where a person looks:
// per mailbox in its state hash (`mailverdict status`), and per replay run in a short-lived hash that
// `mailverdict replay` reads for its summary once the workers are done with its jobs.
import type { Redis } from 'ioredis';
import { mailboxKeys, type MailboxRef } from './mailbox-keys.js';

/** Replay tallies outlive any replay that waits for its jobs, and then go away by themselves. */
const REPLAY_TALLY_TTL_SECONDS = 7 * 24 * 3600;

export function replayTallyKey(prefix: string, runId: string): string {
  return `${prefix}:replay:{${encodeURIComponent(runId)}}:tally`;
}

/** Adds `count` to the mailbox's `expired` counter (shown by `status`). */
export async function addExpiredToMailbox(redis: Redis, prefix: string, ref: MailboxRef, count: number): Promise<void> {
  if (count > 0) await redis.hincrby(mailboxKeys(prefix, ref).state, 'expired', count);
}

/** Adds `count` to a replay run's `expired` counter. */
export async function addExpiredToReplay(redis: Redis, prefix: string, runId: string, count: number): Promise<void> {
  if (count <= 0) return;
  const key = replayTallyKey(prefix, runId);
  await redis.multi().hincrby(key, 'expired', count).expire(key, REPLAY_TALLY_TTL_SECONDS).exec();
}

/** A replay run's `expired` count so far (0 when none was recorded). */
export async function readReplayExpired(redis: Redis, prefix: string, runId: string): Promise<number> {
  const value = Number(await redis.hget(replayTallyKey(prefix, runId), 'expired'));
  return Number.isFinite(value) ? value : 0;
}
