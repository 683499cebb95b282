// Parts of multi-part log events, kept in Redis until all have arrived: parts of one event may travel in
// different batches and be handled by different workers. Adding a part and reading a complete set is one Lua
// script, so exactly one add sees the set complete. The set is kept (with a TTL) rather than deleted: if the
// batch that completed it is retried, the event is assembled again into the same document (same _id), never lost.
import { createHash } from 'node:crypto';
import type { RedisClient } from '../src/queue/connection.js';

const ADD_PART = `
redis.call('HSET', KEYS[1], ARGV[1], ARGV[2])
redis.call('PEXPIRE', KEYS[1], ARGV[4])
if redis.call('HLEN', KEYS[1]) >= tonumber(ARGV[3]) then return redis.call('HGETALL', KEYS[1]) end
return false
`;

/** How long an incomplete event waits for its other parts. */
export const PART_TTL_MS = 60 * 60 * 1000;

export class LogPartStore {
  constructor(private readonly redis: RedisClient, private readonly keyPrefix: string, private readonly ttlMs = PART_TTL_MS) {}

  private key(eventKey: string): string {
    return `${this.keyPrefix}:log-parts:${createHash('sha256').update(eventKey).digest('hex').slice(0, 40)}`;
  }

  /** Stores one part; when this completes the event, returns every part's payload by part number. */
  async add(eventKey: string, part: number, total: number, payload: string): Promise<Map<number, string> | undefined> {
    const reply = await this.redis.eval(ADD_PART, 1, this.key(eventKey), String(part), payload, String(total), String(this.ttlMs)) as string[] | null;
    if (reply === null || !Array.isArray(reply)) return undefined;
    const parts = new Map<number, string>();
    for (let i = 0; i + 1 < reply.length; i += 2) parts.set(Number(reply[i]), reply[i + 1] as string);
    return parts;
  }
}
