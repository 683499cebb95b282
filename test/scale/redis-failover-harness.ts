// Failover of the Redis that holds the queue, during a backfill through real `mailverdict collect` and
// `mailverdict work` processes: the local Redis Cluster or Sentinel setup of scripts/services.d is started
// (idempotently, repairing what an earlier run killed), messages are seeded in Dovecot, and once documents
// arrive the master holding the queue is killed with SIGKILL. Asked of the pipeline: every message indexed
// exactly once, nothing dead-lettered, after the servers promoted a replica on their own.
import { execFileSync } from 'node:child_process';
import { fileURLToPath } from 'node:url';
import { Redis, type Cluster } from 'ioredis';
import { createRedis, type RedisClient, type RedisSettings } from '../../src/queue/connection.js';
import { readMailboxStatuses, type MailboxStatus } from '../../src/mailbox-state/mailbox-status.js';
import {
  createFaultCase, generateMessages, idsOf, MvProcess, runMv, waitFor,
  type AccountSpec, type FaultCase, type ImapUserName,
} from '../integration/process-harness.js';

const SCRIPT = fileURLToPath(new URL('../../scripts/services', import.meta.url));

export interface Address { host: string; port: number }

export const addressText = (a: Address): string => `${a.host}:${a.port}`;

/** What differs between a Redis Cluster and a Sentinel setup, for one test's key prefix and queue. */
export interface RedisTopologyUnderTest {
  /** The scripts/services name: `start <server>` brings it up or repairs it. */
  server: 'redis-cluster' | 'redis-sentinel';
  /** The `redis` section of the product's configuration (without keyPrefix). */
  location(env: Record<string, string>): RedisSettings;
  /** The master holding the queue's keys now. */
  queueMaster(client: RedisClient, queueKey: string): Promise<Address>;
  /** Waits until another server is the master of the queue's keys, and returns it. */
  promotedAfter(killed: Address, queueKey: string): Promise<Address>;
}

/** `scripts/services start <server>`: idempotent, and it restarts killed servers (as replicas). Returns its ms. */
export function startServer(server: string): number {
  const started = Date.now();
  execFileSync(SCRIPT, ['start', server], { stdio: 'inherit', timeout: 240_000 });
  return Date.now() - started;
}

export function servicesEnv(): Record<string, string> {
  const env: Record<string, string> = {};
  for (const line of execFileSync(SCRIPT, ['env'], { encoding: 'utf8' }).split('\n')) {
    const eq = line.indexOf('=');
    if (eq > 0) env[line.slice(0, eq)] = line.slice(eq + 1);
  }
  return env;
}

/** A plain connection to one server or sentinel: one attempt, no retries (the address may be a dead one). */
export function connectTo(at: Address): Redis {
  const client = new Redis({ host: at.host, port: at.port, maxRetriesPerRequest: 0, retryStrategy: () => null, connectTimeout: 2_000 });
  client.on('error', () => undefined);
  return client;
}

/** Runs one command on a fresh connection and closes it. */
export async function ask<T>(at: Address, command: (client: Redis) => Promise<T>): Promise<T> {
  const client = connectTo(at);
  try {
    return await command(client);
  } finally {
    client.disconnect();
  }
}

/** The pid of the redis-server at an address, from its own INFO (the servers are ours, on loopback). */
export async function serverPid(at: Address): Promise<number> {
  const client = connectTo(at);
  try {
    const info = await client.info('server');
    const pid = Number(/process_id:(\d+)/.exec(info)?.[1]);
    if (!Number.isInteger(pid) || pid <= 0) throw new Error(`no process_id in INFO of ${addressText(at)}`);
    return pid;
  } finally {
    client.disconnect();
  }
}

export interface FailoverRun {
  messages: number;
  killed: Address;
  killedPid: number;
  killedAt: Date;
  documentsAtKill: number;
  promoted: Address;
  promotedAt: Date;
  doneAt: Date;
}

