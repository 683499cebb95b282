// One raw log line (a syslog frame or a log-file line) → header → log parser → document. Pure: the listener,
// `replay` and `parse --log` all go through here, so `mailverdict parse --log` shows what the pipeline indexes.
import { isUtf8 } from 'node:buffer';
import type { LogDocument, ParsedLogEvent } from '../document/log-document.js';
import { logEventId } from '../document/log-event-id.js';
import { messageIdValue } from '../document/message-id.js';
import { PARSER_VERSION } from '../document/parser-version.js';
import { logParserById, parseLogLine } from '../log-parsers/registry.js';
import type { LogEvent, LogLine } from '../log-parsers/types.js';
import { parseSyslog, type SyslogHeader } from '../syslog/parse-syslog.js';

/** event.original keeps at most this much of the raw event (a warning says when it was cut). */
export const MAX_ORIGINAL_CHARS = 32 * 1024;
/** Lines are parsed up to this length; the rest is dropped with a warning (a hostile 1 MB line stays cheap). */
export const MAX_PARSED_CHARS = 256 * 1024;
/** A date further ahead than this is not believed (hostile dates must not create far-future indices). */
const MAX_FUTURE_MS = 24 * 3600 * 1000;
const MAX_WARNINGS = 100;

export interface LogInput {
  /** The raw line or frame, without its line break. */
  raw: Uint8Array | string;
  /** Address the syslog frame came from (live input). */
  peer?: string | undefined;
  file?: { path: string; offset: number } | undefined;
  /** When it was read (event.created; resolves year-less syslog dates). */
  now?: Date | undefined;
}

export type LogResult =
  | { type: 'event'; parsed: ParsedLogEvent }
  | { type: 'other'; family: string; kind: string }
  /** One part of a multi-part event: collect all `total` parts under `key`, then call parseLogParts. */
  | { type: 'part'; family: string; key: string; part: number; total: number };

interface Decoded {
  text: string;
  warnings: string[];
}

function decode(raw: Uint8Array | string): Decoded {
  const warnings: string[] = [];
  let bytes = raw;
  if (typeof bytes !== 'string' && bytes.byteLength > MAX_PARSED_CHARS) {
    bytes = bytes.subarray(0, MAX_PARSED_CHARS);
    warnings.push('line_truncated');
  }
  let text: string;
  if (typeof bytes === 'string') {
    text = bytes;
  } else {
    if (!isUtf8(bytes)) warnings.push('invalid_utf8');
    text = Buffer.from(bytes.buffer, bytes.byteOffset, bytes.byteLength).toString('utf8');
  }
  if (text.length > MAX_PARSED_CHARS) {
    text = text.slice(0, MAX_PARSED_CHARS);
    if (!warnings.includes('line_truncated')) warnings.push('line_truncated');
  }
  text = text.replace(/[\r\n]+$/, '');
  if (text.includes('\u0000')) {
    warnings.push('nul_bytes');
    text = text.replaceAll('\u0000', '');
  }
  return { text, warnings };
}

function sendingHost(header: SyslogHeader, peer: string | undefined): string {
  return header.hostname ?? peer ?? '';
}

function toLine(header: SyslogHeader, now: Date): LogLine {
  return { message: header.message, appName: header.appName, hostname: header.hostname, timestamp: header.timestamp, now };
}

/** Parses one line. Never throws. */
export function parseLogInput(input: LogInput): LogResult {
  const now = input.now ?? new Date();
  const { text, warnings } = decode(input.raw);
  const header = parseSyslog(text, now);
  const outcome = parseLogLine(toLine(header, now));
  if (outcome.type === 'other') return { type: 'other', family: outcome.family, kind: outcome.kind };
  if (outcome.type === 'part') {
    const host = sendingHost(header, input.peer);
    return { type: 'part', family: outcome.family, key: `${outcome.family}|${host}|${outcome.key}`, part: outcome.part, total: outcome.total };
  }
  return { type: 'event', parsed: buildLogDocument(outcome.event, header, text, header.message, warnings, input, now) };
}

/**
 * Parses a reassembled multi-part event from its parts' inputs (any order; each part once). The document's
 * original holds every part's raw line; its `_id` comes from the joined event, so assembling it again (a
 * retried batch) gives the same document.
 */
export function parseLogParts(family: string, parts: readonly { part: number; input: LogInput }[]): LogResult {
  const parser = logParserById(family);
  const sorted = [...parts].sort((a, b) => a.part - b.part);
  const first = sorted[0];
  if (parser?.join === undefined || first === undefined) return { type: 'other', family, kind: 'reassembly_failed' };
  const now = first.input.now ?? new Date();
  const warnings: string[] = [];
  const texts: string[] = [];
  const headers: SyslogHeader[] = [];
  for (const p of sorted) {
    const d = decode(p.input.raw);
    for (const w of d.warnings) if (!warnings.includes(w)) warnings.push(w);
    texts.push(d.text);
    headers.push(parseSyslog(d.text, now));
  }
  const header0 = headers[0] as SyslogHeader;
  const joined = parser.join(headers.map((h) => h.message));
  let outcome;
  try {
    outcome = parser.parse(toLine({ ...header0, message: joined }, now));
  } catch {
    return { type: 'other', family, kind: 'parser_error' };
  }
  if (outcome.type !== 'event') return { type: 'other', family, kind: 'reassembly_failed' };
  outcome.event.warnings.push(`assembled_parts:${sorted.length}`);
  return { type: 'event', parsed: buildLogDocument(outcome.event, header0, texts.join('\n'), joined, warnings, first.input, now) };
}

