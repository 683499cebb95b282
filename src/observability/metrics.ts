// Prometheus metrics of one mailverdict process. Every stage counts on the same registry; label values
// are bounded (stage names, error codes, vendor ids, configured account/mailbox names), never free text.
import { Counter, Gauge, Histogram, Registry, collectDefaultMetrics } from 'prom-client';

export type Stage = 'collecting' | 'queueing' | 'parsing' | 'indexing' | 'alerting';

export class PipelineMetrics {
  readonly registry = new Registry();

  readonly messagesFetched = new Counter({
    name: 'mailverdict_messages_fetched_total', help: 'Messages fetched from IMAP mailboxes',
    labelNames: ['account', 'mailbox'] as const, registers: [this.registry],
  });
  readonly messagesEnqueued = new Counter({
    name: 'mailverdict_messages_enqueued_total', help: 'Messages put on the queue in batches',
    labelNames: ['account', 'mailbox'] as const, registers: [this.registry],
  });
  readonly messagesParsed = new Counter({
    name: 'mailverdict_messages_parsed_total', help: 'Messages parsed into documents', registers: [this.registry],
  });
  readonly messagesIndexed = new Counter({
    name: 'mailverdict_messages_indexed_total',
    help: 'Documents by outcome: created, duplicate, dead_lettered, expired (older than the retention window, not indexed)',
    labelNames: ['outcome'] as const, registers: [this.registry],
  });
  readonly parseWarnings = new Counter({
    name: 'mailverdict_parse_warnings_total', help: 'Parse warnings by the vendor (gateway id) that raised them',
    labelNames: ['vendor'] as const, registers: [this.registry],
  });
  readonly errors = new Counter({
    name: 'mailverdict_errors_total', help: 'Errors by stage and bounded error code',
    labelNames: ['stage', 'code'] as const, registers: [this.registry],
  });
  readonly imapReconnects = new Counter({
    name: 'mailverdict_imap_reconnects_total', help: 'IMAP reconnect attempts after a lost connection',
    labelNames: ['account'] as const, registers: [this.registry],
  });
  readonly elasticsearchRetries = new Counter({
    name: 'mailverdict_elasticsearch_retries_total', help: 'Bulk requests or items retried after a transient failure',
    registers: [this.registry],
  });
  readonly queueDepth = new Gauge({
    name: 'mailverdict_queue_jobs', help: 'Jobs in the message queue by state',
    labelNames: ['state'] as const, registers: [this.registry],
  });
  readonly endToEndLag = new Histogram({
    name: 'mailverdict_end_to_end_lag_seconds',
    help: 'From the IMAP INTERNALDATE of a message to its document being indexed',
    buckets: [0.25, 0.5, 1, 2, 3, 5, 10, 30, 60, 300, 3600, 86400], registers: [this.registry],
  });
  readonly batchDuration = new Histogram({
    name: 'mailverdict_batch_duration_seconds', help: 'Time to handle one batch, by stage',
    labelNames: ['stage'] as const, buckets: [0.01, 0.05, 0.1, 0.25, 0.5, 1, 2, 5, 10, 30], registers: [this.registry],
  });

  constructor(options: { defaultMetrics?: boolean } = {}) {
    if (options.defaultMetrics ?? true) collectDefaultMetrics({ register: this.registry, prefix: 'mailverdict_process_' });
  }

  /** Counts a document's parse warnings under the vendor prefix of each warning (`ksmg:…` → ksmg). */
  countWarnings(warnings: readonly string[]): void {
    for (const warning of warnings) {
      const colon = warning.indexOf(':');
      const vendor = colon > 0 && colon <= 24 ? warning.slice(0, colon) : 'general';
      this.parseWarnings.inc({ vendor });
    }
  }
}
