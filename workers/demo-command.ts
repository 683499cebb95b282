// `mailverdict demo`: the one-command tour (see workers/run-demo.ts). Without a config file it talks to the
// local services `scripts/services up` starts (their settings overridable with the variables
// `scripts/services env` prints); with one it uses that file's Redis, Elasticsearch and first IMAP account,
// but only ever its own mailbox ("mailverdict-demo"), never the configured ones.
import { mkdirSync, writeFileSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join, resolve } from 'node:path';
import { parseArgs } from 'node:util';
import { stringify as toYaml } from 'yaml';
import { findConfigFile, loadConfig, parseConfig } from '../src/config/load-config.js';
import { requireAccounts } from '../src/config/require-accounts.js';
import type { Config } from '../src/config/schema.js';
import { DEFAULT_DEMO_SEED, DEFAULT_DEMO_SIZE, MAX_DEMO_SIZE, MIN_DEMO_SIZE } from '../src/demo/generate-quarantine.js';
import { DEMO_ACCOUNT_ID, DEMO_MAILBOX, runDemo } from './run-demo.js';
import type { SearchEngine } from '../src/sink/sink-config.js';
import { UsageError, type Command, type CommandIo } from '../src/commands/command.js';

const usage = `Usage: mailverdict demo [options]

Generates a demo quarantine (messages from KSMG, KLMS, IMail and a few other gateways over the last 30 days,
with a few hours of fallback/timeout scans on one KSMG gateway), APPENDs it to the IMAP mailbox
"${DEMO_MAILBOX}" (replacing an earlier demo's), applies the index templates, runs a collector and a worker
until the mailbox is indexed, sends the demo KSMG's own log stream (CEF events for all its mail, including mail
delivered after a scan timeout that no quarantine sees) to a syslog receiver on loopback TCP, runs the alerter over
the month, and prints what Elasticsearch now holds, quarantine and gateway log side by side.

Without a config file it uses the local services of \`scripts/services up\`: MAILVERDICT_ES_URL
(http://127.0.0.1:19200), MAILVERDICT_REDIS_URL (redis://127.0.0.1:6379), MAILVERDICT_IMAP_HOST (127.0.0.1),
MAILVERDICT_IMAP_PORT (10143), MAILVERDICT_DEMO_IMAP_USER (quarantine), MAILVERDICT_DEMO_IMAP_PASSWORD
(quarantine-pass), MAILVERDICT_KIBANA_URL (none); with --engine opensearch MAILVERDICT_OS_URL
(http://127.0.0.1:19250, started by \`scripts/services up opensearch\`) instead of MAILVERDICT_ES_URL.

Options:
  -c, --config <file>    use this configuration (its first IMAP account, or --account)
  --account <id>         the configured account to put the demo mailbox on
  --mailbox <name>       demo mailbox name (default ${DEMO_MAILBOX}); it is deleted and re-created
  --size <n>             number of messages (default ${DEFAULT_DEMO_SIZE}, ${MIN_DEMO_SIZE}-${MAX_DEMO_SIZE})
  --seed <text>          generator seed (default "${DEFAULT_DEMO_SEED}"); the same seed on the same day gives the same messages
  --kibana <url>         Kibana to point to in the summary
  --engine <name>        search engine: elasticsearch or opensearch (default: the configuration's, else elasticsearch)
  --seed-only            only generate and APPEND (e.g. to seed a Dovecot container), then exit
  --ascii                plain ASCII bars
  --listen-port <n>      loopback TCP port of the demo's syslog receiver (default: a free one)
  -h, --help             show this help`;

export interface DemoCommandDeps {
  isTty?: () => boolean;
}

export function createDemoCommand(deps: DemoCommandDeps = {}): Command {
  return {
    name: 'demo',
    summary: 'generate a demo quarantine, index it end to end and print a summary',
    usage,
    run: (args, io) => runDemoCommand(args, io, deps),
  };
}

export const demoCommand: Command = createDemoCommand();