// Two accounts with three mailboxes each (the benchmarks append their large mailboxes to bob's, and a
// mailbox create waits for the list lock a long APPEND run holds).
const ACCOUNTS: { id: string; user: ImapUserName }[] = [
  { id: 'quarantine', user: 'quarantine' },
  { id: 'alice', user: 'alice' },
];
const BOXES_PER_ACCOUNT = 3;

/**
 * Runs one failover: `messages` spread over three mailboxes of each of two accounts, two collectors and three
 * workers; SIGKILL to the queue's master once a tenth of the documents is indexed; waits for every mailbox to
 * be committed and the index to hold every message. Throws (with what it saw) when that does not happen.
 */
export async function backfillThroughFailover(
  topology: RedisTopologyUnderTest,
  options: { tag: string; messages: number },
  log: (line: string) => void,
): Promise<{ fc: FaultCase; run: FailoverRun; expected: string[]; cleanup: () => Promise<void> }> {
  const env = servicesEnv();
  const fc = await createFaultCase(options.tag);
  const settings: RedisSettings = { ...topology.location(env), keyPrefix: fc.keyPrefix };
  const client = createRedis(settings, 'command');
  const cleanup = async (): Promise<void> => {
    await fc.cleanup();
    client.disconnect();
    // A client made now knows the masters after the failover (the first one may still list the killed one).
    const fresh = createRedis(settings, 'command');
    try {
      await fresh.ping();
      for (const pattern of [`${fc.keyPrefix}:*`, `{${fc.keyPrefix}}:*`]) await deleteKeysOnMasters(fresh, pattern);
    } finally {
      fresh.disconnect();
    }
  };
  try {
    const boxCount = ACCOUNTS.length * BOXES_PER_ACCOUNT;
    const perBox = Math.ceil(options.messages / boxCount);
    const generated = generateMessages(perBox * boxCount, options.tag);
    const specs: AccountSpec[] = [];
    let next = 0;
    for (const a of ACCOUNTS) {
      const boxes: string[] = [];
      for (let i = 1; i <= BOXES_PER_ACCOUNT; i++) boxes.push(await fc.mailbox(a.user, `${a.id}${i}`));
      for (const box of boxes) await fc.append(a.user, box, generated.slice(next, next += perBox).map((m) => m.raw), 6);
      specs.push({ id: a.id, user: a.user, mailboxes: boxes, batchSize: 100 });
    }
    const expected = idsOf(generated);
    const config = fc.baseConfig(specs, { queue: { batchMaxMessages: 25, maxWaitingJobs: 20 }, worker: { concurrency: 2 } });
    config['redis'] = settings;
    const file = fc.writeConfig(config);
    const setup = await runMv(['setup', '-c', file], { timeoutMs: 120_000 });
    if (setup.code !== 0) throw new Error(`setup failed (${setup.code}): ${setup.stderr.slice(-2000)}`);

    const queueKey = `{${fc.keyPrefix}}:${fc.queueName}:wait`;
    const processes = [
      new MvProcess('collect', file), new MvProcess('collect', file),
      new MvProcess('work', file), new MvProcess('work', file), new MvProcess('work', file),
    ];
    const started = Date.now();
    const documentsAtKill = await waitFor('a tenth of the documents indexed', () => fc.docCount(),
      (n) => n >= expected.length / 10, 120_000);
    const killed = await topology.queueMaster(client, queueKey);
    const killedPid = await serverPid(killed);
    process.kill(killedPid, 'SIGKILL');
    const killedAt = new Date();
    log(`killed ${topology.server} master ${addressText(killed)} (pid ${killedPid}) holding the queue at ${killedAt.toISOString()}, ` +
      `${((killedAt.getTime() - started) / 1000).toFixed(1)} s into the backfill, ${documentsAtKill} of ${expected.length} documents indexed`);

    const promoted = await topology.promotedAfter(killed, queueKey);
    const promotedAt = new Date();
    log(`promoted ${addressText(promoted)} at ${promotedAt.toISOString()} (${((promotedAt.getTime() - killedAt.getTime()) / 1000).toFixed(1)} s after the kill)`);

    const committed = (boxes: MailboxStatus[]): boolean => boxes.length === boxCount && boxes.every((b) => b.committed === perBox);
    let last: { boxes: MailboxStatus[]; documents: number } = { boxes: [], documents: 0 };
    try {
      await waitFor('every mailbox committed and every document indexed', async () => {
        for (const p of processes) if (!p.running) throw new Error(`${p.command} (pid ${p.pid}) exited: ${p.stderr.slice(-2000)}`);
        last = { boxes: await readMailboxStatuses(client, fc.keyPrefix).catch(() => last.boxes), documents: await fc.docCount() };
        return last;
      }, (s) => committed(s.boxes) && s.documents === expected.length, 180_000);
    } catch (error) {
      log(`not done: ${last.documents} of ${expected.length} documents; mailboxes: ${JSON.stringify(last.boxes.map((b) =>
        ({ mailbox: b.mailbox, committed: b.committed, lastSeenUid: b.lastSeenUid, phase: b.phase, lastError: b.lastError })))}`);
      for (const p of processes) {
        const problems = p.logs().filter((l) => (l.level ?? 0) >= 40).slice(-8).map((l) => JSON.stringify(l).slice(0, 400));
        log(`${p.command} ${p.pid} warnings/errors (last 8):\n  ${problems.join('\n  ')}`);
      }
      throw error;
    }
    const doneAt = new Date();
    log(`all ${expected.length} documents indexed and every mailbox committed at ${doneAt.toISOString()} ` +
      `(${((doneAt.getTime() - killedAt.getTime()) / 1000).toFixed(1)} s after the kill, ${((doneAt.getTime() - started) / 1000).toFixed(1)} s in all)`);
    await logRecovery(processes, expected.length, log);
    for (const p of processes) await p.stop();
    return {
      fc, expected, cleanup,
      run: { messages: expected.length, killed, killedPid, killedAt, documentsAtKill, promoted, promotedAt, doneAt },
    };
  } catch (error) {
    await cleanup();
    throw error;
  }
}

