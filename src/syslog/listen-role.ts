// The `listen` role: syslog receiver → LogEnqueuer → the pipeline's BullMQ queue, with its metrics.
import type { Config } from '../config/schema.js';
import type { LogMetrics } from '../observability/log-metrics.js';
import { createRedis } from '../queue/connection.js';
import type { LogBatchJob } from '../queue/log-batch.js';
import { openMessageQueue } from '../queue/message-queue.js';
import type { Logger } from '../runtime/logger.js';
import { LogEnqueuer } from './log-enqueuer.js';
import { startSyslogListener, type SyslogListener } from './syslog-listener.js';

export interface ListenRole {
  readonly listener: SyslogListener;
  readonly enqueuer: LogEnqueuer;
  /** Stops receiving, queues what was received, closes. */
  stop(): Promise<void>;
}

export async function startListenRole(config: Pick<Config, 'listen' | 'queue' | 'redis'>, deps: { logger: Logger; metrics?: LogMetrics }): Promise<ListenRole> {
  const { listen } = config;
  if (listen.udpPort === undefined && listen.tcpPort === undefined && listen.tlsPort === undefined) {
    throw new Error('listen: set at least one of listen.udpPort, listen.tcpPort, listen.tlsPort');
  }
  const connection = createRedis(config.redis, 'command');
  const queue = openMessageQueue<LogBatchJob>(config, connection);
  let lastError = 0;
  // Queue and connection errors heal by reconnecting; one line per 10 s says so, the enqueuer retries.
  const warn = (error: unknown): void => {
    if (Date.now() - lastError > 10_000) deps.logger.warn({ stage: 'listening' }, `queueing log lines failed, retrying: ${(error as Error).message}`);
    lastError = Date.now();
  };
  queue.on('error', warn);
  const enqueuer = new LogEnqueuer(queue, {
    batchMaxLines: listen.batchMaxLines,
    batchMaxBytes: listen.batchMaxBytes,
    flushMs: listen.flushMs,
    maxQueuedBatches: config.queue.maxWaitingJobs,
    maxBufferedLines: listen.maxBufferedLines,
    maxBufferedBytes: Math.max(listen.batchMaxBytes * 4, 64 * 1024 * 1024),
    onEnqueued: (n) => deps.metrics?.linesEnqueued.inc(n),
    onError: warn,
  });
  let listener: SyslogListener;
  try {
    listener = await startSyslogListener(listen, enqueuer);
  } catch (error) {
    await enqueuer.close();
    await queue.close().catch(() => undefined);
    connection.disconnect();
    throw error;
  }
  const reported = { frames: 0, udpDropped: 0, oversized: 0 };
  const gauge = setInterval(() => {
    const c = listener.counters;
    deps.metrics?.framesReceived.inc({ transport: 'all' }, c.frames - reported.frames);
    deps.metrics?.udpDropped.inc(c.udpDropped - reported.udpDropped);
    deps.metrics?.framesOversized.inc(c.oversized - reported.oversized);
    Object.assign(reported, { frames: c.frames, udpDropped: c.udpDropped, oversized: c.oversized });
    deps.metrics?.pausedConnections.set(c.pausedConnections);
    deps.metrics?.bufferedLines.set(enqueuer.buffered);
  }, 1000);
  deps.logger.info({ ports: listener.ports, host: listen.host }, 'syslog receiver listening');
  return {
    listener,
    enqueuer,
    async stop() {
      clearInterval(gauge);
      await listener.close();
      const lost = await enqueuer.close();
      if (lost > 0) deps.logger.error({ stage: 'listening', lines: lost }, 'stopping: received log lines could not be queued (queue unreachable or full)');
      await queue.close().catch(() => undefined);
      connection.disconnect();
    },
  };
}
