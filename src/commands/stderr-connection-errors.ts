// A short command that loses Redis halfway says so on stderr, once per outage (the command then fails or
// goes on when Redis is back); the line names the host, never a secret.
import { ConnectionErrors } from '../observability/connection-errors.js';
import type { CommandIo } from './command.js';

export function stderrConnectionErrors(command: string, io: Pick<CommandIo, 'stderr'>): ConnectionErrors {
  return new ConnectionErrors({
    report: (e) => void Promise.resolve(io.stderr.write(`mailverdict ${command}: ${e.message}; reconnecting\n`)).catch(() => undefined),
  });
}
