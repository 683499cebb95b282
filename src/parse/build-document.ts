import type { HeaderBlock } from '../headers/types.js';
import { runParsers } from '../parsers/registry.js';
import type { AuthFinding, ParserOutput } from '../parsers/types.js';
import { documentId, isBlankHeaderSection, mailboxMessageId } from '../document/document-id.js';
import { extractAddresses } from '../document/extract-addresses.js';
import { messageIdValue } from '../document/message-id.js';
import { messageTimestamp } from '../document/message-timestamp.js';
import { PARSER_VERSION } from '../document/parser-version.js';
import { INCOMPLETE_SCAN_STATUSES } from '../document/enums.js';
import { attachments, ccAddresses, emailDirection } from '../document/email-ecs.js';
import { nodeFromReceived, type ReceivedNode } from '../document/gateway-node.js';
import { perGatewayFields } from '../document/per-gateway-fields.js';
import { pickTopGateway } from '../document/top-gateway.js';
import type { AuthResults, GatewayResult, MailverdictDocument, OriginInfo, ParsedMessage } from '../document/types.js';

/** The ECS version the document's ECS fields follow. */
export const ECS_VERSION = '8.17.0';

/** The gateway whose quarantine the mailbox is (config `gateway:` per account/mailbox, `--gateway`). */
export interface ConfiguredGateway {
  /** Parser gateway id (ksmg, klms, imail, …): the top level describes it when its headers are present. */
  id: string;
  /** Its host, for when neither its headers nor the Received: trace name it. */
  hostname?: string;
}

