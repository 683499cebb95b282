// How batch jobs are retried. A batch fails only on transient trouble (Elasticsearch or Redis away):
// per-message problems are dead-lettered, never thrown. So a job is retried for as long as it takes,
// with capped exponential backoff, rather than parked in the failed set where its deterministic id
// would block the same batch from being enqueued again.
import type { JobsOptions } from 'bullmq';

export const BATCH_BACKOFF_TYPE = 'mailverdict-capped';
export const BATCH_BACKOFF_BASE_MS = 1_000;
export const BATCH_BACKOFF_MAX_MS = 60_000;

/** Delay before retry number `attemptsMade` (1-based): 1 s, 2 s, 4 s … capped at 60 s, ±20 %. */
export function batchBackoffMs(attemptsMade: number, random: () => number = Math.random): number {
  const exp = Math.min(BATCH_BACKOFF_MAX_MS, BATCH_BACKOFF_BASE_MS * 2 ** Math.max(0, Math.min(attemptsMade - 1, 16)));
  return Math.round(exp * (0.8 + 0.4 * random()));
}

export function batchJobOptions(jobId: string): JobsOptions {
  return {
    jobId,
    attempts: 1_000_000,
    backoff: { type: BATCH_BACKOFF_TYPE },
    // Completed batches leave Redis (the watermark remembers them); a re-read batch is enqueued anew.
    removeOnComplete: true,
    removeOnFail: false,
  };
}
