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

/** One gateway's verdict; a message carrying several gateways keeps each. */
export interface GatewayResult {
  /** Lowercase product noun: ksmg, klms, kse, imail, ctch, … */
  id: string;
  vendor: string;
  product: string;
  version?: string;
  hostname?: string;
  /** Index of this gateway's topmost header in the block; smaller = closer to the mailbox. */
  position: number;
  spam?: SpamResult;
  scan?: ScanResult;
  av?: AvResult;
  phishing?: ThreatResult;
  links?: ThreatResult;
  sandbox?: ThreatResult;
  action?: ActionResult;
  auth?: AuthResults;
  rule_ids?: string[];
  blocklists?: string[];
  scl?: number;
  envelope_from?: string;
  /** Raw value of every header this gateway's parser recognized, lowercased name → values. */
  headers: Record<string, string[]>;
  warnings: string[];
}

export interface SourceInfo {
  kind: 'imap' | 'file';
  account?: string;
  mailbox?: string;
  uidvalidity?: number;
  uid?: number;
  path?: string;
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
  };
  observer?: { vendor?: string; product?: string; version?: string; hostname?: string };
  email: {
    message_id?: string;
    subject?: string;
    from?: { address: string[] };
    to?: { address: string[] };
    sender?: { address: string };
  };
  mailverdict: {
    gateway?: string;
    spam: SpamResult;
    scan: ScanResult;
    auth: AuthResults;
    av?: AvResult;
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
    source: SourceInfo;
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
