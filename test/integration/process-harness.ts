// Fault tests with real separate processes: `node bin/mailverdict.js <cmd> -c <config.yaml>` spawned per role,
// a generated YAML configuration per test (unique key prefix, queue, index prefix, mailboxes), generated
// messages, a TCP proxy in front of Elasticsearch that can be cut, and a private redis-server that may be
// flushed. The shared servers are never stopped or flushed.
import { execFile, spawn, type ChildProcess } from 'node:child_process';
import { mkdtempSync, rmSync, writeFileSync } from 'node:fs';
import { createServer, type Server, type Socket, connect as netConnect } from 'node:net';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { fileURLToPath } from 'node:url';
import type { SearchStore } from '../../src/sink/search-store.js';
import { ImapFlow } from 'imapflow';
import { Redis } from 'ioredis';
import { stringify } from 'yaml';
import { readMailboxStatuses } from '../../src/mailbox-state/mailbox-status.js';
import { parseMessage } from '../../src/parse/parse-message.js';
import { createSearchStore } from '../../src/sink/create-client.js';
import { defaultEngine, type EngineUnderTest } from '../support/engines.js';
import { serviceSettings, uniqueName } from '../support/services.js';
import { fixtureMessages, waitFor } from './pipeline-harness.js';

export { waitFor };

export const REPO = fileURLToPath(new URL('../../', import.meta.url));
const BIN = join(REPO, 'bin/mailverdict.js');

let built: Promise<void> | undefined;

/** Builds dist/ once per test file (the processes run the compiled CLI). */
export function buildDist(): Promise<void> {
  built ??= new Promise((resolve, reject) => {
    execFile('npx', ['tsc', '-p', 'tsconfig.build.json'], { cwd: REPO, timeout: 170_000 }, (err, stdout, stderr) => {
      if (err) reject(new Error(`build failed: ${err.message}\n${stdout}\n${stderr}`.slice(0, 4000)));
      else resolve();
    });
  });
  return built;
}

/** The environment of a child: no MAILVERDICT_* variable of ours leaks in as a config override. */
function childEnv(extra: Record<string, string> = {}): NodeJS.ProcessEnv {
  const env: NodeJS.ProcessEnv = {};
  for (const [k, v] of Object.entries(process.env)) if (!k.startsWith('MAILVERDICT_')) env[k] = v;
  return { ...env, ...extra };
}

export interface LogLine {
  level?: number;
  msg?: string;
  [key: string]: unknown;
}

const live = new Set<MvProcess>();

/** One long-running `mailverdict <command>` child process. */
export class MvProcess {
  readonly child: ChildProcess;
  readonly lines: string[] = [];
  stderr = '';
  readonly exited: Promise<{ code: number | null; signal: NodeJS.Signals | null }>;
  private partial = '';
  private exit: { code: number | null; signal: NodeJS.Signals | null } | undefined;

  constructor(readonly command: string, readonly configFile: string, env: Record<string, string> = {}) {
    this.child = spawn(process.execPath, [BIN, command, '-c', configFile], { cwd: REPO, env: childEnv(env), stdio: ['ignore', 'pipe', 'pipe'] });
    live.add(this);
    this.child.stdout?.setEncoding('utf8').on('data', (chunk: string) => {
      const text = this.partial + chunk;
      const parts = text.split('\n');
      this.partial = parts.pop() ?? '';
      // Bounded: only the last lines are kept (a long backfill logs a lot of them).
      for (const p of parts) if (p.length > 0) this.lines.push(p);
      if (this.lines.length > 5000) this.lines.splice(0, this.lines.length - 5000);
    });
    this.child.stderr?.setEncoding('utf8').on('data', (chunk: string) => {
      this.stderr = (this.stderr + chunk).slice(-20_000);
    });
    this.exited = new Promise((resolve) => {
      this.child.once('exit', (code, signal) => {
        this.exit = { code, signal };
        live.delete(this);
        resolve(this.exit);
      });
    });
  }

  get pid(): number {
    return this.child.pid ?? -1;
  }

  get running(): boolean {
    return this.exit === undefined;
  }

