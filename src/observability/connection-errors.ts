// Errors of connections that heal by themselves — ioredis clients reconnecting, BullMQ queues and workers
// riding on them — are neither swallowed nor logged per retry: every one is counted (mailverdict_errors_total
// by stage and bounded code), and one line is logged per episode, i.e. for the first error of a source after
// it was fine (a 'ready' again, or a quiet period). An outage gives one line, not one per reconnect.
import type { Stage } from './metrics.js';

export interface ConnectionErrorReport {
  stage: Stage;
  /** What failed, e.g. "redis" or "queue": bounded, from the code. */
  source: string;
  code: string;
  /** One line without secrets (the caller's `describe`). */
  message: string;
  /** Errors of the previous episode of this source that were counted but not reported. */
  suppressed: number;
}

export interface ConnectionErrorsOptions {
  /** Called for the first error of an episode. */
  report(event: ConnectionErrorReport): void;
  /** Called for every error. */
  count?(stage: Stage, code: string): void;
  /** Called once when a source that had an episode is ready again. */
  recovered?(source: string, errors: number): void;
  /** Without errors for this long, the next error starts a new episode. @default 60000 */
  quietMs?: number;
  now?: () => number;
}

interface Episode {
  lastAt: number;
  errors: number;
  open: boolean;
}

export class ConnectionErrors {
  private readonly episodes = new Map<string, Episode>();

  constructor(private readonly options: ConnectionErrorsOptions) {}

  /** An 'error' listener for one connection. `describe` turns the error into a secret-free line. */
  listener(stage: Stage, source: string, describe: (error: unknown) => string = defaultDescribe): (error: unknown) => void {
    return (error) => this.record(stage, source, error, describe);
  }

  /** The connection of `source` works again: the episode ends. */
  ready(source: string): void {
    const episode = this.episodes.get(source);
    if (episode === undefined || !episode.open) return;
    episode.open = false;
    this.options.recovered?.(source, episode.errors);
  }

  private record(stage: Stage, source: string, error: unknown, describe: (error: unknown) => string): void {
    const code = errorCode(error);
    this.options.count?.(stage, code);
    const now = (this.options.now ?? Date.now)();
    const quietMs = this.options.quietMs ?? 60_000;
    let episode = this.episodes.get(source);
    if (episode === undefined) {
      episode = { lastAt: now, errors: 0, open: false };
      this.episodes.set(source, episode);
    }
    const startsEpisode = !episode.open || now - episode.lastAt > quietMs;
    const suppressed = startsEpisode ? Math.max(0, episode.errors - 1) : 0;
    if (startsEpisode) {
      episode.open = true;
      episode.errors = 0;
    }
    episode.errors++;
    episode.lastAt = now;
    if (startsEpisode) this.options.report({ stage, source, code, message: describe(error), suppressed });
  }
}

/** A bounded label value: the error's code (ECONNREFUSED…), an auth failure, or its class name. */
export function errorCode(error: unknown): string {
  const e = error as { code?: unknown; name?: unknown; message?: unknown } | null;
  const message = typeof e?.message === 'string' ? e.message : '';
  if (/WRONGPASS|NOAUTH|invalid password|invalid username-password/i.test(message)) return 'redis_auth';
  const code = typeof e?.code === 'string' ? e.code : typeof e?.name === 'string' ? e.name : 'other';
  return /^[A-Za-z0-9_]{1,40}$/.test(code) ? code : 'other';
}

function defaultDescribe(error: unknown): string {
  return `connection error (${errorCode(error)})`;
}
