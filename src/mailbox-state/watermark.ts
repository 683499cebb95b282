// The committed watermark of a mailbox: the highest UID such that every UID at or below it that was
// enqueued is indexed (docs/principles.md 1). Batches cover UID intervals (lo, hi] that the collector
// reads contiguously; workers report finished intervals, and the watermark advances only while the
// finished intervals touch it. Each interval is merged once, so a report costs O(intervals merged).
import type { RedisClient } from '../queue/connection.js';
import { mailboxIndexKey, mailboxKeys, type MailboxKeys, type MailboxRef } from './mailbox-keys.js';

export interface UidInterval {
  lo: number;
  hi: number;
}

/**
 * The pure merge the Lua script performs: intervals whose lo ≤ committed extend it; the rest wait.
 * Exported for unit tests and as the reference for the script.
 */
export function advanceWatermark(committed: number, intervals: readonly UidInterval[]): { committed: number; pending: UidInterval[] } {
  const sorted = [...intervals].sort((a, b) => a.lo - b.lo);
  let w = committed;
  const pending: UidInterval[] = [];
  for (const it of sorted) {
    if (it.hi <= w) continue; // already covered
    if (it.lo <= w) w = it.hi;
    else pending.push(it);
  }
  // Intervals are sorted by lo, so one pass suffices: a later interval cannot enable an earlier one.
  return { committed: w, pending };
}

// KEYS: state, done. ARGV: uidvalidity, lo, hi. Returns the new committed watermark, or -1 when the
// mailbox's current UIDVALIDITY is another one (a stale batch: its report must not count).
const REPORT_SCRIPT = `
local v = redis.call('HGET', KEYS[1], 'uidvalidity')
if v ~= ARGV[1] then return -1 end
local w = tonumber(redis.call('HGET', KEYS[1], 'committed') or '0')
local lo = tonumber(ARGV[2])
local hi = tonumber(ARGV[3])
if hi > w then redis.call('ZADD', KEYS[2], lo, lo .. '-' .. hi) end
while true do
  local items = redis.call('ZRANGEBYSCORE', KEYS[2], '-inf', w, 'LIMIT', 0, 500)
  if #items == 0 then break end
  for _, item in ipairs(items) do
    local dash = string.find(item, '-', 1, true)
    local h = tonumber(string.sub(item, dash + 1))
    if h > w then w = h end
  end
  redis.call('ZREM', KEYS[2], unpack(items))
end
redis.call('HSET', KEYS[1], 'committed', w)
return w
`;

// KEYS: state, done. ARGV: uidvalidity. Returns {committed, reset(0|1)}.
const OPEN_SCRIPT = `
local v = redis.call('HGET', KEYS[1], 'uidvalidity')
if v ~= ARGV[1] then
  redis.call('DEL', KEYS[2])
  redis.call('HSET', KEYS[1], 'uidvalidity', ARGV[1], 'committed', 0, 'postCommitted', 0)
  return {0, 1}
end
return {tonumber(redis.call('HGET', KEYS[1], 'committed') or '0'), 0}
`;

export interface WatermarkState {
  uidvalidity: number;
  committed: number;
  postCommitted: number;
}

export class Watermark {
  readonly keys: MailboxKeys;

  constructor(
    private readonly redis: RedisClient,
    private readonly prefix: string,
    readonly ref: MailboxRef,
  ) {
    this.keys = mailboxKeys(prefix, ref);
  }

  /**
   * Called when the collector opens the mailbox: returns the committed UID for this UIDVALIDITY. A
   * different UIDVALIDITY than the stored one starts a new watermark at 0 (every UID means another
   * message now; re-reading is harmless since document ids do not depend on UIDs).
   */
  async open(uidvalidity: number): Promise<{ committed: number; reset: boolean }> {
    // The index is another Redis Cluster slot, hence a separate command.
    await this.redis.sadd(mailboxIndexKey(this.prefix), this.keys.state);
    const out = (await this.redis.eval(OPEN_SCRIPT, 2, this.keys.state, this.keys.done, String(uidvalidity))) as [number, number];
    return { committed: Number(out[0]), reset: Number(out[1]) === 1 };
  }

  /** Records that every message in (lo, hi] is indexed; returns the committed UID, or -1 if stale. */
  async report(uidvalidity: number, interval: UidInterval): Promise<number> {
    const out = await this.redis.eval(REPORT_SCRIPT, 2, this.keys.state, this.keys.done,
      String(uidvalidity), String(interval.lo), String(interval.hi));
    return Number(out);
  }

  /** The stored state, or undefined when it is missing (never opened, or Redis was emptied). */
  async read(): Promise<WatermarkState | undefined> {
    const [v, c, p] = await this.redis.hmget(this.keys.state, 'uidvalidity', 'committed', 'postCommitted');
    if (v === null || v === undefined) return undefined;
    return { uidvalidity: Number(v), committed: Number(c ?? 0), postCommitted: Number(p ?? 0) };
  }

  /** Moves the post-commit position forward (only ever up to `committed`, for the current UIDVALIDITY). */
  async setPostCommitted(uidvalidity: number, uid: number): Promise<boolean> {
    const out = await this.redis.eval(`
local v = redis.call('HGET', KEYS[1], 'uidvalidity')
if v ~= ARGV[1] then return 0 end
local c = tonumber(redis.call('HGET', KEYS[1], 'committed') or '0')
local n = tonumber(ARGV[2])
if n > c then n = c end
local p = tonumber(redis.call('HGET', KEYS[1], 'postCommitted') or '0')
if n > p then redis.call('HSET', KEYS[1], 'postCommitted', n) end
return 1
`, 1, this.keys.state, String(uidvalidity), String(uid));
    return Number(out) === 1;
  }
}
