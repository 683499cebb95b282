// What became of messages, counted where a person looks: those not indexed because they are older than the
// retention window per mailbox in its state hash (`mailverdict status`); and every outcome of a replay run
// (indexed, already indexed, dead-lettered, expired) in a short-lived hash that `mailverdict replay` reads for
// its live progress and its summary while the workers process its jobs. A batch retried after its counts were
// written is counted again: the tally is a progress report, the index is the record.
import type { RedisClient } from '../queue/connection.js';
import { mailboxKeys, type MailboxRef } from './mailbox-keys.js';

/** Replay tallies outlive any replay that waits for its jobs, and then go away by themselves. */
const REPLAY_TALLY_TTL_SECONDS = 7 * 24 * 3600;

export function replayTallyKey(prefix: string, runId: string): string {
  return `${prefix}:replay:{${encodeURIComponent(runId)}}:tally`;
}

/** Adds `count` to the mailbox's `expired` counter (shown by `status`). */
export async function addExpiredToMailbox(redis: RedisClient, prefix: string, ref: MailboxRef, count: number): Promise<void> {
  if (count > 0) await redis.hincrby(mailboxKeys(prefix, ref).state, 'expired', count);
}

export interface ReplayOutcomes {
  created: number;
  duplicates: number;
  deadLettered: number;
  expired: number;
}

const OUTCOME_FIELDS = ['created', 'duplicates', 'deadLettered', 'expired'] as const;

/** Adds a batch's outcomes to its replay run's counters. */
export async function addReplayOutcomes(redis: RedisClient, prefix: string, runId: string, outcomes: ReplayOutcomes): Promise<void> {
  const key = replayTallyKey(prefix, runId);
  const tx = redis.multi();
  for (const field of OUTCOME_FIELDS) if (outcomes[field] > 0) tx.hincrby(key, field, outcomes[field]);
  await tx.expire(key, REPLAY_TALLY_TTL_SECONDS).exec();
}

/** A replay run's counters so far (0 where nothing was recorded). */
export async function readReplayOutcomes(redis: RedisClient, prefix: string, runId: string): Promise<ReplayOutcomes> {
  const values = await redis.hmget(replayTallyKey(prefix, runId), ...OUTCOME_FIELDS);
  const n = (i: number): number => {
    const value = Number(values[i] ?? 0);
    return Number.isFinite(value) ? value : 0;
  };
  return { created: n(0), duplicates: n(1), deadLettered: n(2), expired: n(3) };
}
