// `mailverdict config check`: validates the configuration, then tries every connection it names — Redis
// (and whether it keeps queue state safely), Elasticsearch (and its index templates), each IMAP account
// (login, every mailbox) and Kibana when configured. One line per check; exit 1 when any check failed.
import { parseArgs } from 'node:util';
import type { SearchStore } from '../sink/search-store.js';
import { ImapFlow } from 'imapflow';
import { accessTokenSource } from '../collector/access-token-source.js';
import { imapOptions } from '../collector/imap-options.js';
import { ConfigError } from '../config/config-error.js';
import { loadConfig } from '../config/load-config.js';
import type { AccountConfig, Config } from '../config/schema.js';
import { Cluster } from 'ioredis';
import { createRedis } from '../queue/connection.js';
import { redisWhere } from '../queue/redis-topology.js';
import { createSearchStore } from '../sink/create-client.js';
import { elasticsearchReachability } from '../sink/elasticsearch-reachability.js';
import { checkIndexReplicas, checkIndexTemplates } from '../sink/index-setup.js';
import { UsageError, type Command, type CommandIo } from './command.js';

const usage = `Usage: mailverdict config check [options]

Validates the configuration and tests each connection it names, printing one line per check:
  config          the file and MAILVERDICT_* overrides are valid
  redis           reachable; warns when maxmemory-policy is not noeviction or nothing is persisted
  elasticsearch   reachable and authorized; warns when the index templates or the replicas of existing indices
                  need \`mailverdict setup\`
  imap <account>  login works, and each configured mailbox exists (a warning when no account is configured)
  kibana          reachable (only when a Kibana URL is configured or given)

Options:
  -c, --config <file>     config file (default: MAILVERDICT_CONFIG, ./mailverdict.yaml, /etc/mailverdict/config.yaml)
  --kibana <url>          also check this Kibana
  --timeout-ms <n>        give up on one connection after this long (default 10000)
  -h, --help              show this help

Exit status: 0 when every check passed (warnings included), 1 when any failed, 2 on a usage error.`;

export type CheckStatus = 'ok' | 'warn' | 'fail';

export interface CheckLine {
  status: CheckStatus;
  name: string;
  detail: string;
}

export interface CheckOptions {
  timeoutMs: number;
  kibanaUrl?: string | undefined;
  fetch?: typeof fetch;
}

export const configCommand: Command = {
  name: 'config',
  summary: 'check the configuration and every connection it names (`mailverdict config check`)',
  usage,
  async run(args, io) {
    const [sub, ...rest] = args;
    if (sub !== 'check') throw new UsageError(sub === undefined ? 'missing subcommand: check' : `unknown subcommand '${sub}'`);
    const { values } = parseArgs({
      args: rest,
      options: { config: { type: 'string', short: 'c' }, kibana: { type: 'string' }, 'timeout-ms': { type: 'string' } },
      strict: true,
    });
    const timeout = values['timeout-ms'] === undefined ? 10_000 : Number(values['timeout-ms']);
    if (!Number.isInteger(timeout) || timeout < 100) throw new UsageError(`--timeout-ms must be an integer of at least 100, got '${values['timeout-ms']}'`);
    let failed = false;
    const print = async (line: CheckLine): Promise<void> => {
      if (line.status === 'fail') failed = true;
      await io.stdout.write(formatCheckLine(line));
    };
    const config = await loadChecked(values.config, io, print);
    if (config === undefined) return 1;
    await runConnectionChecks(config, { timeoutMs: timeout, kibanaUrl: values.kibana ?? kibanaUrlOf(config) }, print);
    return failed ? 1 : 0;
  },
};

export function formatCheckLine(line: CheckLine): string {
  const tag = line.status === 'ok' ? 'ok  ' : line.status === 'warn' ? 'warn' : 'FAIL';
  return `${tag}  ${line.name.padEnd(24)} ${line.detail}\n`;
}

async function loadChecked(file: string | undefined, io: CommandIo, print: (l: CheckLine) => Promise<void>): Promise<Config | undefined> {
  try {
    const config = loadConfig(file === undefined ? { env: io.env } : { file, env: io.env });
    await print({ status: 'ok', name: 'config', detail: file ?? io.env['MAILVERDICT_CONFIG'] ?? 'valid' });
    return config;
  } catch (err) {
    if (!(err instanceof ConfigError)) throw err;
    for (const issue of err.issues) await print({ status: 'fail', name: 'config', detail: issue });
    return undefined;
  }
}

