// The normalized document: the contract with mappings/, dashboards/ and alerts (docs/document.md).
// ECS names where ECS has them, everything else under `mailverdict`.
import type {
  ActionType, AuthResultValue, AvStatus, ScanReason, ScanStatus, SpamScale, SpamVerdict, ThreatStatus,
} from './enums.js';

export interface SpamResult {
  verdict: SpamVerdict;
  /** Vendor value the verdict came from. */
  raw?: string;
  /** The vendor's score on its own scale, never converted. */
  score?: number;
  scale?: SpamScale;
  threshold?: number;
  confidence?: 'high';
  method?: string;
  rules?: string[];
}

export interface ScanResult {
  status: ScanStatus;
  reason?: ScanReason;
  raw?: string;
}

export interface AvResult {
  status: AvStatus;
  raw?: string;
  threats?: string[];
  engine?: string;
  engine_version?: string;
  bases_date?: string;
  bases_records?: number;
  action?: string;
}

/** Top-level spam result: the top gateway's, plus `<id>:<verdict>` per gateway that gave a verdict. */
export interface TopSpamResult extends SpamResult {
  by_gateway: string[];
}

/** Top-level scan result: the top gateway's, plus `<id>:<status>` and `<id>@<host>:<status>` per gateway. */
export interface TopScanResult extends ScanResult {
  by_gateway: string[];
  by_gateway_node: string[];
}

/** Top-level anti-virus: the top gateway's own result (when it gave one) and every gateway's status. */
export interface TopAvResult extends Omit<AvResult, 'status'> {
  status?: AvStatus;
  by_gateway?: string[];
}

export interface ThreatResult {
  status: ThreatStatus;
  raw?: string;
  bases_date?: string;
}

export interface ActionResult {
  type: ActionType;
  module?: string;
  raw?: string;
}

export interface AuthResult {
  result: AuthResultValue;
  raw: string;
  /** Header the result came from, e.g. "x-ksmg-antispam-auth" or "authentication-results (mx.example.com)". */
  source: string;
  qualifier?: string;
  /** DMARC published policy (Kaspersky `policy=`, RFC `p=`). */
  policy?: string;
  /** RFC 8601 properties: smtp.mailfrom, header.from, header.d, … */
  props?: Record<string, string>;
}

export interface AuthResults {
  spf?: AuthResult;
  dkim?: AuthResult;
  dmarc?: AuthResult;
}

/** The verdicts a gateway gives; shared by its result in a header document and its log events. */
export interface VerdictFields {
  spam?: SpamResult;
  scan?: ScanResult;
  av?: AvResult;
  phishing?: ThreatResult;
  links?: ThreatResult;
  sandbox?: ThreatResult;
  action?: ActionResult;
  auth?: AuthResults;
}

/** One gateway's verdict; a message carrying several gateways keeps each. */
export interface GatewayResult extends VerdictFields {
  /** Lowercase product noun: ksmg, klms, kse, imail, ctch, … */
  id: string;
  vendor: string;
  product: string;
  version?: string;
  /** The machine the gateway ran on: its own header, else the Received: trace, else configuration (gateway-node.ts). */
  hostname?: string;
  ip?: string;
  /** Index of this gateway's topmost header in the block; smaller = closer to the mailbox. */
  position: number;
  rule_ids?: string[];
  blocklists?: string[];
  scl?: number;
  envelope_from?: string;
  /** Raw value of every header this gateway's parser recognized, lowercased name → values. */
  headers: Record<string, string[]>;
  warnings: string[];
}

/** Where the message was read from (was `mailverdict.source`, renamed: ECS `source.*` is the network peer). */
export interface OriginInfo {
  kind: 'imap' | 'file';
  account?: string;
  mailbox?: string;
  uidvalidity?: number;
  uid?: number;
  path?: string;
}

export type EmailDirection = 'inbound' | 'outbound' | 'internal' | 'unknown';

export interface EmailAttachment {
  file: { name?: string; mime_type?: string; size?: number };
}

/** The document indexed into Elasticsearch. */
export interface MailverdictDocument {
  '@timestamp': string;
  event: {
    kind: 'event';
    category: ['email'];
    type: ['info'];
    dataset: 'mailverdict.message';
    created: string;
    ingested?: string;
    /** What the top-level gateway did (its action type), when it says. */
    action?: string;
    /** success: the scan completed; failure: it did not (timeout, fallback, error); else unknown. */
    outcome: 'success' | 'failure' | 'unknown';
  };
  ecs: { version: string };
  observer?: { vendor?: string; product?: string; version?: string; hostname?: string; ip?: string };
  /** The client the top-level gateway's MTA accepted the message from (its inbound Received: hop). */
  source?: { ip?: string; domain?: string };
  email: {
    message_id?: string;
    subject?: string;
    from?: { address: string[] };
    to?: { address: string[] };
    cc?: { address: string[] };
    sender?: { address: string };
    direction: EmailDirection;
    attachments?: EmailAttachment[];
  };
  rule?: { id?: string[]; name?: string[] };
  mailverdict: {
    gateway?: string;
    /** Every gateway that stamped the message, and per gateway its node (`id@hostname`, or `id`). */
    gateway_ids: string[];
    gateway_nodes: string[];
    spam: TopSpamResult;
    scan: TopScanResult;
    auth: AuthResults;
    av?: TopAvResult;
    phishing?: ThreatResult;
    links?: ThreatResult;
    sandbox?: ThreatResult;
    action?: ActionResult;
    rule_ids?: string[];
    blocklists?: string[];
    scl?: number;
    /** Domain of the envelope sender (email.sender.address), lowercased: the "top sender domains" panel. */
    sender_domain?: string;
    gateways: GatewayResult[];
    origin: OriginInfo;
    headers: Record<string, string[]>;
    parse: { warnings: string[]; parser_version: string };
  };
}

/** A parsed message ready for indexing. */
export interface ParsedMessage {
  /** Deterministic `_id`: hash of the raw header block with line endings normalized. */
  id: string;
  document: MailverdictDocument;
}
