// A Redis Cluster runs a command, transaction, pipeline or Lua script only when all its keys hash to one slot
// (CROSSSLOT otherwise). This runs the real state code of one mailbox, one replay run and one multi-part log
// event against a client that records the keys of every command and of every MULTI/pipeline as one
// operation, and checks each stays in one slot; and computes the slots of every key of the BullMQ queue.
import calculateSlot from 'cluster-key-slot';
import { QueueKeys } from 'bullmq';
import { describe, expect, it } from 'vitest';
import { MailboxLock } from '../../../src/collector/mailbox-lock.js';
import { mailboxIndexKey, mailboxKeys } from '../../../src/mailbox-state/mailbox-keys.js';
import { readMailboxStatuses, writeMailboxStatus } from '../../../src/mailbox-state/mailbox-status.js';
import { addExpiredToMailbox, addReplayOutcomes, readReplayOutcomes } from '../../../src/mailbox-state/outcome-tally.js';
import { Watermark } from '../../../src/mailbox-state/watermark.js';
import type { RedisClient } from '../../../src/queue/connection.js';
import { queuePrefix, stateKeyPrefix } from '../../../src/queue/queue-names.js';
import { LogPartStore } from '../../../workers/log-part-store.js';

interface Operation {
  what: string;
  keys: string[];
}

/** Where the keys are in each command this code sends (a command missing here fails the test: add it). */
const KEYS_OF: Record<string, (args: unknown[]) => string[]> = {
  eval: (args) => args.slice(2, 2 + Number(args[1])).map(String),
  get: (args) => [String(args[0])],
  set: (args) => [String(args[0])],
  hset: (args) => [String(args[0])],
  hgetall: (args) => [String(args[0])],
  hmget: (args) => [String(args[0])],
  hincrby: (args) => [String(args[0])],
  expire: (args) => [String(args[0])],
  sadd: (args) => [String(args[0])],
  smembers: (args) => [String(args[0])],
};

/** Plausible replies, enough for the code paths to go on. */
function reply(command: string, recorder: Recorder): unknown {
  switch (command) {
    case 'eval': return [0, 0];
    case 'set': return 'OK';
    case 'hmget': return [null, null, null, null];
    case 'hgetall': return {};
    case 'smembers': return [...recorder.indexed];
    default: return 1;
  }
}

class Recorder {
  readonly operations: Operation[] = [];
  readonly indexed = new Set<string>();

  private keysOf(command: string, args: unknown[]): string[] {
    const keys = KEYS_OF[command];
    if (keys === undefined) throw new Error(`the slot test does not know where the keys of ${command.toUpperCase()} are`);
    return keys(args);
  }

  /** A client whose commands are recorded: each plain command is one operation, a multi or pipeline another. */
  client(): RedisClient {
    const batch = (what: string): unknown => {
      const keys: string[] = [];
      const chain: Record<string, unknown> = new Proxy({}, {
        get: (_, name: string) => {
          if (name === 'exec') {
            return async () => {
              this.operations.push({ what, keys });
              return [];
            };
          }
          return (...args: unknown[]) => {
            keys.push(...this.keysOf(name, args));
            return chain;
          };
        },
      });
      return chain;
    };
    return new Proxy({}, {
      get: (_, name: string) => {
        if (name === 'multi' || name === 'pipeline') return () => batch(name.toUpperCase());
        if (name === 'then') return undefined;
        return async (...args: unknown[]) => {
          const keys = this.keysOf(name, args);
          if (name === 'sadd') for (const member of args.slice(1)) this.indexed.add(String(member));
          this.operations.push({ what: name.toUpperCase(), keys });
          return reply(name, this);
        };
      },
    }) as RedisClient;
  }

  /** Operations whose keys are in more than one slot. */
  crossSlot(): Operation[] {
    return this.operations.filter((op) => new Set(op.keys.map((k) => calculateSlot(k))).size > 1);
  }
}

const prefix = 'mv-test';
const ref = { account: 'quarantine', mailbox: 'Spam/{odd} name' };

