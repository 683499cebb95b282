// One pipeline run of a given shape: C `mailverdict collect` processes (each given its own mailboxes) and W
// `mailverdict work` processes as separate children, timed until every mailbox's committed watermark reaches its
// last UID. Workers start first and are waited for (their /metrics answers), so their start-up CPU stays out of
// the per-message figures; the collectors' start-up CPU (up to their /metrics answering) is recorded apart.
import { writeFileSync } from 'node:fs';
import { loadavg } from 'node:os';
import { join } from 'node:path';
import { Queue } from 'bullmq';
import { stringify } from 'yaml';
import type { Config } from '../../src/config/schema.js';
import { Watermark } from '../../src/mailbox-state/watermark.js';
import { createRedis } from '../../src/queue/connection.js';
import { freePort, startRole, stopChild, type Child } from '../pipeline/children.js';
import { cpuSnapshot, cpuUsage, type CpuGroups, type CpuSnapshot, type CpuUsage } from '../pipeline/cpu.js';
import { readMemory } from '../pipeline/proc-memory.js';
import type { FilledMailbox } from './mailbox.js';

export interface Topology {
  /** The mailboxes each collector process reads (one entry per collector). */
  collectors: FilledMailbox[][];
  workers: number;
}

export interface ProcessFigures {
  pid: number;
  /** CPU seconds from spawn until /metrics answered (module loading, connections). */
  startup_cpu_s: number;
  /** CPU seconds from then until the last UID was committed. */
  working_cpu_s: number;
  working_cpu_ms_per_message: number;
  peak_rss_mb: number;
}

export interface TopologyRun {
  collectors: number;
  workers: number;
  messages: number;
  /** From the first collector's spawn (workers already waiting) until every mailbox is committed. */
  seconds: number;
  messages_per_second: number;
  /** From the first committed batch to the end: the rate without start-up and the first fetch. */
  steady_messages_per_second: number;
  load_average_1_5_15: { start: number[]; end: number[] };
  /** Jobs waiting in the queue, sampled every second: > 0 means the workers were the slower side. */
  queue_waiting: { max: number; mean: number; samples: number };
  processes: Record<string, ProcessFigures>;
  /** CPU per message of each role, summed over its processes (working CPU only). */
  cpu_ms_per_message: { collect: number; work: number };
  /** Machine-wide and per service over the whole run (services: Elasticsearch, Redis, Dovecot, this bench). */
  services: CpuUsage;
}

const sleep = (ms: number): Promise<void> => new Promise((r) => setTimeout(r, ms));
const round = (x: number, d = 0): number => Math.round(x * 10 ** d) / 10 ** d;
const load = (): number[] => loadavg().map((x) => round(x, 2));

