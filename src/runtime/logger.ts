// One pino logger per process: JSON lines on stdout, level from the config. Secrets never reach it:
// callers log bounded error codes and messages that the collector/sink already redacted.
import { pino, type DestinationStream, type Logger } from 'pino';

export type { Logger };

export function createLogger(level: string, destination: DestinationStream = process.stdout): Logger {
  return pino({ level, base: { service: 'mailverdict' }, timestamp: pino.stdTimeFunctions.isoTime }, destination);
}
