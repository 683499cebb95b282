// The contract between log parsers and the log document builder. A parser is pure: one syslog message
// (or one log-file line) in, one outcome out, no I/O, never throws on bad input (the registry still guards it).
import type { VerdictFields } from '../document/types.js';

/** One log line as the parsers see it: the syslog header already taken apart. */
export interface LogLine {
  /** The message after the syslog header and tag (the whole line when there was no header). */
  message: string;
  /** Syslog APP-NAME / RFC 3164 tag without the pid, when present (e.g. `KSMG`, `rspamd`, `mail_logs`). */
  appName?: string | undefined;
  /** Hostname from the syslog header. */
  hostname?: string | undefined;
  /** The syslog header's own timestamp (already resolved to a full date). */
  timestamp?: Date | undefined;
  /** When the line was read: resolves year-less dates in the message. */
  now: Date;
}

export interface GatewayIdentity {
  /** Same ids as the header parsers: ksmg, klms, ironport, fortimail, sophos, rspamd, amavis, imail. */
  id: string;
  vendor: string;
  product: string;
  version?: string;
}

/** A per-message event a parser understood (or partly understood: see warnings). */
export interface LogEvent extends VerdictFields {
  /** Registry id of the parser family that produced it. */
  family: string;
  /** Event class or line kind within the family (e.g. `LMS_EV_SCAN_LOGIC_AS_STATUS`, `spam_verdict`). */
  kind: string;
  gateway: GatewayIdentity;
  /** Time written inside the message itself, when it carries one. */
  timestamp?: Date;
  /** The gateway's own message id (KSMG message id, Cisco MID, FortiMail session id, amavis mail_id, …). */
  gatewayMid?: string;
  /** RFC 5322 Message-ID, angle brackets kept as the gateway wrote it. */
  messageId?: string;
  subject?: string;
  from?: string[];
  to?: string[];
  /** Envelope sender when the line says it is the SMTP sender. */
  sender?: string;
  /** The SMTP client that handed the message to the gateway. */
  sourceIp?: string;
  ruleIds?: string[];
  warnings: string[];
}

/**
 * What a parser made of a line:
 * - `event`: a per-message event → one document;
 * - `other`: the family's line, but not a per-message event (admin, system, connection) → counted by kind;
 * - `part`: one part of a multi-part event → reassembled by `key` before parsing (see reassembly).
 */
export type LogOutcome =
  | { type: 'event'; event: LogEvent }
  | { type: 'other'; family: string; kind: string }
  | { type: 'part'; family: string; key: string; part: number; total: number };

export interface LogParser {
  readonly id: string;
  /** Cheap test on the line; `parse` runs only when it is true. */
  detect(line: LogLine): boolean;
  parse(line: LogLine): LogOutcome;
  /** For parsers that emit `part`: joins the parts' messages (in part order) into one message to parse. */
  join?(messages: readonly string[]): string;
}
