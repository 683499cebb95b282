import type { HeaderBlock } from '../headers/types.js';
import { runParsers } from '../parsers/registry.js';
import type { AuthFinding, ParserOutput } from '../parsers/types.js';
import { documentId, isBlankHeaderSection, mailboxMessageId } from '../document/document-id.js';
import { extractAddresses } from '../document/extract-addresses.js';
import { messageTimestamp } from '../document/message-timestamp.js';
import { PARSER_VERSION } from '../document/parser-version.js';
import type { AuthResults, GatewayResult, MailverdictDocument, ParsedMessage, SourceInfo } from '../document/types.js';

export interface ParseContext {
  source: SourceInfo;
  /** IMAP INTERNALDATE, the last fallback for `@timestamp` before `now`. */
  internalDate?: Date;
  /** When the message was read (`event.created`, the arrival time); defaults to the current time. */
  now?: Date;
  /** A header or INTERNALDATE timestamp further than this past `now` is not believed; default 48 h. */
  maxFutureSkewMs?: number;
  /**
   * The `_id` when the header section is empty (see document-id.ts): the raw-message hash for files; for
   * IMAP sources it is derived from the source when not given.
   */
  headerlessId?: string;
}

/** Bounds on the warning list: hostile input must not produce a huge document. */
const MAX_WARNINGS = 100;
const MAX_WARNING_CHARS = 200;
const AUTH_METHODS = ['spf', 'dkim', 'dmarc'] as const;

/**
 * Header block → the normalized document. The gateway closest to the mailbox (smallest position)
 * drives the top-level fields; every gateway is kept in `mailverdict.gateways`.
 */
export function buildDocument(block: HeaderBlock, headerBytes: Uint8Array, context: ParseContext): ParsedMessage {
  return assembleDocument(block, headerBytes, context, runParsers(block));
}

/** buildDocument with the parser output given (lets tests drive it with synthetic gateways). */
export function assembleDocument(
  block: HeaderBlock,
  headerBytes: Uint8Array,
  context: ParseContext,
  out: ParserOutput,
): ParsedMessage {
  const now = context.now ?? new Date();
  const gateways = [...out.gateways].sort((a, b) => a.position - b.position);
  const top: GatewayResult | undefined = gateways[0];
  const time = messageTimestamp(block, context.internalDate, now, context.maxFutureSkewMs);

  const warnings: string[] = [...block.warnings, ...time.warnings, ...out.warnings];
  for (const g of gateways) {
    warnings.push(...g.warnings);
    // Each gateway keeps its own list in the document: bounded like the union below.
    if (g.warnings.length > MAX_WARNINGS) g.warnings = boundWarnings(g.warnings);
  }
  if (top === undefined) warnings.push('no_gateway_headers');

  const mv: MailverdictDocument['mailverdict'] = {
    spam: top?.spam ?? { verdict: 'unknown' },
    scan: top?.scan ?? { status: 'unknown' },
    auth: pickAuth(top, out.auth ?? []),
    gateways,
    source: context.source,
    headers: unionHeaders(gateways),
    parse: { warnings: boundWarnings(warnings), parser_version: PARSER_VERSION },
  };
  if (top !== undefined) {
    mv.gateway = top.id;
    if (top.av !== undefined) mv.av = top.av;
    if (top.phishing !== undefined) mv.phishing = top.phishing;
    if (top.links !== undefined) mv.links = top.links;
    if (top.sandbox !== undefined) mv.sandbox = top.sandbox;
    if (top.action !== undefined) mv.action = top.action;
    if (top.rule_ids !== undefined) mv.rule_ids = top.rule_ids;
    if (top.blocklists !== undefined) mv.blocklists = top.blocklists;
    if (top.scl !== undefined) mv.scl = top.scl;
  }

  const document: MailverdictDocument = {
    '@timestamp': time.timestamp,
    event: {
      kind: 'event',
      category: ['email'],
      type: ['info'],
      dataset: 'mailverdict.message',
      created: now.toISOString(),
    },
    email: emailFields(block, top),
    mailverdict: mv,
  };
  const domain = senderDomain(document.email.sender?.address);
  if (domain !== undefined) mv.sender_domain = domain;
  if (top !== undefined) {
    const observer: NonNullable<MailverdictDocument['observer']> = { vendor: top.vendor, product: top.product };
    if (top.version !== undefined) observer.version = top.version;
    if (top.hostname !== undefined) observer.hostname = top.hostname;
    document.observer = observer;
  }
  return { id: messageId(headerBytes, context), document };
}

