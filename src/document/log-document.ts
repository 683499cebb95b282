// The document indexed for one gateway log event: the same index and canonical fields as message documents
// (the README's "Documents"), with event.dataset `mailverdict.log`, event.original and log.*.
import type { VerdictFields } from './types.js';

export interface LogSyslogFields {
  priority?: number;
  facility?: { code: number; name: string };
  severity?: { code: number; name: string };
  hostname?: string;
  appname?: string;
  procid?: string;
  msgid?: string;
  version?: string;
}

export interface LogDocument {
  '@timestamp': string;
  event: {
    kind: 'event';
    category: ['email'];
    type: ['info'];
    dataset: 'mailverdict.log';
    created: string;
    ingested?: string;
    /** The raw event as received (capped); parts of a multi-part event joined. */
    original: string;
  };
  log: {
    syslog?: LogSyslogFields;
    file?: { path: string };
    /** Byte offset of the line in its file. */
    offset?: number;
  };
  observer: { vendor: string; product: string; version?: string; hostname?: string; ip?: string };
  source?: { ip: string };
  email: {
    message_id?: string;
    subject?: string;
    from?: { address: string[] };
    to?: { address: string[] };
    sender?: { address: string };
  };
  mailverdict: VerdictFields & {
    gateway: string;
    gateway_mid?: string;
    rule_ids?: string[];
    sender_domain?: string;
    log: { family: string; kind: string };
    parse: { warnings: string[]; parser_version: string };
  };
}

export interface ParsedLogEvent {
  /** Deterministic `_id` (see logEventId). */
  id: string;
  document: LogDocument;
}
