// `mailverdict status`: what every collector, the queue and the index look like right now — read from
// Redis and Elasticsearch, so it works from any machine with the configuration.
import { parseArgs } from 'node:util';
import { readMailboxStatuses, type MailboxStatus } from '../mailbox-state/mailbox-status.js';
import { createRedis } from '../queue/connection.js';
import { openMessageQueue } from '../queue/message-queue.js';
import { stateKeyPrefix } from '../queue/queue-names.js';
import { createSearchStore } from '../sink/create-client.js';
import { checkRedisReachable, describeRedisError } from '../queue/redis-reachable.js';
import { stderrConnectionErrors } from './stderr-connection-errors.js';
import { deadLetterIndexName } from '../sink/index-name.js';
import { maskSecrets } from '../config/secrets.js';
import type { Command } from './command.js';
import { reason } from './config-check.js';
import { commandConfig, CONFIG_OPTION, CONFIG_USAGE } from './config-option.js';

const STATUS_TIMEOUT_MS = 5_000;

const usage = `Usage: mailverdict status [options]

Prints, per mailbox: the committed watermark, last seen UID, backlog, phase and last error (with its time and
whether a later connection recovered from it); the queue depth; the number of documents indexed and
dead-lettered, and of messages not indexed because they are older than the retention window.

Options:
${CONFIG_USAGE}
  --json                print one JSON object instead of tables
  -h, --help            show this help

Exit status: 0 when Redis and Elasticsearch answered, 1 when one did not (the line on stderr says which and
why; with Elasticsearch away the rest is still printed), 2 on a usage error.`;

export interface StatusReport {
  mailboxes: MailboxStatus[];
  queue: Record<string, number>;
  documents: { indexed: number | null; deadLettered: number | null; error?: string };
}

export const statusCommand: Command = {
  name: 'status',
  summary: 'show mailbox watermarks, queue depth and documents indexed',
  usage,
  async run(args, io) {
    const { values } = parseArgs({ args, options: { ...CONFIG_OPTION, json: { type: 'boolean', default: false } }, strict: true });
    const config = commandConfig(values.config, io);
    // Fail in one line (host and reason, no secret) instead of waiting through reconnects.
    await checkRedisReachable(config.redis);
    const errors = stderrConnectionErrors('status', io);
    const redis = createRedis(config.redis, 'command', { errors, stage: 'queueing', source: 'redis' });
    const queue = openMessageQueue(config, redis);
    queue.on('error', errors.listener('queueing', 'queue', (err) => describeRedisError(err, config.redis)));
    // A person is waiting: a short timeout and one retry, not the pipeline's patience.
    const es = createSearchStore({
      ...config.elasticsearch,
      requestTimeoutMs: Math.min(config.elasticsearch.requestTimeoutMs, STATUS_TIMEOUT_MS),
      maxRetries: Math.min(config.elasticsearch.maxRetries, 1),
    });
    try {
      const report: StatusReport = {
        mailboxes: await readMailboxStatuses(redis, stateKeyPrefix(config)),
        queue: await queue.getJobCounts('waiting', 'active', 'delayed', 'completed', 'failed'),
        documents: await documentCounts(es, config.elasticsearch.indexPrefix,
          [config.elasticsearch.apiKey, config.elasticsearch.password].filter((s): s is string => s !== undefined)),
      };
      await io.stdout.write(values.json ? `${JSON.stringify(report)}\n` : formatStatus(report));
      if (report.documents.error !== undefined) {
        await io.stderr.write(`mailverdict status: Elasticsearch: ${report.documents.error}\n`);
        return 1;
      }
      return 0;
    } finally {
      await queue.close().catch(() => undefined);
      redis.disconnect();
      await es.close();
    }
  },
};

async function documentCounts(es: ReturnType<typeof createSearchStore>, prefix: string, secrets: readonly string[]): Promise<StatusReport['documents']> {
  try {
    const [indexed, dead] = await Promise.all([
      es.count({ index: `${prefix}-2*`, ignore_unavailable: true, allow_no_indices: true }),
      es.count({ index: deadLetterIndexName(prefix), ignore_unavailable: true, allow_no_indices: true }),
    ]);
    return { indexed: indexed.count, deadLettered: dead.count };
  } catch (err) {
    return { indexed: null, deadLettered: null, error: maskSecrets(reason(err), secrets) };
  }
}

export function formatStatus(report: StatusReport): string {
  const rows = report.mailboxes.map((m) => [
    `${m.account}/${m.mailbox}`, m.phase ?? '-', String(m.uidvalidity ?? '-'), String(m.committed ?? '-'),
    String(m.lastSeenUid ?? '-'), String(m.backlog ?? '-'), m.lastPollAt ?? '-', lastErrorText(m),
  ]);
  const header = ['mailbox', 'phase', 'uidvalidity', 'committed', 'last seen', 'backlog', 'last poll', 'last error'];
  const lines = [table(header, rows), ''];
  lines.push(`queue: ${Object.entries(report.queue).map(([k, v]) => `${k} ${v}`).join(', ')}`);
  const d = report.documents;
  lines.push(d.indexed === null ? `documents: unknown (${d.error ?? 'Elasticsearch unreachable'})`
    : `documents: ${d.indexed} indexed, ${d.deadLettered} dead-lettered`);
  const expired = report.mailboxes.reduce((n, m) => n + (m.expired ?? 0), 0);
  if (expired > 0) {
    const where = report.mailboxes.filter((m) => (m.expired ?? 0) > 0).map((m) => `${m.account}/${m.mailbox} ${m.expired}`).join(', ');
    lines.push(`not indexed, older than the retention window (elasticsearch.retentionMonths): ${expired} (${where})`);
  }
  return `${lines.join('\n')}\n`;
}

/** "code: message (at <time>, recovered)": an error a later session got past is history, and says so. */
export function lastErrorText(m: MailboxStatus): string {
  if (m.lastError === undefined || m.lastError === '') return '';
  const when = m.lastErrorAt === undefined ? '' : `at ${m.lastErrorAt}, `;
  return `${m.lastError} (${when}${m.lastErrorRecovered === true ? `recovered ${m.connectedAt ?? ''}`.trimEnd() : 'not recovered'})`;
}

function table(header: string[], rows: string[][]): string {
  if (rows.length === 0) return 'no mailbox has reported yet (is a collector running?)';
  const widths = header.map((h, i) => Math.max(h.length, ...rows.map((r) => (r[i] ?? '').length)));
  const line = (cells: string[]): string => cells.map((c, i) => c.padEnd(widths[i] ?? 0)).join('  ').trimEnd();
  return [line(header), ...rows.map(line)].join('\n');
}