/** Every connection check, in order; each line is handed to `report` as soon as it is known. */
export async function runConnectionChecks(config: Config, options: CheckOptions, report: (line: CheckLine) => Promise<void>): Promise<void> {
  for (const line of await checkRedis(config, options.timeoutMs)) await report(line);
  for (const line of await checkElasticsearch(config, options.timeoutMs)) await report(line);
  if (config.accounts.length === 0) {
    await report({ status: 'warn', name: 'imap', detail: 'no accounts configured: fine for work, alert, setup, status and replay; collect, run and demo need at least one under `accounts`' });
  }
  for (const account of config.accounts) {
    for (const line of await checkImapAccount(account, options.timeoutMs)) await report(line);
  }
  if (options.kibanaUrl !== undefined) await report(await checkKibana(options.kibanaUrl, options.timeoutMs, options.fetch ?? fetch));
}

export async function checkRedis(config: Config, timeoutMs: number): Promise<CheckLine[]> {
  const name = 'redis';
  const where = config.redis.url !== undefined ? redactUrl(config.redis.url) : redisWhere(config.redis);
  let lastError: Error | undefined;
  // Fail fast instead of reconnecting forever.
  const redis = createRedis(config.redis, 'probe', (err) => {
    lastError = err;
  }, { connectTimeoutMs: timeoutMs });
  try {
    await withTimeout(redis.connect(), timeoutMs, `no answer from ${where}`);
    const info = await withTimeout(redis.info(), timeoutMs, `no answer from ${where}`);
    const fields = parseRedisInfo(info);
    const masters = redis instanceof Cluster ? `, ${redis.nodes('master').length} masters` : '';
    const lines: CheckLine[] = [{ status: 'ok', name, detail: `${where} (Redis ${fields.get('redis_version') ?? '?'}${masters})` }];
    const policy = fields.get('maxmemory_policy');
    if (policy !== undefined && policy !== 'noeviction') {
      lines.push({ status: 'warn', name, detail: `maxmemory-policy is ${policy}, not noeviction: Redis may evict queue jobs and watermarks under memory pressure (they would be re-read, not lost)` });
    }
    const aof = fields.get('aof_enabled') === '1';
    const save = await withTimeout(redis.config('GET', 'save'), timeoutMs, 'CONFIG GET save timed out').then(
      (r) => (Array.isArray(r) ? String(r[1] ?? '') : ''),
      () => undefined,
    );
    if (!aof && save === '') {
      lines.push({ status: 'warn', name, detail: 'no persistence (appendonly no, no RDB save points): a Redis restart empties the queue and watermarks, so mailboxes are read again from the start' });
    } else if (!aof && save === undefined) {
      lines.push({ status: 'warn', name, detail: 'appendonly is off and the RDB save points cannot be read (CONFIG disabled): check persistence' });
    }
    return lines;
  } catch (err) {
    // "Connection is closed" says less than the connection error that closed it.
    return [{ status: 'fail', name, detail: `${where}: ${reason(lastError ?? err)}` }];
  } finally {
    redis.disconnect();
  }
}

export async function checkElasticsearch(config: Config, timeoutMs: number): Promise<CheckLine[]> {
  const name = 'elasticsearch';
  const where = config.elasticsearch.nodes.map(redactUrl).join(', ');
  let client: SearchStore;
  try {
    client = createSearchStore({ ...config.elasticsearch, requestTimeoutMs: timeoutMs, maxRetries: 0 });
  } catch (err) {
    return [{ status: 'fail', name, detail: reason(err) }];
  }
  try {
    const reach = await elasticsearchReachability(client, timeoutMs);
    const lines: CheckLine[] = [{ status: reach.healthy ? 'ok' : 'warn', name, detail: `${where} (${reach.detail})` }];
    const problems = [...await checkIndexTemplates(client, config.elasticsearch), ...await checkIndexReplicas(client, config.elasticsearch)];
    for (const p of problems) lines.push({ status: 'warn', name, detail: p });
    return lines;
  } catch (err) {
    return [{ status: 'fail', name, detail: `${where}: ${reason(err)}` }];
  } finally {
    await client.close().catch(() => undefined);
  }
}

