// How this process names itself where several may run at once (mailbox locks, `mailverdict status`).
import { hostname } from 'node:os';

/** host:pid, so a person can find the collector holding a mailbox. */
export function processCollectorId(): string {
  return `${hostname()}:${process.pid}`;
}
