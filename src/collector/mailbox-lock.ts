// Per-mailbox lock in Redis so any number of collectors can run and each mailbox is read by exactly one
// (docs/principles.md 4). SET NX PX with a random token; renewed by compare-and-pexpire; released by
// compare-and-del, so a collector never extends or deletes a lock another one holds.
import { randomBytes } from 'node:crypto';
import type { RedisClient } from '../queue/connection.js';

const RENEW_SCRIPT = `
if redis.call('GET', KEYS[1]) == ARGV[1] then return redis.call('PEXPIRE', KEYS[1], ARGV[2]) end
return 0
`;
const RELEASE_SCRIPT = `
if redis.call('GET', KEYS[1]) == ARGV[1] then return redis.call('DEL', KEYS[1]) end
return 0
`;

export interface MailboxLockOptions {
  /** Lock lifetime; a collector that dies loses the mailbox after this long. */
  ttlMs?: number;
  /** How often the holder renews (default ttl/3, so two renewals may fail before expiry). */
  renewEveryMs?: number;
  /** Called once when the lock is lost (renewal found another token, or renewals failed past the TTL). */
  onLost?: (reason: string) => void;
}

export class MailboxLock {
  readonly token = randomBytes(16).toString('hex');
  private timer: NodeJS.Timeout | undefined;
  private held = false;
  private lastRenewedAt = 0;
  private readonly ttlMs: number;
  private readonly renewEveryMs: number;

  constructor(
    private readonly redis: RedisClient,
    readonly key: string,
    private readonly options: MailboxLockOptions = {},
  ) {
    this.ttlMs = options.ttlMs ?? 30_000;
    this.renewEveryMs = options.renewEveryMs ?? Math.max(100, Math.floor(this.ttlMs / 3));
  }

  get isHeld(): boolean {
    return this.held;
  }

  /** Tries once; true when this collector now holds the mailbox (and renewal runs). */
  async acquire(): Promise<boolean> {
    if (this.held) return true;
    const ok = await this.redis.set(this.key, this.token, 'PX', this.ttlMs, 'NX');
    if (ok !== 'OK') return false;
    this.held = true;
    this.lastRenewedAt = Date.now();
    this.timer = setInterval(() => void this.renew(), this.renewEveryMs);
    this.timer.unref();
    return true;
  }

  /** One renewal; on failure the lock is dropped (and onLost called) once it can no longer be ours. */
  async renew(): Promise<boolean> {
    if (!this.held) return false;
    try {
      const out = await this.redis.eval(RENEW_SCRIPT, 1, this.key, this.token, String(this.ttlMs));
      if (Number(out) === 1) {
        this.lastRenewedAt = Date.now();
        return true;
      }
      this.lose('taken');
      return false;
    } catch {
      // Redis unreachable: the key may still be ours, but not after the TTL has surely run out.
      if (Date.now() - this.lastRenewedAt >= this.ttlMs) this.lose('renewal_failed');
      return false;
    }
  }

  /** Releases the lock if still ours (shutdown). */
  async release(): Promise<void> {
    this.stopTimer();
    if (!this.held) return;
    this.held = false;
    await this.redis.eval(RELEASE_SCRIPT, 1, this.key, this.token).catch(() => undefined);
  }

  private lose(reason: string): void {
    if (!this.held) return;
    this.held = false;
    this.stopTimer();
    this.options.onLost?.(reason);
  }

  private stopTimer(): void {
    if (this.timer !== undefined) clearInterval(this.timer);
    this.timer = undefined;
  }
}