async function runDemoCommand(args: string[], io: CommandIo, deps: DemoCommandDeps): Promise<number> {
  const { values } = parseArgs({
    args,
    options: {
      config: { type: 'string', short: 'c' },
      account: { type: 'string' },
      mailbox: { type: 'string' },
      size: { type: 'string' },
      seed: { type: 'string' },
      kibana: { type: 'string' },
      engine: { type: 'string' },
      'seed-only': { type: 'boolean', default: false },
      ascii: { type: 'boolean', default: false },
      'listen-port': { type: 'string' },
    },
    strict: true,
  });
  const size = values.size === undefined ? DEFAULT_DEMO_SIZE : Number(values.size);
  if (!Number.isInteger(size) || size < MIN_DEMO_SIZE || size > MAX_DEMO_SIZE) {
    throw new UsageError(`--size must be an integer from ${MIN_DEMO_SIZE} to ${MAX_DEMO_SIZE}, got '${values.size}'`);
  }
  const listenPort = values['listen-port'] === undefined ? 0 : Number(values['listen-port']);
  if (!Number.isInteger(listenPort) || listenPort < 0 || listenPort > 65535) {
    throw new UsageError(`--listen-port must be a port number from 0 to 65535, got '${values['listen-port']}'`);
  }
  const configFile = values.config ?? findConfigFile({ env: io.env })?.file;
  const engine = values.engine;
  if (engine !== undefined && engine !== 'elasticsearch' && engine !== 'opensearch') {
    throw new UsageError(`--engine must be elasticsearch or opensearch, got '${engine}'`);
  }
  const loaded = configFile !== undefined ? loadConfig(values.config === undefined ? { env: io.env } : { file: values.config, env: io.env }) : localServicesConfig(io.env, engine);
  const config: Config = configFile !== undefined && engine !== undefined ? { ...loaded, elasticsearch: { ...loaded.elasticsearch, engine } } : loaded;
  // `status` needs a configuration: the user's file, or (local services) the demo's own, written where the hint says.
  const statusConfig = configFile !== undefined ? resolve(configFile) : writeDemoConfig(io.env, undefined, engine);
  const accounts = requireAccounts(config, 'the demo', configFile);
  const account = values.account === undefined ? accounts[0] : accounts.find((a) => a.id === values.account);
  if (account === undefined) throw new UsageError(`no account '${values.account}' in the configuration`);
  const kibanaUrl = values.kibana ?? io.env['MAILVERDICT_KIBANA_URL'] ?? kibanaOf(config);
  const result = await runDemo({
    config,
    account,
    ...(values.mailbox === undefined ? {} : { mailbox: values.mailbox }),
    size,
    ...(values.seed === undefined ? {} : { seed: values.seed }),
    kibanaUrl,
    seedOnly: values['seed-only'],
    out: io.stdout,
    log: io.stderr,
    tty: deps.isTty?.() ?? io.stderrIsTty ?? false,
    ascii: values.ascii,
    statusCommand: `npx mailverdict status --config ${statusConfig}`,
    listenPort,
  });
  if (values['seed-only']) {
    await io.stdout.write(`seeded ${result.seeded.appended} messages into ${account.user}/${result.seeded.mailbox} (UIDVALIDITY ${result.seeded.uidvalidity})\n`);
  }
  return 0;
}

/** The configuration of the local services `scripts/services` runs. */
export function localServicesConfig(env: Readonly<Record<string, string | undefined>>, engine?: SearchEngine): Config {
  return parseConfig(localServicesInput(env, engine), { env: {} });
}

/** Writes the local-services configuration the demo used (mode 0600: it holds the demo IMAP password). */
export function writeDemoConfig(env: Readonly<Record<string, string | undefined>>, dir = join(tmpdir(), 'mailverdict-demo'), engine?: SearchEngine): string {
  mkdirSync(dir, { recursive: true, mode: 0o700 });
  const file = join(dir, 'config.yaml');
  writeFileSync(file, `# The configuration \`mailverdict demo\` used (local services of scripts/services).\n${toYaml(localServicesInput(env, engine))}`, { mode: 0o600 });
  return file;
}

function localServicesInput(env: Readonly<Record<string, string | undefined>>, engine: SearchEngine = 'elasticsearch'): Record<string, unknown> {
  const port = Number(env['MAILVERDICT_IMAP_PORT'] ?? '10143');
  return {
    redis: { url: env['MAILVERDICT_REDIS_URL'] ?? 'redis://127.0.0.1:6379' },
    elasticsearch: engine === 'opensearch'
      ? { engine, nodes: [env['MAILVERDICT_OS_URL'] ?? 'http://127.0.0.1:19250'] }
      : { nodes: [env['MAILVERDICT_ES_URL'] ?? 'http://127.0.0.1:19200'] },
    accounts: [{
      id: DEMO_ACCOUNT_ID,
      host: env['MAILVERDICT_IMAP_HOST'] ?? '127.0.0.1',
      port,
      tls: 'none',
      user: env['MAILVERDICT_DEMO_IMAP_USER'] ?? 'quarantine',
      password: env['MAILVERDICT_DEMO_IMAP_PASSWORD'] ?? 'quarantine-pass',
      mailboxes: [DEMO_MAILBOX],
    }],
    // The demo's own progress is enough; the pipeline's logs stay quiet.
    log: { level: 'warn' },
  };
}

function kibanaOf(config: Config): string | undefined {
  const kibana = (config as { kibana?: { url?: unknown } }).kibana;
  return typeof kibana?.url === 'string' ? kibana.url : undefined;
}
