// Metrics of the log half: what the syslog receiver took, could not take (UDP), or cut, and what workers made
// of the lines. Registered on the process's PipelineMetrics registry. Label values that come from input
// (family/kind of non-event lines) are bounded: past MAX_KINDS distinct values they count as "other".
import { Counter, Gauge, type Registry } from 'prom-client';

const MAX_KINDS = 500;

export class LogMetrics {
  readonly framesReceived: Counter<'transport'>;
  readonly udpDropped: Counter;
  readonly framesOversized: Counter;
  readonly linesEnqueued: Counter;
  readonly pausedConnections: Gauge;
  readonly bufferedLines: Gauge;
  readonly linesNotEvents: Counter<'family' | 'kind'>;
  readonly logEventsIndexed: Counter<'outcome'>;
  private readonly kinds = new Set<string>();

  constructor(registry: Registry) {
    const registers = [registry];
    this.framesReceived = new Counter({ name: 'mailverdict_syslog_frames_received_total', help: 'Syslog messages taken by the receiver', labelNames: ['transport'], registers });
    this.udpDropped = new Counter({ name: 'mailverdict_syslog_udp_dropped_total', help: 'UDP syslog datagrams that could not be taken because the queue and buffer were full', registers });
    this.framesOversized = new Counter({ name: 'mailverdict_syslog_frames_oversized_total', help: 'Syslog messages longer than listen.maxFrameBytes (cut)', registers });
    this.linesEnqueued = new Counter({ name: 'mailverdict_log_lines_enqueued_total', help: 'Log lines put on the queue in batches', registers });
    this.pausedConnections = new Gauge({ name: 'mailverdict_syslog_paused_connections', help: 'TCP/TLS connections paused by backpressure', registers });
    this.bufferedLines = new Gauge({ name: 'mailverdict_syslog_buffered_lines', help: 'Received lines waiting for room on the queue', registers });
    this.linesNotEvents = new Counter({ name: 'mailverdict_log_lines_not_events_total', help: 'Log lines that are not per-message events, by family and kind (not indexed)', labelNames: ['family', 'kind'], registers });
    this.logEventsIndexed = new Counter({ name: 'mailverdict_log_events_indexed_total', help: 'Log event documents written, by outcome', labelNames: ['outcome'], registers });
  }

  countNotEvents(others: ReadonlyMap<string, number>): void {
    for (const [key, n] of others) {
      const slash = key.indexOf('/');
      let family = key.slice(0, slash);
      let kind = key.slice(slash + 1);
      if (!this.kinds.has(key)) {
        if (this.kinds.size >= MAX_KINDS || !/^[\w.:-]{1,64}$/.test(kind) || !/^[\w.-]{1,32}$/.test(family)) {
          family = /^[\w.-]{1,32}$/.test(family) ? family : 'other';
          kind = 'other';
        } else {
          this.kinds.add(key);
        }
      }
      this.linesNotEvents.inc({ family, kind }, n);
    }
  }
}