  logs(): LogLine[] {
    const out: LogLine[] = [];
    for (const l of this.lines) {
      try {
        out.push(JSON.parse(l) as LogLine);
      } catch { /* not JSON */ }
    }
    return out;
  }

  /** Polls the log for a line; fails early if the process exits. */
  async waitForLog(what: string, match: (line: LogLine) => boolean, timeoutMs = 60_000): Promise<LogLine> {
    const found = await waitFor(what, async () => {
      if (!this.running) throw new Error(`${this.command} exited (${JSON.stringify(this.exit)}) while waiting for ${what}; stderr: ${this.stderr.slice(-2000)}; stdout: ${this.lines.slice(-20).join('\n')}`);
      return this.logs().find(match);
    }, (l) => l !== undefined, timeoutMs);
    return found as LogLine;
  }

  /** The /metrics + /health base URL the process logged at start (http.port 0 = any free port). */
  async httpUrl(timeoutMs = 60_000): Promise<string> {
    const line = await this.waitForLog('"mailverdict started"', (l) => l.msg === 'mailverdict started', timeoutMs);
    return String(line['http']);
  }

  /** Sum of a metric's samples whose labels include every given label. */
  async metric(name: string, labels: Record<string, string> = {}): Promise<number> {
    const res = await fetch(`${await this.httpUrl()}/metrics`);
    const text = await res.text();
    let sum = 0;
    for (const line of text.split('\n')) {
      if (!line.startsWith(name)) continue;
      const rest = line.slice(name.length);
      if (rest[0] !== '{' && rest[0] !== ' ') continue;
      const wanted = Object.entries(labels).every(([k, v]) => rest.includes(`${k}="${v}"`));
      if (!wanted) continue;
      const value = Number(line.slice(line.lastIndexOf(' ') + 1));
      if (Number.isFinite(value)) sum += value;
    }
    return sum;
  }

  /** kill -9: no shutdown code runs. */
  async kill9(): Promise<void> {
    if (this.running) this.child.kill('SIGKILL');
    await this.exited;
  }

  /** SIGTERM (graceful), SIGKILL after `graceMs`; resolves with the exit. */
  async stop(graceMs = 30_000): Promise<{ code: number | null; signal: NodeJS.Signals | null }> {
    if (!this.running) return this.exited;
    this.child.kill('SIGTERM');
    const timer = setTimeout(() => this.child.kill('SIGKILL'), graceMs);
    try {
      return await this.exited;
    } finally {
      clearTimeout(timer);
    }
  }
}

/** Kills every child still running (test clean-up). */
export async function killAll(): Promise<void> {
  await Promise.all([...live].map((p) => p.kill9()));
}

export interface RunResult {
  code: number | null;
  signal: NodeJS.Signals | null;
  stdout: string;
  stderr: string;
  ms: number;
  timedOut: boolean;
}

/** Runs a short `mailverdict` command to its end (killed after timeoutMs: a hang is a result too). */
export function runMv(args: string[], options: { timeoutMs?: number; env?: Record<string, string> } = {}): Promise<RunResult> {
  const started = Date.now();
  return new Promise((resolve) => {
    const child = spawn(process.execPath, [BIN, ...args], { cwd: REPO, env: childEnv(options.env), stdio: ['ignore', 'pipe', 'pipe'] });
    let stdout = '';
    let stderr = '';
    let timedOut = false;
    child.stdout.setEncoding('utf8').on('data', (c: string) => { stdout = (stdout + c).slice(-200_000); });
    child.stderr.setEncoding('utf8').on('data', (c: string) => { stderr = (stderr + c).slice(-200_000); });
    const timer = setTimeout(() => {
      timedOut = true;
      child.kill('SIGKILL');
    }, options.timeoutMs ?? 60_000);
    child.once('exit', (code, signal) => {
      clearTimeout(timer);
      // Let the pipes drain before resolving.
      setImmediate(() => resolve({ code, signal, stdout, stderr, ms: Date.now() - started, timedOut }));
    });
  });
}

