// The one list of log parsers. Adding a log family = one line here (plus its file and fixtures).
// Order matters only where formats could overlap: CEF families first, then the vendor-tagged text formats.
import { amavisParser } from './amavis.js';
import { ciscoConsolidatedParser } from './cisco-consolidated.js';
import { ciscoMailLogsParser } from './cisco-mail-logs.js';
import { fortimailParser } from './fortimail.js';
import { imailParser } from './imail.js';
import { kasperskyCefParser } from './kaspersky-cef.js';
import { kasperskyStandardParser } from './kaspersky-standard.js';
import { klmsSyslogParser } from './klms-syslog.js';
import { rspamdParser } from './rspamd.js';
import { sophosParser } from './sophos.js';
import type { LogLine, LogOutcome, LogParser } from './types.js';

export const LOG_PARSERS: readonly LogParser[] = [
  kasperskyCefParser,
  ciscoConsolidatedParser,
  kasperskyStandardParser,
  klmsSyslogParser,
  rspamdParser,
  amavisParser,
  fortimailParser,
  sophosParser,
  ciscoMailLogsParser,
  imailParser,
];

/** Family of lines no parser claimed (counted, never indexed as events). */
export const UNKNOWN_FAMILY = 'unknown';

export type RegistryOutcome = LogOutcome & { parser?: LogParser };

/**
 * The first parser that detects the line parses it. A parser that throws (it should not) turns the line into
 * `other` of kind `parser_error`, so one bad line never stops a batch.
 */
export function parseLogLine(line: LogLine, parsers: readonly LogParser[] = LOG_PARSERS): RegistryOutcome {
  for (const parser of parsers) {
    let detected = false;
    try {
      detected = parser.detect(line);
      if (!detected) continue;
      return { ...parser.parse(line), parser };
    } catch {
      return { type: 'other', family: parser.id, kind: 'parser_error' };
    }
  }
  return { type: 'other', family: UNKNOWN_FAMILY, kind: 'unrecognized' };
}

export function logParserById(id: string, parsers: readonly LogParser[] = LOG_PARSERS): LogParser | undefined {
  return parsers.find((p) => p.id === id);
}