describe('Redis Cluster hash slots', () => {
  it('keeps every operation on one mailbox\'s state in one slot', async () => {
    const recorder = new Recorder();
    const redis = recorder.client();
    const watermark = new Watermark(redis, prefix, ref);
    await watermark.open(7);
    await watermark.report(7, { lo: 0, hi: 10 });
    await watermark.read();
    await watermark.setPostCommitted(7, 10);
    const lock = new MailboxLock(redis, mailboxKeys(prefix, ref).lock, { ttlMs: 60_000 });
    await lock.acquire();
    await lock.renew();
    await lock.release();
    await writeMailboxStatus(redis, prefix, ref, { phase: 'waiting', lastSeenUid: 10 });
    await writeMailboxStatus(redis, prefix, { account: 'other', mailbox: 'INBOX' }, { phase: 'waiting' });
    await addExpiredToMailbox(redis, prefix, ref, 2);
    expect(await readMailboxStatuses(redis, prefix)).toEqual([]);
    await addReplayOutcomes(redis, prefix, 'run-1', { created: 1, duplicates: 2, deadLettered: 0, expired: 3 });
    await readReplayOutcomes(redis, prefix, 'run-1');
    await new LogPartStore(redis, prefix).add('gw1|event-7', 1, 2, 'part one');

    const multiKey = recorder.operations.filter((op) => op.keys.length > 1).map((op) => op.what);
    // The watermark scripts (state + done) and the replay tally transaction are the multi-key operations.
    expect(multiKey).toEqual(['EVAL', 'EVAL', 'MULTI']);
    expect(recorder.crossSlot()).toEqual([]);
    // Two mailboxes' states were read by two commands, not by one pipeline across their slots.
    expect(recorder.operations.filter((op) => op.what === 'HGETALL').map((op) => op.keys.length)).toEqual([1, 1]);
  });

  it('gives each mailbox its own slot, apart from the index of mailboxes', () => {
    const keys = mailboxKeys(prefix, ref);
    const slot = calculateSlot(keys.state);
    expect([calculateSlot(keys.done), calculateSlot(keys.lock)]).toEqual([slot, slot]);
    expect(calculateSlot(mailboxKeys(prefix, { account: 'quarantine', mailbox: 'INBOX' }).state)).not.toBe(slot);
    expect(calculateSlot(mailboxIndexKey(prefix))).not.toBe(slot);
  });

  it('puts every key of the queue in one slot on a cluster, and keeps the bare prefix elsewhere', () => {
    const onCluster = { redis: { keyPrefix: prefix, cluster: ['redis://127.0.0.1:7000'] }, queue: { name: 'mailverdict-messages' } };
    const single = { redis: { keyPrefix: prefix, url: 'redis://127.0.0.1:6379' }, queue: onCluster.queue };
    const sentinel = { redis: { keyPrefix: prefix, sentinels: ['127.0.0.1:26379'], name: 'mymaster' }, queue: onCluster.queue };
    expect([queuePrefix(onCluster), queuePrefix(single), queuePrefix(sentinel)]).toEqual([`{${prefix}}`, prefix, prefix]);
    expect(stateKeyPrefix(onCluster)).toBe(prefix);

    const queueKeys = (p: string): string[] => {
      const keys = new QueueKeys(p);
      // The queue's own keys, a job's hash, its lock and logs, and its dependency sets.
      return [...Object.values(keys.getKeys(onCluster.queue.name)), ...['job-1', 'job-1:lock', 'job-1:logs', 'job-1:dependencies'].map((t) => keys.toKey(onCluster.queue.name, t))];
    };
    expect(new Set(queueKeys(queuePrefix(onCluster)).map((k) => calculateSlot(k))).size).toBe(1);
    // Without the hash tag BullMQ's scripts would span slots: the reason for it.
    expect(new Set(queueKeys(prefix).map((k) => calculateSlot(k))).size).toBeGreaterThan(1);
  });
});
