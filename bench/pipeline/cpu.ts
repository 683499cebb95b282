// Where the CPU went during a bench phase: machine-wide busy time (/proc/stat) and the CPU seconds of the
// processes involved (/proc/<pid>/stat utime+stime): our children, Elasticsearch, Redis, Dovecot's imap
// processes and this bench process. Read-only; shows which stage saturates the two shared cores.
import { readdirSync, readFileSync } from 'node:fs';

const TICK = 100; // USER_HZ on Linux

function ticksOf(pid: number): number | undefined {
  try {
    const stat = readFileSync(`/proc/${pid}/stat`, 'utf8');
    const fields = stat.slice(stat.lastIndexOf(')') + 2).split(' ');
    return Number(fields[11]) + Number(fields[12]); // utime, stime (fields 14, 15)
  } catch {
    return undefined;
  }
}

function commOf(pid: number): string {
  try {
    return readFileSync(`/proc/${pid}/comm`, 'utf8').trim();
  } catch {
    return '';
  }
}

/** Pids whose command name is one of `names` (e.g. redis-server, imap). */
export function pidsByComm(names: readonly string[]): Map<string, number[]> {
  const out = new Map<string, number[]>();
  for (const entry of readdirSync('/proc')) {
    if (!/^\d+$/.test(entry)) continue;
    const comm = commOf(Number(entry));
    if (names.includes(comm)) out.set(comm, [...(out.get(comm) ?? []), Number(entry)]);
  }
  return out;
}

export interface CpuSnapshot {
  at: number;
  machineBusy: number;
  machineTotal: number;
  /** Ticks per pid of each group. */
  groups: Map<string, Map<number, number>>;
}

export type CpuGroups = Record<string, () => number[]>;

export function cpuSnapshot(groups: CpuGroups): CpuSnapshot {
  const line = readFileSync('/proc/stat', 'utf8').split('\n')[0] ?? '';
  const nums = line.trim().split(/\s+/).slice(1).map(Number);
  const total = nums.reduce((a, b) => a + b, 0);
  const idle = (nums[3] ?? 0) + (nums[4] ?? 0);
  const out = new Map<string, Map<number, number>>();
  for (const [name, pids] of Object.entries(groups)) {
    const ticks = new Map<number, number>();
    for (const pid of pids()) {
      const t = ticksOf(pid);
      if (t !== undefined) ticks.set(pid, t);
    }
    out.set(name, ticks);
  }
  return { at: performance.now(), machineBusy: total - idle, machineTotal: total, groups: out };
}

export interface CpuUsage {
  seconds: number;
  /** Share of all cores busy over the phase (1 = every core all the time). */
  machine_busy: number;
  /** CPU seconds per process group over the phase (processes alive at its end; one started during it counts whole). */
  cpu_seconds: Record<string, number>;
  /** CPU seconds per message. */
  cpu_ms_per_message?: Record<string, number>;
}

export function cpuUsage(a: CpuSnapshot, b: CpuSnapshot, messages?: number): CpuUsage {
  const cpu: Record<string, number> = {};
  for (const [name, ticks] of b.groups) {
    let t = 0;
    for (const [pid, end] of ticks) t += end - (a.groups.get(name)?.get(pid) ?? 0);
    cpu[name] = Math.round((t / TICK) * 100) / 100;
  }
  const usage: CpuUsage = {
    seconds: Math.round((b.at - a.at) / 10) / 100,
    machine_busy: Math.round(((b.machineBusy - a.machineBusy) / Math.max(1, b.machineTotal - a.machineTotal)) * 1000) / 1000,
    cpu_seconds: cpu,
  };
  if (messages !== undefined && messages > 0) {
    usage.cpu_ms_per_message = Object.fromEntries(Object.entries(cpu).map(([k, v]) => [k, Math.round((v * 1000 / messages) * 1000) / 1000]));
  }
  return usage;
}