export async function runTopology(
  bin: string, config: Config, dir: string, shape: Topology, serviceGroups: CpuGroups,
  log: (s: string) => void,
): Promise<TopologyRun> {
  const name = `c${shape.collectors.length}-w${shape.workers}`;
  const { alerts: _alerts, ...base } = config;
  const account = config.accounts[0];
  if (account === undefined) throw new Error('scaling bench config has no account');
  const writeConfig = async (label: string, mailboxes: readonly FilledMailbox[]): Promise<{ path: string; port: number }> => {
    const path = join(dir, `${name}-${label}.yaml`);
    const port = await freePort();
    writeFileSync(path, stringify({ ...base, accounts: [{ ...account, mailboxes: mailboxes.map((m) => m.name) }], http: { host: '127.0.0.1', port } }));
    return { path, port };
  };
  const mailboxes = shape.collectors.flat();
  const messages = mailboxes.reduce((n, m) => n + m.lastUid, 0);

  const redis = createRedis(config.redis, 'command');
  const queueConnection = createRedis(config.redis, 'command');
  const queue = new Queue(config.queue.name, { connection: queueConnection, prefix: config.redis.keyPrefix });
  queue.on('error', () => undefined);
  const watermarks = mailboxes.map((m) => ({ m, w: new Watermark(redis, config.redis.keyPrefix, { account: account.id, mailbox: m.name }) }));
  const children: { child: Child; label: string; port: number; ready?: CpuSnapshot }[] = [];
  const groupsOf = (): CpuGroups => ({
    ...serviceGroups,
    ...Object.fromEntries(children.map((c) => [c.label, () => [c.child.pid]])),
  });
  const loadStart = load();
  const servicesBefore = cpuSnapshot(serviceGroups);
  try {
    const start = async (role: 'collect' | 'work', label: string, mailboxesOf: readonly FilledMailbox[]): Promise<void> => {
      const { path, port } = await writeConfig(label, mailboxesOf);
      children.push({ child: startRole(bin, role, path, join(dir, `${name}-${label}.log`)), label, port });
    };
    for (let i = 0; i < shape.workers; i++) await start('work', `work-${i + 1}`, mailboxes);
    await waitReady(children, log);
    const t0 = performance.now();
    for (const [i, own] of shape.collectors.entries()) await start('collect', `collect-${i + 1}`, own);

    let firstCommitAt: number | undefined;
    let committedAtFirst = 0;
    let lastSample = 0;
    const waiting: number[] = [];
    const deadline = Date.now() + Math.max(10 * 60_000, messages * 20);
    for (;;) {
      for (const c of children) {
        if (c.child.process.exitCode !== null || c.child.process.signalCode !== null) {
          throw new Error(`mailverdict ${c.label} exited early (code ${c.child.process.exitCode}); see ${join(dir, `${name}-${c.label}.log`)}`);
        }
      }
      if (children.some((c) => c.ready === undefined)) await markReady(children);
      let committed = 0;
      for (const { m, w } of watermarks) {
        const state = await w.read();
        committed += state !== undefined && state.uidvalidity === m.uidvalidity ? state.committed : 0;
      }
      const now = performance.now();
      if (committed > 0 && firstCommitAt === undefined) {
        firstCommitAt = now;
        committedAtFirst = committed;
      }
      if (now - lastSample >= 1000) {
        lastSample = now;
        waiting.push(await queue.getWaitingCount());
      }
      if (committed >= messages) break;
      if (Date.now() > deadline) throw new Error(`${name}: only ${committed}/${messages} committed before the deadline`);
      await sleep(50);
    }
    const tEnd = performance.now();
    const end = cpuSnapshot(groupsOf());
    const servicesAfter = cpuSnapshot(serviceGroups);
    const processes: Record<string, ProcessFigures> = {};
    const perRole = { collect: 0, work: 0 };
    for (const c of children) {
      const ready = c.ready as CpuSnapshot;
      // A child's CPU counters start at zero at spawn.
      const atReady = ready.groups.get(c.label)?.get(c.child.pid) ?? 0;
      const atEnd = end.groups.get(c.label)?.get(c.child.pid) ?? atReady;
      const working = (atEnd - atReady) / 100;
      processes[c.label] = {
        pid: c.child.pid,
        startup_cpu_s: round(atReady / 100, 2),
        working_cpu_s: round(working, 2),
        working_cpu_ms_per_message: round((working * 1000) / messages, 3),
        peak_rss_mb: readMemory(c.child.pid)?.peakMb ?? Number.NaN,
      };
      perRole[c.child.role as 'collect' | 'work'] += working;
    }
    const seconds = (tEnd - t0) / 1000;
    const first = ((firstCommitAt ?? tEnd) - t0) / 1000;
    return {
      collectors: shape.collectors.length,
      workers: shape.workers,
      messages,
      seconds: round(seconds, 2),
      messages_per_second: round(messages / seconds),
      steady_messages_per_second: round((messages - committedAtFirst) / Math.max(0.001, seconds - first)),
      load_average_1_5_15: { start: loadStart, end: load() },
      queue_waiting: {
        max: Math.max(0, ...waiting),
        mean: round(waiting.reduce((a, b) => a + b, 0) / Math.max(1, waiting.length), 1),
        samples: waiting.length,
      },
      processes,
      cpu_ms_per_message: { collect: round((perRole.collect * 1000) / messages, 3), work: round((perRole.work * 1000) / messages, 3) },
      services: cpuUsage(servicesBefore, servicesAfter, messages),
    };
  } finally {
    for (const c of children) await stopChild(c.child, 30_000);
    await queue.close().catch(() => undefined);
    queueConnection.disconnect();
    redis.disconnect();
  }
}

/** Snapshots each child's CPU once its /metrics answers (start-up done). */
async function markReady(children: { child: Child; label: string; port: number; ready?: CpuSnapshot }[]): Promise<void> {
  for (const c of children) {
    if (c.ready !== undefined) continue;
    if (await answers(c.port)) c.ready = cpuSnapshot({ [c.label]: () => [c.child.pid] });
  }
}

async function waitReady(children: { child: Child; label: string; port: number; ready?: CpuSnapshot }[], log: (s: string) => void): Promise<void> {
  const deadline = Date.now() + 60_000;
  while (children.some((c) => c.ready === undefined)) {
    for (const c of children) {
      if (c.child.process.exitCode !== null) throw new Error(`mailverdict ${c.label} exited during start-up (code ${c.child.process.exitCode})`);
    }
    if (Date.now() > deadline) throw new Error('workers did not answer on /metrics within 60 s');
    await markReady(children);
    await sleep(50);
  }
  log(`${children.length} worker process(es) ready`);
}

async function answers(port: number): Promise<boolean> {
  try {
    const res = await fetch(`http://127.0.0.1:${port}/metrics`, { signal: AbortSignal.timeout(1000) });
    await res.arrayBuffer();
    return res.ok;
  } catch {
    return false;
  }
}