export interface ParseContext {
  origin: OriginInfo;
  gateway?: ConfiguredGateway;
  /** The organisation's own domains (config `internalDomains`), for email.direction. */
  internalDomains?: readonly string[];
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
/** Bound on rule.id / rule.name entries: SpamAssassin may list hundreds of tests. */
const MAX_RULES = 100;

/**
 * Header block → the normalized document. The top level describes one gateway (top-gateway.ts); every
 * gateway is kept in `mailverdict.gateways` and counted in the per-gateway arrays.
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
  const time = messageTimestamp(block, context.internalDate, now, context.maxFutureSkewMs);
  const warnings: string[] = [...block.warnings, ...time.warnings, ...out.warnings];
  const nodeWarnings: string[] = [];
  const nodes = resolveNodes(block, gateways, context.gateway, nodeWarnings);
  const top = pickTopGateway(gateways, context.gateway?.id);

  for (const g of gateways) {
    warnings.push(...g.warnings);
    // Each gateway keeps its own list in the document: bounded like the union below.
    if (g.warnings.length > MAX_WARNINGS) g.warnings = boundWarnings(g.warnings);
  }
  warnings.push(...nodeWarnings);
  if (top === undefined) warnings.push('no_gateway_headers');
  if (context.gateway !== undefined && top !== undefined && !gateways.some((g) => g.id === context.gateway?.id)) {
    warnings.push(`configured_gateway_absent:${context.gateway.id}`);
  }

  const per = perGatewayFields(gateways);
  const mv: MailverdictDocument['mailverdict'] = {
    gateway_ids: per.gateway_ids,
    gateway_nodes: per.gateway_nodes,
    spam: { ...(top?.spam ?? { verdict: 'unknown' }), by_gateway: per.spam_by_gateway },
    scan: { ...(top?.scan ?? { status: 'unknown' }), by_gateway: per.scan_by_gateway, by_gateway_node: per.scan_by_gateway_node },
    auth: pickAuth(top, out.auth ?? []),
    gateways,
    origin: context.origin,
    headers: unionHeaders(gateways),
    parse: { warnings: boundWarnings(warnings), parser_version: PARSER_VERSION },
  };
  if (top?.av !== undefined || per.av_by_gateway.length > 0) {
    mv.av = { ...(top?.av ?? {}) };
    if (per.av_by_gateway.length > 0) mv.av.by_gateway = per.av_by_gateway;
  }
  if (top !== undefined) {
    mv.gateway = top.id;
    if (top.phishing !== undefined) mv.phishing = top.phishing;
    if (top.links !== undefined) mv.links = top.links;
    if (top.sandbox !== undefined) mv.sandbox = top.sandbox;
    if (top.action !== undefined) mv.action = top.action;
    if (top.rule_ids !== undefined) mv.rule_ids = top.rule_ids;
    if (top.blocklists !== undefined) mv.blocklists = top.blocklists;
    if (top.scl !== undefined) mv.scl = top.scl;
  }

  const event: MailverdictDocument['event'] = {
    kind: 'event',
    category: ['email'],
    type: ['info'],
    dataset: 'mailverdict.message',
    created: now.toISOString(),
    outcome: outcomeOf(top),
  };
  if (top?.action !== undefined && top.action.type !== 'unknown') event.action = top.action.type;
  const document: MailverdictDocument = {
    '@timestamp': time.timestamp,
    event,
    ecs: { version: ECS_VERSION },
    email: emailFields(block, top, gateways, context.internalDomains ?? []),
    mailverdict: mv,
  };
  const domain = senderDomain(document.email.sender?.address);
  if (domain !== undefined) mv.sender_domain = domain;
  if (top !== undefined) {
    const observer: NonNullable<MailverdictDocument['observer']> = { vendor: top.vendor, product: top.product };
    if (top.version !== undefined) observer.version = top.version;
    if (top.hostname !== undefined) observer.hostname = top.hostname;
    if (top.ip !== undefined) observer.ip = top.ip;
    document.observer = observer;
    const client = nodes.get(top)?.client;
    if (client !== undefined) document.source = { ...client };
    const rule = ruleFields(top);
    if (rule !== undefined) document.rule = rule;
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
  const s = context.origin;
  if (s.kind === 'imap' && s.account !== undefined && s.mailbox !== undefined && s.uidvalidity !== undefined && s.uid !== undefined) {
    return mailboxMessageId(s.account, s.mailbox, s.uidvalidity, s.uid);
  }
  return documentId(headerBytes);
}

/**
 * Fills each gateway's node: its own header (set by the parser) first, else the Received: trace, else the
 * configured hostname of the configured gateway. A gateway whose node stays unknown gets no hostname and a
 * warning — never a guessed one.
 */
function resolveNodes(
  block: HeaderBlock,
  gateways: readonly GatewayResult[],
  configured: ConfiguredGateway | undefined,
  warnings: string[],
): Map<GatewayResult, ReceivedNode> {
  const nodes = new Map<GatewayResult, ReceivedNode>();
  for (const g of gateways) {
    const node = nodeFromReceived(block, g.position);
    nodes.set(g, node);
    // Host names compare case-insensitively; one spelling keeps `gateway_nodes` one value per node.
    if (g.hostname !== undefined) g.hostname = g.hostname.toLowerCase();
    else {
      if (node.hostname !== undefined) g.hostname = node.hostname;
      else if (configured?.hostname !== undefined && configured.id === g.id) g.hostname = configured.hostname.toLowerCase();
    }
    if (g.hostname === undefined) warnings.push(`hostname_unknown:${g.id}`);
    else if (g.ip === undefined && node.ip !== undefined && node.hostname === g.hostname) g.ip = node.ip;
  }
  return nodes;
}

/** success: the top gateway's scan completed (or had nothing to scan); failure: it did not finish. */
function outcomeOf(top: GatewayResult | undefined): MailverdictDocument['event']['outcome'] {
  const status = top?.scan?.status;
  if (status === 'complete' || status === 'not_applicable') return 'success';
  if (status !== undefined && (INCOMPLETE_SCAN_STATUSES as readonly string[]).includes(status)) return 'failure';
  return 'unknown';
}

/** Processing rules the gateway names (Kaspersky Rule-ID, …) and the spam rules that fired. */
function ruleFields(top: GatewayResult): MailverdictDocument['rule'] {
  const rule: NonNullable<MailverdictDocument['rule']> = {};
  if (top.rule_ids !== undefined && top.rule_ids.length > 0) rule.id = top.rule_ids.slice(0, MAX_RULES);
  if (top.spam?.rules !== undefined && top.spam.rules.length > 0) rule.name = top.spam.rules.slice(0, MAX_RULES);
  return rule.id === undefined && rule.name === undefined ? undefined : rule;
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
  if (list.length === 0) return [];
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

function emailFields(
  block: HeaderBlock,
  top: GatewayResult | undefined,
  gateways: readonly GatewayResult[],
  internalDomains: readonly string[],
): MailverdictDocument['email'] {
  const email: MailverdictDocument['email'] = { direction: 'unknown' };
  const messageId = block.byName.get('message-id')?.[0]?.value;
  if (messageId !== undefined) {
    const id = messageIdValue(messageId);
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
  const cc = ccAddresses(block);
  if (cc.length > 0) email.cc = { address: cc };
  // The top gateway's envelope sender, else the closest other gateway's.
  const envelope = envelopeFrom(top, gateways);
  if (envelope !== undefined) email.sender = { address: envelope };
  const files = attachments(block);
  if (files.length > 0) email.attachments = files;
  const sender = email.sender?.address ?? email.from?.address[0];
  // Without internal domains the direction is unknown whatever the recipients: no list to build then.
  if (internalDomains.length > 0) email.direction = emailDirection(sender, [...(email.to?.address ?? []), ...cc], internalDomains);
  return email;
}

/** The top gateway's envelope sender, else the first other gateway's (in position order) that has one. */
function envelopeFrom(top: GatewayResult | undefined, gateways: readonly GatewayResult[]): string | undefined {
  if (top?.envelope_from !== undefined && top.envelope_from.length > 0) return top.envelope_from;
  for (const g of gateways) if (g.envelope_from !== undefined && g.envelope_from.length > 0) return g.envelope_from;
  return undefined;
}


/** `user@Example.COM` → `example.com`; nothing for an address without a usable domain. */
export function senderDomain(address: string | undefined): string | undefined {
  if (address === undefined) return undefined;
  const at = address.lastIndexOf('@');
  if (at === -1 || at === address.length - 1) return undefined;
  const domain = address.slice(at + 1).trim().toLowerCase();
  return domain.length > 0 && domain.length <= 255 && !domain.includes(' ') ? domain : undefined;
}
