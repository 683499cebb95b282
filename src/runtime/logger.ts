// One pino logger per process, level and format from the config: JSON lines for log shippers, or readable lines
// for a person at a terminal (`log.format: auto` picks by whether the output is a terminal). Secrets never reach
// it: callers log bounded error codes and messages that the collector/sink already redacted.
import { pino, type DestinationStream, type Logger } from 'pino';
import { PinoPretty } from 'pino-pretty';

export type { Logger };

export type LogFormat = 'auto' | 'json' | 'pretty';

export interface LoggerOptions {
  format?: LogFormat;
  /** Whether the destination is a terminal; decides `auto`. */
  isTty?: boolean;
}

export function resolveLogFormat(format: LogFormat, isTty: boolean): 'json' | 'pretty' {
  return format === 'auto' ? (isTty ? 'pretty' : 'json') : format;
}

export function createLogger(level: string, destination: DestinationStream, options: LoggerOptions = {}): Logger {
  const settings = { level, base: { service: 'mailverdict' }, timestamp: pino.stdTimeFunctions.isoTime };
  if (resolveLogFormat(options.format ?? 'json', options.isTty ?? false) === 'json') return pino(settings, destination);
  const pretty = PinoPretty({
    destination,
    sync: true,
    colorize: options.isTty ?? false,
    translateTime: 'SYS:HH:MM:ss.l',
    ignore: 'pid,hostname,service',
  });
  return pino(settings, pretty);
}