/**
 * The header-block hash (so IMAP and file reads of a message agree); a message without any header field
 * is named by its own bytes or its mailbox place instead, or every such message would share one id.
 */
function messageId(headerBytes: Uint8Array, context: ParseContext): string {
  if (!isBlankHeaderSection(headerBytes)) return documentId(headerBytes);
  if (context.headerlessId !== undefined) return context.headerlessId;
  const s = context.source;
  if (s.kind === 'imap' && s.account !== undefined && s.mailbox !== undefined && s.uidvalidity !== undefined && s.uid !== undefined) {
    return mailboxMessageId(s.account, s.mailbox, s.uidvalidity, s.uid);
  }
  return documentId(headerBytes);
}

/** Per method: the top gateway's own result, else the topmost Authentication-Results-style finding. */
function pickAuth(top: GatewayResult | undefined, findings: readonly AuthFinding[]): AuthResults {
  const auth: AuthResults = {};
  for (const method of AUTH_METHODS) {
    const own = top?.auth?.[method];
    if (own !== undefined) {
      auth[method] = own;
      continue;
    }
    let best: AuthFinding | undefined;
    for (const f of findings) {
      if (f.auth[method] !== undefined && (best === undefined || f.position < best.position)) best = f;
    }
    const found = best?.auth[method];
    if (found !== undefined) auth[method] = found;
  }
  return auth;
}

/** Union of every gateway's recognized headers; a value listed by two gateways appears once. */
function unionHeaders(gateways: readonly GatewayResult[]): Record<string, string[]> {
  if (gateways.length === 1) return (gateways[0] as GatewayResult).headers;
  const headers: Record<string, string[]> = {};
  for (const g of gateways) {
    for (const [name, values] of Object.entries(g.headers)) {
      const list = headers[name];
      if (list === undefined) headers[name] = [...values];
      else for (const v of values) if (!list.includes(v)) list.push(v);
    }
  }
  return headers;
}

/**
 * At most MAX_WARNINGS distinct warnings of at most MAX_WARNING_CHARS each; what is left out is counted in
 * one last entry, `cap:max_warnings:<n>_more`, so a hostile message cannot bloat its document.
 */
export function boundWarnings(list: readonly string[]): string[] {
  const seen = new Set<string>();
  const out: string[] = [];
  let more = 0;
  for (const raw of list) {
    const w = raw.length > MAX_WARNING_CHARS ? raw.slice(0, MAX_WARNING_CHARS) : raw;
    if (seen.has(w)) continue;
    seen.add(w);
    if (out.length >= MAX_WARNINGS) more++;
    else out.push(w);
  }
  if (more > 0) out.push(`cap:max_warnings:${more}_more`);
  return out;
}

function emailFields(block: HeaderBlock, top: GatewayResult | undefined): MailverdictDocument['email'] {
  const email: MailverdictDocument['email'] = {};
  const messageId = block.byName.get('message-id')?.[0]?.value;
  if (messageId !== undefined) {
    const id = stripAngles(messageId);
    if (id.length > 0) email.message_id = id;
  }
  const subject = block.byName.get('subject')?.[0]?.value;
  if (subject !== undefined) email.subject = subject;
  const from = block.byName.get('from')?.[0]?.value;
  if (from !== undefined) {
    const address = extractAddresses(from);
    if (address.length > 0) email.from = { address };
  }
  const toFields = block.byName.get('to');
  if (toFields !== undefined) {
    const address: string[] = [];
    for (const f of toFields) extractAddresses(f.value, address);
    if (address.length > 0) email.to = { address };
  }
  if (top?.envelope_from !== undefined && top.envelope_from.length > 0) email.sender = { address: top.envelope_from };
  return email;
}

function stripAngles(value: string): string {
  let v = value.trim();
  const open = v.indexOf('<');
  if (open !== -1) {
    const close = v.indexOf('>', open + 1);
    v = v.slice(open + 1, close === -1 ? undefined : close);
  }
  return v.trim();
}

/** `user@Example.COM` → `example.com`; nothing for an address without a usable domain. */
export function senderDomain(address: string | undefined): string | undefined {
  if (address === undefined) return undefined;
  const at = address.lastIndexOf('@');
  if (at === -1 || at === address.length - 1) return undefined;
  const domain = address.slice(at + 1).trim().toLowerCase();
  return domain.length > 0 && domain.length <= 255 && !domain.includes(' ') ? domain : undefined;
}