/** What the processes did to recover: messages read again, duplicates, the collectors' warnings about lost state. */
async function logRecovery(processes: MvProcess[], messages: number, log: (line: string) => void): Promise<void> {
  const sum = async (command: string, metric: string, labels: Record<string, string> = {}): Promise<number> => {
    let total = 0;
    for (const p of processes) if (p.command === command) total += await p.metric(metric, labels);
    return total;
  };
  const fetched = await sum('collect', 'mailverdict_messages_fetched_total');
  const created = await sum('work', 'mailverdict_messages_indexed_total', { outcome: 'created' });
  const duplicates = await sum('work', 'mailverdict_messages_indexed_total', { outcome: 'duplicate' });
  const lostState = processes.filter((p) => p.command === 'collect').flatMap((p) => p.logs())
    .filter((l) => (l.level ?? 0) >= 40 && /no longer in the queue|watermark state missing|mailbox lock lost/.test(String(l.msg)))
    .map((l) => `${String(l['mailbox'])}: ${String(l.msg).slice(0, 90)}${l['committed'] === undefined ? '' : ` (committed ${String(l['committed'])}, position ${String(l['position'])})`}`);
  log(`collectors fetched ${fetched} messages (${fetched - messages} read again); workers created ${created} documents and met ` +
    `${duplicates} duplicates; collector warnings about lost state: ${lostState.length === 0 ? 'none' : `\n  ${lostState.join('\n  ')}`}`);
}

/** Deletes the keys matching `pattern` on every master of a cluster, or on the Sentinel master. */
async function deleteKeysOnMasters(client: RedisClient, pattern: string): Promise<void> {
  const servers: Redis[] = 'nodes' in client ? (client as Cluster).nodes('master') : [client];
  for (const server of servers) {
    if ((await server.call('ROLE').catch(() => []) as unknown[])[0] !== 'master') continue;
    let cursor = '0';
    do {
      const [next, keys] = await server.scan(cursor, 'MATCH', pattern, 'COUNT', 1000);
      // One DEL per key: on a cluster the keys of one master still span several slots.
      for (const key of keys) await server.del(key);
      cursor = next;
    } while (cursor !== '0');
  }
}