export async function checkImapAccount(account: AccountConfig, timeoutMs: number): Promise<CheckLine[]> {
  const name = `imap ${account.id}`;
  const where = `${account.user}@${account.host}:${account.port}`;
  let client: ImapFlow;
  try {
    // An oauth2 account gets its token from the provider first: that checks the refresh token too.
    const token = await withTimeout(accessTokenSource(account)?.current() ?? Promise.resolve(undefined), timeoutMs, 'no answer from the OAuth2 token endpoint');
    client = new ImapFlow(imapOptions(account, { connectionTimeout: timeoutMs, greetingTimeout: timeoutMs, socketTimeout: timeoutMs }, token));
  } catch (err) {
    return [{ status: 'fail', name, detail: reason(err) }];
  }
  client.on('error', () => undefined);
  try {
    await withTimeout(client.connect(), timeoutMs, `no answer from ${account.host}:${account.port}`);
  } catch (err) {
    client.close();
    const e = err as { authenticationFailed?: boolean; responseText?: string };
    const why = e.authenticationFailed === true
      ? `login failed for ${account.user}: wrong user name or ${account.password === undefined ? 'access token' : 'password'}${e.responseText ? ` (server: ${e.responseText})` : ''}`
      : reason(err);
    return [{ status: 'fail', name, detail: `${where}: ${why}` }];
  }
  const lines: CheckLine[] = [{ status: 'ok', name, detail: `${where} login (${account.tls === 'none' ? 'no TLS' : account.tls})` }];
  try {
    const existing = new Set((await client.list()).map((m) => m.path));
    for (const mailbox of account.mailboxes) {
      if (!existing.has(mailbox.path)) {
        lines.push({ status: 'fail', name: `${name} mailbox`, detail: `"${mailbox.path}" does not exist on ${account.host}` });
        continue;
      }
      const status = await client.status(mailbox.path, { messages: true, uidValidity: true });
      const count = status === false ? '?' : String(status.messages ?? '?');
      lines.push({ status: 'ok', name: `${name} mailbox`, detail: `"${mailbox.path}" exists, ${count} messages` });
    }
  } catch (err) {
    lines.push({ status: 'fail', name: `${name} mailbox`, detail: reason(err) });
  } finally {
    await client.logout().catch(() => client.close());
  }
  return lines;
}

export async function checkKibana(url: string, timeoutMs: number, fetchImpl: typeof fetch): Promise<CheckLine> {
  const name = 'kibana';
  const where = redactUrl(url);
  try {
    const response = await fetchImpl(new URL('api/status', url.endsWith('/') ? url : `${url}/`), {
      headers: { 'kbn-xsrf': 'mailverdict' },
      signal: AbortSignal.timeout(timeoutMs),
    });
    if (response.status === 401 || response.status === 403) return { status: 'fail', name, detail: `${where}: HTTP ${response.status}, check the Kibana credentials` };
    if (!response.ok) return { status: 'fail', name, detail: `${where}: HTTP ${response.status}` };
    const body = (await response.json().catch(() => ({}))) as { version?: { number?: string }; status?: { overall?: { level?: string; state?: string } } };
    const level = body.status?.overall?.level ?? body.status?.overall?.state ?? 'unknown';
    return { status: level === 'available' || level === 'green' ? 'ok' : 'warn', name, detail: `${where} (Kibana ${body.version?.number ?? '?'}, ${level})` };
  } catch (err) {
    return { status: 'fail', name, detail: `${where}: ${reason(err)}` };
  }
}

function kibanaUrlOf(config: Config): string | undefined {
  const kibana = (config as { kibana?: { url?: unknown } }).kibana;
  return typeof kibana?.url === 'string' ? kibana.url : undefined;
}

function parseRedisInfo(info: string): Map<string, string> {
  const out = new Map<string, string>();
  for (const line of info.split('\n')) {
    const colon = line.indexOf(':');
    if (colon > 0 && !line.startsWith('#')) out.set(line.slice(0, colon), line.slice(colon + 1).trim());
  }
  return out;
}

function statusOf(err: unknown): number | undefined {
  const code = (err as { meta?: { statusCode?: unknown } }).meta?.statusCode;
  return typeof code === 'number' ? code : undefined;
}

/** A short reason: the connection error code when there is one (ECONNREFUSED…), else the message. */
export function reason(err: unknown): string {
  const status = statusOf(err);
  if (status === 401) return 'authentication failed (HTTP 401): check apiKey or username/password';
  if (status === 403) return 'not authorized (HTTP 403): the API key or user lacks a privilege';
  const e = err as { code?: unknown; message?: unknown; cause?: unknown; name?: unknown };
  const cause = e.cause as { code?: unknown; message?: unknown } | undefined;
  const code = typeof e.code === 'string' ? e.code : typeof cause?.code === 'string' ? cause.code : undefined;
  const message = typeof e.message === 'string' && e.message !== '' ? e.message : String(err);
  const text = code === 'ECONNREFUSED' ? `connection refused (${message})`
    : code === 'ENOTFOUND' ? `host not found (${message})`
    : e.name === 'ConnectionError' ? `cannot connect: ${message}`
    : message;
  return text.length > 300 ? `${text.slice(0, 300)}…` : text;
}

function redactUrl(url: string): string {
  try {
    const u = new URL(url);
    if (u.password !== '') u.password = '***';
    return u.toString().replace(/\/$/, '');
  } catch {
    return url;
  }
}

async function withTimeout<T>(promise: Promise<T>, ms: number, message: string): Promise<T> {
  let timer: NodeJS.Timeout | undefined;
  const timeout = new Promise<never>((_, reject) => {
    timer = setTimeout(() => reject(new Error(`${message} within ${ms} ms`)), ms);
  });
  try {
    return await Promise.race([promise, timeout]);
  } finally {
    clearTimeout(timer);
  }
}