/** A free TCP port on 127.0.0.1 (bound and released). */
export function freePort(): Promise<number> {
  return new Promise((resolve, reject) => {
    const s = createServer();
    s.once('error', reject);
    s.listen(0, '127.0.0.1', () => {
      const address = s.address();
      const port = typeof address === 'object' && address !== null ? address.port : 0;
      s.close(() => resolve(port));
    });
  });
}

/**
 * A TCP proxy between the product and a real server. `cut()` closes the listener and destroys every
 * connection (the server looks down: connection refused); `restore()` listens again on the same port.
 */
export class TcpProxy {
  private server: Server | undefined;
  private readonly sockets = new Set<Socket>();
  connections = 0;

  private constructor(readonly port: number, private readonly target: { host: string; port: number }) {}

  static async start(target: { host: string; port: number }): Promise<TcpProxy> {
    const proxy = new TcpProxy(await freePort(), target);
    await proxy.restore();
    return proxy;
  }

  get url(): string {
    return `http://127.0.0.1:${this.port}`;
  }

  get up(): boolean {
    return this.server !== undefined;
  }

  async restore(): Promise<void> {
    if (this.server !== undefined) return;
    const server = createServer((client) => {
      this.connections++;
      const upstream = netConnect(this.target.port, this.target.host);
      this.sockets.add(client);
      this.sockets.add(upstream);
      const drop = (): void => {
        client.destroy();
        upstream.destroy();
        this.sockets.delete(client);
        this.sockets.delete(upstream);
      };
      client.on('error', drop).on('close', drop);
      upstream.on('error', drop).on('close', drop);
      client.pipe(upstream);
      upstream.pipe(client);
    });
    await new Promise<void>((resolve, reject) => {
      server.once('error', reject);
      server.listen(this.port, '127.0.0.1', () => resolve());
    });
    this.server = server;
  }

  async cut(): Promise<void> {
    const server = this.server;
    if (server === undefined) return;
    this.server = undefined;
    const closed = new Promise<void>((resolve) => server.close(() => resolve()));
    for (const s of this.sockets) s.destroy();
    this.sockets.clear();
    await closed;
  }

  async close(): Promise<void> {
    await this.cut();
  }
}

/** A private redis-server in a temp dir (the shared one must never be flushed). */
export class PrivateRedis {
  private constructor(readonly port: number, readonly dir: string, private readonly child: ChildProcess, readonly client: Redis) {}

  get url(): string {
    return `redis://127.0.0.1:${this.port}`;
  }

  /** `password`: started with `requirepass` (the test client uses it); `port`: a chosen free port. */
  static async start(options: { password?: string; port?: number } = {}): Promise<PrivateRedis> {
    const dir = mkdtempSync(join(tmpdir(), 'mv-redis-'));
    const port = options.port ?? await freePort();
    const auth = options.password === undefined ? [] : ['--requirepass', options.password];
    const child = spawn('redis-server', ['--port', String(port), '--bind', '127.0.0.1', '--save', '', '--appendonly', 'no', '--dir', dir, ...auth], {
      stdio: 'ignore',
    });
    const client = new Redis(port, '127.0.0.1', {
      maxRetriesPerRequest: 1, lazyConnect: true, retryStrategy: () => 200,
      ...(options.password === undefined ? {} : { password: options.password }),
    });
    client.on('error', () => undefined);
    const r = new PrivateRedis(port, dir, child, client);
    await waitFor('private redis-server', () => client.ping().catch(() => 'down'), (v) => v === 'PONG', 20_000);
    return r;
  }

  async flushAll(): Promise<void> {
    await this.client.flushall();
  }

  async stop(): Promise<void> {
    this.client.disconnect();
    if (this.child.exitCode === null && this.child.signalCode === null) {
      const exited = new Promise((resolve) => this.child.once('exit', resolve));
      this.child.kill('SIGTERM');
      await exited;
    }
    rmSync(this.dir, { recursive: true, force: true });
  }
}

export interface GeneratedMessage {
  raw: Buffer;
  id: string;
}

