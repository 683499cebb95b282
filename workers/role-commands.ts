// `mailverdict run | collect | work | alert`: the long-running processes. Each loads the configuration
// once, starts its roles, serves /metrics and /health, and shuts down gracefully on SIGINT/SIGTERM.
import { parseArgs } from 'node:util';
import { createLogger } from '../src/runtime/logger.js';
import { PipelineMetrics } from '../src/observability/metrics.js';
import { waitForRedis } from '../src/runtime/wait-for-redis.js';
import { startPipelineProcess, type Role } from './pipeline-process.js';
import type { Command } from '../src/commands/command.js';
import { commandConfig, CONFIG_OPTION, CONFIG_USAGE } from '../src/commands/config-option.js';

function roleCommand(name: string, roles: readonly Role[], summary: string, detail: string, applyTemplates: boolean): Command {
  const usage = `Usage: mailverdict ${name} [options]

${detail}
Runs until SIGINT/SIGTERM, then stops gracefully (collectors stop reading, workers finish their batches;
whatever is still queued is picked up by the next worker). Serves /metrics and /health on http.host:http.port.

Options:
${CONFIG_USAGE}
  -h, --help            show this help`;
  return {
    name, summary, usage,
    async run(args, io) {
      const { values } = parseArgs({ args, options: CONFIG_OPTION, strict: true });
      const config = commandConfig(values.config, io);
      const logger = createLogger(config.log.level, process.stdout, { format: config.log.format, isTty: process.stdout.isTTY === true });
      const metrics = new PipelineMetrics();
      // Redis down or refusing the password: say so and retry with backoff; a signal stops the waiting.
      const reachable = await waitForRedis(config.redis, {
        logger, signal: io.signal, onError: (code) => metrics.errors.inc({ stage: 'queueing', code }),
      });
      if (!reachable) {
        logger.info({ signal: String(io.signal?.reason ?? '') }, 'stopped before Redis answered');
        return 0;
      }
      const stopRequested = untilAborted(io.signal);
      const starting = startPipelineProcess(config, { roles, logger, applyTemplates, metrics });
      const running = await Promise.race([starting, stopRequested.then(() => undefined)]);
      if (running === undefined) {
        // The first signal stops even a start that hangs (a server went away meanwhile): what did start
        // is stopped in the background, and the launcher ends the process if something still holds it.
        logger.info({ signal: String(io.signal?.reason ?? '') }, 'shutting down while starting');
        void starting.then((p) => p.stop(), () => undefined);
        return 0;
      }
      await stopRequested;
      logger.info({ signal: String(io.signal?.reason ?? '') }, 'shutting down');
      await running.stop();
      return 0;
    },
  };
}

export const runCommand = roleCommand('run', ['work', 'collect', 'alert'],
  'run every role (collector, worker, alerter) in one process',
  'The simple single-machine mode: collects every configured mailbox, indexes, and alerts, in one process.\nApplies the index templates when they are missing.', true);

export const collectCommand = roleCommand('collect', ['collect'],
  'read the configured mailboxes and queue their messages',
  'Reads every configured mailbox it can lock (one collector per mailbox across all processes) and puts\nbatches of header blocks on the queue.', false);

export const workCommand = roleCommand('work', ['work'],
  'parse queued messages and index them into Elasticsearch',
  'Consumes batches from the queue, parses them and bulk-indexes the documents; advances the mailbox\nwatermarks. Refuses to start when the index templates are missing (run `mailverdict setup`).', false);

export const alertCommand = roleCommand('alert', ['alert'],
  'evaluate the alert rules and notify on scan-timeout/fallback spikes',
  'Evaluates the spike and silent-collector rules every interval; writes alerts to the alert index, the\nlog and the configured webhooks.', false);

/** Resolves when the signal aborts (never without one). */
function untilAborted(signal: AbortSignal | undefined): Promise<void> {
  return new Promise<void>((resolve) => {
    if (signal === undefined) return;
    if (signal.aborted) return resolve();
    signal.addEventListener('abort', () => resolve(), { once: true });
  });
}
export const listenCommand = roleCommand('listen', ['listen'],
  'receive gateway syslog (UDP/TCP/TLS) and queue the log lines',
  'Receives gateway logs on the listen.udpPort / tcpPort / tlsPort of the configuration and puts batches of\nraw lines on the queue; `mailverdict work` parses and indexes them. When the queue is full TCP reads pause and\nUDP datagrams that cannot be taken are counted (mailverdict_syslog_udp_dropped_total).', false);
