// Resident memory of a child process from /proc/<pid>/status: VmRSS now and VmHWM (the kernel's peak).
import { readFileSync } from 'node:fs';

export interface Memory {
  rssMb: number;
  peakMb: number;
}

function kb(status: string, key: string): number {
  const at = status.indexOf(`${key}:`);
  if (at === -1) return 0;
  const end = status.indexOf('\n', at);
  return Number.parseInt(status.slice(at + key.length + 1, end === -1 ? undefined : end).trim(), 10) || 0;
}

export function readMemory(pid: number): Memory | undefined {
  try {
    const status = readFileSync(`/proc/${pid}/status`, 'utf8');
    return { rssMb: round1(kb(status, 'VmRSS') / 1024), peakMb: round1(kb(status, 'VmHWM') / 1024) };
  } catch {
    return undefined;
  }
}

export function round1(x: number): number {
  return Math.round(x * 10) / 10;
}