/**
 * `count` distinct messages from the fixtures: each copy gets its own topmost Received line (as a relay
 * would add), so its header block — and so its document id — is unique. The documents' @timestamp is that
 * line's date (the topmost Received), so they all land in one monthly index.
 */
export function generateMessages(count: number, tag: string, receivedDate = 'Tue, 1 Oct 2024 10:00:00 +0000'): GeneratedMessage[] {
  const fixtures = fixtureMessages();
  const out: GeneratedMessage[] = [];
  for (let i = 0; i < count; i++) {
    const f = fixtures[i % fixtures.length]!;
    const eol = f.raw.indexOf('\r\n') >= 0 && f.raw.indexOf('\r\n') < f.raw.indexOf('\n') + 1 ? '\r\n' : '\n';
    const received = `Received: from relay${i}.${tag}.fault.test (relay${i}.fault.test [192.0.2.${(i % 250) + 1}])${eol}` +
      `\tby mx.fault.test with ESMTP id ${tag}-${i}; ${receivedDate}${eol}`;
    const raw = Buffer.concat([Buffer.from(received, 'latin1'), f.raw]);
    out.push({ raw, id: parseMessage(raw, { origin: { kind: 'file' } }).id });
  }
  return out;
}

/**
 * The messages with CRLF line ends, as SMTP/LMTP deliver them and IMAP APPEND requires (Cyrus refuses bare
 * newlines; Dovecot tolerates them), and the ids the pipeline must give them.
 */
export function withCrlf(messages: readonly GeneratedMessage[]): GeneratedMessage[] {
  return messages.map((m) => {
    const raw = Buffer.from(m.raw.toString('latin1').replace(/\r?\n/g, '\r\n'), 'latin1');
    return { raw, id: parseMessage(raw, { origin: { kind: 'file' } }).id };
  });
}

export type ImapUserName = 'quarantine' | 'alice' | 'bob';

/** One test's unique names, clients for checking, and clean-up of everything under them. */
export interface FaultCase {
  tag: string;
  /** The search engine this case indexes into. */
  target: EngineUnderTest;
  dir: string;
  keyPrefix: string;
  indexPrefix: string;
  queueName: string;
  es: SearchStore;
  redis: Redis;
  mailbox(user: ImapUserName, suffix?: string): Promise<string>;
  /** Deletes the mailbox and creates it again, empty: the server gives it a new UIDVALIDITY. */
  recreate(user: ImapUserName, mailbox: string): Promise<void>;
  /** APPENDs over `connections` parallel connections (UIDs then follow completion order, not list order). */
  append(user: ImapUserName, mailbox: string, raws: readonly Buffer[], connections?: number): Promise<void>;
  writeConfig(config: Record<string, unknown>, name?: string): string;
  baseConfig(accounts: AccountSpec[], overrides?: ConfigOverrides): Record<string, unknown>;
  docIds(): Promise<string[]>;
  docCount(): Promise<number>;
  deadLetters(): Promise<{ id: string; source: Record<string, unknown> }[]>;
  /** `mailverdict status --json` (a process: slow, for checking what a person sees). */
  status(configFile: string): Promise<StatusJson>;
  /** The mailbox statuses straight from Redis (cheap, for polling). */
  mailboxes(client?: Redis): Promise<StatusJson['mailboxes']>;
  cleanup(): Promise<void>;
}

export interface AccountSpec {
  id: string;
  user: ImapUserName;
  mailboxes: string[];
  password?: string;
  batchSize?: number;
  pollIntervalMs?: number;
}

export interface ConfigOverrides {
  /** Search store URL instead of the engine's own (a proxy in front of it). */
  esUrl?: string;
  redisUrl?: string;
  elasticsearch?: Record<string, unknown>;
  queue?: Record<string, unknown>;
  worker?: Record<string, unknown>;
}

export interface StatusJson {
  mailboxes: {
    account: string; mailbox: string; phase?: string; uidvalidity?: number; committed?: number; lastSeenUid?: number; expired?: number;
    lastError?: string; lastErrorAt?: string; lastErrorRecovered?: boolean; connectedAt?: string; collector?: string;
  }[];
  queue: Record<string, number>;
  documents: { indexed: number | null; deadLettered: number | null; error?: string };
}