function eventTimestamp(event: LogEvent, header: SyslogHeader, now: Date, warnings: string[]): Date {
  const candidate = event.timestamp ?? header.timestamp;
  if (candidate === undefined) {
    warnings.push('no_timestamp');
    return now;
  }
  if (candidate.getTime() - now.getTime() > MAX_FUTURE_MS) {
    warnings.push('timestamp_in_future');
    return now;
  }
  return candidate;
}

function senderDomain(address: string | undefined): string | undefined {
  if (address === undefined) return undefined;
  const at = address.lastIndexOf('@');
  return at > 0 && at < address.length - 1 ? address.slice(at + 1).toLowerCase() : undefined;
}

function buildLogDocument(
  event: LogEvent, header: SyslogHeader, original: string, eventText: string, lineWarnings: readonly string[], input: LogInput, now: Date,
): ParsedLogEvent {
  const warnings = [...lineWarnings];
  const host = sendingHost(header, input.peer);
  const timestamp = eventTimestamp(event, header, now, warnings);
  warnings.push(...event.warnings);
  let originalText = original;
  if (originalText.length > MAX_ORIGINAL_CHARS) {
    originalText = originalText.slice(0, MAX_ORIGINAL_CHARS);
    warnings.push('original_truncated');
  }
  const syslog: LogDocument['log']['syslog'] = {};
  if (header.priority !== undefined) syslog.priority = header.priority;
  if (header.facility !== undefined) syslog.facility = header.facility;
  if (header.severity !== undefined) syslog.severity = header.severity;
  if (header.hostname !== undefined) syslog.hostname = header.hostname;
  if (header.appName !== undefined) syslog.appname = header.appName;
  if (header.procId !== undefined) syslog.procid = header.procId;
  if (header.msgId !== undefined) syslog.msgid = header.msgId;
  if (header.version !== undefined) syslog.version = String(header.version);
  const log: LogDocument['log'] = {};
  if (Object.keys(syslog).length > 0) log.syslog = syslog;
  if (input.file !== undefined) {
    log.file = { path: input.file.path };
    log.offset = input.file.offset;
  }
  const observer: LogDocument['observer'] = { vendor: event.gateway.vendor, product: event.gateway.product };
  if (event.gateway.version !== undefined) observer.version = event.gateway.version;
  if (header.hostname !== undefined) observer.hostname = header.hostname;
  if (input.peer !== undefined && isIp(input.peer)) observer.ip = input.peer;
  const email: LogDocument['email'] = {};
  // Without its angle brackets, as message documents hold it: both meet on this value.
  const messageId = event.messageId === undefined ? '' : messageIdValue(event.messageId);
  if (messageId !== '') email.message_id = messageId;
  if (event.subject !== undefined) email.subject = event.subject;
  if (event.from !== undefined && event.from.length > 0) email.from = { address: event.from };
  if (event.to !== undefined && event.to.length > 0) email.to = { address: event.to };
  if (event.sender !== undefined) email.sender = { address: event.sender };
  const mv: LogDocument['mailverdict'] = {
    gateway: event.gateway.id,
    log: { family: event.family, kind: event.kind },
    parse: { warnings: boundWarnings(warnings), parser_version: PARSER_VERSION },
  };
  if (event.gatewayMid !== undefined && event.gatewayMid !== '') mv.gateway_mid = event.gatewayMid;
  if (event.spam !== undefined) mv.spam = event.spam;
  if (event.scan !== undefined) mv.scan = event.scan;
  if (event.av !== undefined) mv.av = event.av;
  if (event.phishing !== undefined) mv.phishing = event.phishing;
  if (event.links !== undefined) mv.links = event.links;
  if (event.sandbox !== undefined) mv.sandbox = event.sandbox;
  if (event.action !== undefined) mv.action = event.action;
  if (event.auth !== undefined) mv.auth = event.auth;
  if (event.ruleIds !== undefined && event.ruleIds.length > 0) mv.rule_ids = event.ruleIds;
  const domain = senderDomain(event.sender);
  if (domain !== undefined) mv.sender_domain = domain;
  const document: LogDocument = {
    '@timestamp': timestamp.toISOString(),
    event: {
      kind: 'event', category: ['email'], type: ['info'], dataset: 'mailverdict.log',
      created: now.toISOString(), original: originalText,
    },
    log,
    observer,
    email,
    mailverdict: mv,
  };
  if (event.sourceIp !== undefined && isIp(event.sourceIp)) document.source = { ip: event.sourceIp };
  else if (event.sourceIp !== undefined) mv.parse.warnings.push('invalid_source_ip');
  return { id: logEventId(host, eventText), document };
}

function isIp(value: string): boolean {
  return /^\d{1,3}(\.\d{1,3}){3}$/.test(value) || (/^[0-9a-fA-F:.]+$/.test(value) && value.includes(':'));
}

function boundWarnings(warnings: readonly string[]): string[] {
  const out: string[] = [];
  for (const w of warnings) {
    const text = w.slice(0, 200);
    if (!out.includes(text)) out.push(text);
    if (out.length >= MAX_WARNINGS) break;
  }
  return out;
}