/** The real IMAP servers the suite knows (scripts/services starts both). */
export type ImapServer = 'dovecot' | 'cyrus';

/** `nodes`: several nodes of one cluster (the scale tests) instead of the engine's single URL, for the test's own
 * client and the processes' configuration alike. */
export async function createFaultCase(tag: string, options: { server?: ImapServer; engine?: EngineUnderTest; nodes?: string[] } = {}): Promise<FaultCase> {
  const target = options.engine ?? defaultEngine();
  const nodes = options.nodes ?? [target.url];
  const s = serviceSettings();
  const imapPort = options.server === 'cyrus' ? s.cyrusPort : s.imapPort;
  const dir = mkdtempSync(join(tmpdir(), `mv-fault-${tag}-`));
  const keyPrefix = uniqueName(`flt-${tag}`);
  const indexPrefix = uniqueName(`flt-${tag}`).toLowerCase();
  const queueName = uniqueName(`fltq-${tag}`);
  const es = createSearchStore({
    engine: target.engine, nodes, rejectUnauthorized: true, indexPrefix, retentionMonths: 1200,
    bulkMaxDocs: 1000, bulkMaxBytes: 5 * 1024 * 1024, requestTimeoutMs: 30_000, maxRetries: 2,
  });
  const redis = new Redis(s.redisUrl, { maxRetriesPerRequest: 3 });
  redis.on('error', () => undefined);
  const imaps = new Map<ImapUserName, ImapFlow>();
  const created: { user: ImapUserName; mailbox: string }[] = [];
  const pass = (user: ImapUserName): string => s.imapUsers.find((u) => u.user === user)?.pass ?? `${user}-pass`;

  const imap = async (user: ImapUserName): Promise<ImapFlow> => {
    let c = imaps.get(user);
    if (c === undefined || !c.usable) {
      c = new ImapFlow({ host: s.imapHost, port: imapPort, secure: false, doSTARTTLS: false, auth: { user, pass: pass(user) }, logger: false });
      c.on('error', () => undefined);
      await c.connect();
      imaps.set(user, c);
    }
    return c;
  };
  const dataIndices = `${indexPrefix}-2*,${indexPrefix}-undated`;

  const fc: FaultCase = {
    tag, target, dir, keyPrefix, indexPrefix, queueName, es, redis,

    async mailbox(user, suffix = 'box') {
      const name = uniqueName(`flt-${tag}-${suffix}`);
      await (await imap(user)).mailboxCreate(name);
      created.push({ user, mailbox: name });
      return name;
    },

    async recreate(user, mailbox) {
      const c = await imap(user);
      await c.mailboxDelete(mailbox);
      await c.mailboxCreate(mailbox);
      // Dovecot may answer a later APPEND on this session with "Mailbox was deleted under us": start afresh.
      imaps.delete(user);
      await c.logout().catch(() => undefined);
    },

    async append(user, mailbox, raws, connections = 4) {
      // A few connections in parallel: thousands of APPENDs take seconds, not minutes.
      const conns = [await imap(user)];
      for (let i = 1; i < Math.min(connections, raws.length); i++) {
        const c = new ImapFlow({ host: s.imapHost, port: imapPort, secure: false, doSTARTTLS: false, auth: { user, pass: pass(user) }, logger: false });
        c.on('error', () => undefined);
        await c.connect();
        conns.push(c);
      }
      let next = 0;
      await Promise.all(conns.map(async (c) => {
        while (next < raws.length) {
          const raw = raws[next++]!;
          await c.append(mailbox, raw);
        }
      }));
      for (const c of conns.slice(1)) await c.logout().catch(() => undefined);
    },

    writeConfig(config, name = 'config.yaml') {
      const file = join(dir, name);
      writeFileSync(file, stringify(config));
      return file;
    },

    baseConfig(accounts, o = {}) {
      return {
        redis: { url: o.redisUrl ?? s.redisUrl, keyPrefix },
        // The fixtures are dated back to 2012: a shorter retention would delete their indices at worker start.
        elasticsearch: { engine: target.engine, nodes: o.esUrl === undefined ? nodes : [o.esUrl], indexPrefix, retentionMonths: 1200, ...o.elasticsearch },
        queue: { name: queueName, batchMaxMessages: 50, maxWaitingJobs: 20, ...o.queue },
        worker: { concurrency: 2, ...o.worker },
        accounts: accounts.map((a) => ({
          id: a.id, host: s.imapHost, port: imapPort, tls: 'none', user: a.user, password: a.password ?? pass(a.user),
          batchSize: a.batchSize ?? 100, pollIntervalMs: a.pollIntervalMs ?? 60_000, useIdle: true, mailboxes: a.mailboxes,
        })),
        http: { host: '127.0.0.1', port: 0 },
        log: { level: 'info' },
        alerts: { enabled: false },
      };
    },

    async docIds() {
      await es.indices.refresh({ index: dataIndices, allow_no_indices: true, ignore_unavailable: true });
      const r = await es.search({ index: dataIndices, size: 10_000, _source: false, allow_no_indices: true, ignore_unavailable: true, query: { match_all: {} }, track_total_hits: true });
      return r.hits.hits.map((h) => h._id ?? '').sort();
    },

    async docCount() {
      // A monthly index the worker has just created may not have its shard started yet: ask again shortly.
      for (let attempt = 1; ; attempt++) {
        try {
          await es.indices.refresh({ index: dataIndices, allow_no_indices: true, ignore_unavailable: true });
          return (await es.count({ index: dataIndices, allow_no_indices: true, ignore_unavailable: true })).count;
        } catch (err) {
          if (attempt >= 20 || !String((err as Error).message).includes('no_shard_available_action_exception')) throw err;
          await new Promise((resolve) => setTimeout(resolve, 250));
        }
      }
    },

    async deadLetters() {
      const index = `${indexPrefix}-deadletter`;
      await es.indices.refresh({ index, allow_no_indices: true, ignore_unavailable: true });
      const r = await es.search<Record<string, unknown>>({ index, size: 1000, allow_no_indices: true, ignore_unavailable: true, query: { match_all: {} } });
      return r.hits.hits.map((h) => ({ id: h._id ?? '', source: h._source ?? {} }));
    },

    async status(configFile) {
      const r = await runMv(['status', '-c', configFile, '--json'], { timeoutMs: 60_000 });
      if (r.code !== 0) throw new Error(`status failed (${r.code}): ${r.stderr}`);
      return JSON.parse(r.stdout) as StatusJson;
    },

    async mailboxes(client = redis) {
      return readMailboxStatuses(client, keyPrefix);
    },

    async cleanup() {
      await killAll();
      for (const { user, mailbox } of created) await (await imap(user)).mailboxDelete(mailbox).catch(() => undefined);
      for (const c of imaps.values()) await c.logout().catch(() => undefined);
      await es.indices.delete({ index: `${indexPrefix}-*`, ignore_unavailable: true, allow_no_indices: true, expand_wildcards: 'all' }).catch(() => undefined);
      await es.indices.deleteIndexTemplate({ name: `${indexPrefix}-*` }).catch(() => undefined);
      await deleteKeys(redis, `${keyPrefix}:*`);
      redis.disconnect();
      await es.close();
      rmSync(dir, { recursive: true, force: true });
    },
  };
  return fc;
}

/** Deletes every key matching `pattern` (SCAN, bounded). */
export async function deleteKeys(redis: Redis, pattern: string): Promise<void> {
  let cursor = '0';
  for (let i = 0; i < 100_000; i++) {
    const [next, keys] = await redis.scan(cursor, 'MATCH', pattern, 'COUNT', 1000);
    if (keys.length > 0) await redis.del(...keys);
    cursor = next;
    if (cursor === '0') break;
  }
}

/** Unique ids of generated messages, sorted (what the index must hold exactly). */
export function idsOf(messages: readonly GeneratedMessage[]): string[] {
  return [...new Set(messages.map((m) => m.id))].sort();
}
