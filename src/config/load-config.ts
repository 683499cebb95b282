// Loads the configuration once at start: the file (YAML, or JSON which YAML reads too), then
// `<secret>File` keys, then MAILVERDICT_* environment overrides, then one schema validation. Every
// problem is collected and thrown together as a ConfigError; no secret value appears in it.
import { accessSync, constants, existsSync, readFileSync, statSync } from 'node:fs';
import { LineCounter, parseDocument } from 'yaml';
import { ConfigError } from './config-error.js';
import { CONFIG_PATH_VARIABLE, applyEnvOverrides } from './env-overrides.js';
import { formatIssues } from './format-issues.js';
import { configSchema, type Config } from './schema.js';
import { formatPath, type KeyPath } from './schema-walk.js';
import { collectSecretValues, maskSecrets, resolveFileSecrets } from './secrets.js';

/** Searched in order when neither `file` nor MAILVERDICT_CONFIG names the config file. */
export const DEFAULT_CONFIG_PATHS: readonly string[] = ['./mailverdict.yaml', '/etc/mailverdict/config.yaml'];

/** A config file is a page of settings; anything this big is the wrong file. */
const MAX_CONFIG_BYTES = 4 * 1024 * 1024;

export interface LoadConfigOptions {
  /** Config file path; else MAILVERDICT_CONFIG; else the first of DEFAULT_CONFIG_PATHS that exists. */
  file?: string;
  /** Environment to read MAILVERDICT_* from (the CLI hands in the process environment). */
  env: Readonly<Record<string, string | undefined>>;
}

/** The file loadConfig would read, and whether it was named explicitly (then it must exist). */
export function findConfigFile(options: LoadConfigOptions): { file: string; explicit: boolean } | undefined {
  const { env } = options;
  const named = options.file ?? env[CONFIG_PATH_VARIABLE];
  if (named !== undefined && named !== '') return { file: named, explicit: true };
  const found = DEFAULT_CONFIG_PATHS.find((path) => existsSync(path));
  return found === undefined ? undefined : { file: found, explicit: false };
}

function readConfigFile(file: string): Record<string, unknown> {
  let text: string;
  try {
    const stat = statSync(file);
    if (stat.isDirectory()) throw new ConfigError([`${file}: expected a config file, got a directory`], file);
    if (stat.size > MAX_CONFIG_BYTES) throw new ConfigError([`${file}: expected a config file, got ${stat.size} bytes`], file);
    text = readFileSync(file, 'utf8');
  } catch (err) {
    if (err instanceof ConfigError) throw err;
    const code = (err as { code?: unknown }).code;
    const why = code === 'ENOENT' ? 'no such file' : code === 'EACCES' ? 'permission denied' : String(code ?? 'cannot read it');
    throw new ConfigError([`${file}: cannot read the config file: ${why}`], file);
  }
  const lineCounter = new LineCounter();
  // prettyErrors off: the pretty form quotes the offending source line, which may hold a secret.
  const doc = parseDocument(text, { lineCounter, prettyErrors: false, uniqueKeys: true });
  if (doc.errors.length > 0) {
    const issues = doc.errors.map((error) => {
      const { line, col } = lineCounter.linePos(error.pos[0]);
      const what = error.code === 'MULTIPLE_DOCS' ? 'expected one YAML document, found several' : error.message;
      return `${file}:${line}:${col}: YAML error: ${what}`;
    });
    throw new ConfigError(issues, file);
  }
  const raw: unknown = doc.toJS({ maxAliasCount: 100 });
  if (raw === null || raw === undefined) return {};
  if (typeof raw !== 'object' || Array.isArray(raw)) {
    throw new ConfigError([`${file}: expected a mapping of sections (redis, elasticsearch, accounts, …) at the top level`], file);
  }
  return raw as Record<string, unknown>;
}

function unreadableFiles(config: Config): string[] {
  const files: [KeyPath, string | undefined][] = [
    [['redis', 'tls', 'caFile'], config.redis.tls?.caFile],
    [['elasticsearch', 'caFile'], config.elasticsearch.caFile],
    ...config.accounts.map((a, i): [KeyPath, string | undefined] => [['accounts', i, 'caFile'], a.caFile]),
  ];
  const issues: string[] = [];
  for (const [path, file] of files) {
    if (file === undefined) continue;
    try {
      accessSync(file, constants.R_OK);
    } catch {
      issues.push(`${formatPath(path)}: expected a readable file, cannot read "${file}"`);
    }
  }
  return issues;
}

/**
 * Validates an already parsed config object (a file's content) with `<secret>File` keys and env
 * overrides applied, exactly as loadConfig does after reading the file. `raw` is not modified.
 */
export function parseConfig(raw: unknown, options: { env: Readonly<Record<string, string | undefined>>; file?: string }): Config {
  const { env } = options;
  const copy: Record<string, unknown> =
    raw !== null && typeof raw === 'object' && !Array.isArray(raw) ? structuredClone(raw as Record<string, unknown>) : {};
  const issues = resolveFileSecrets(copy);
  const overrides = applyEnvOverrides(copy, env);
  issues.push(...overrides.issues);
  const result = configSchema.safeParse(copy);
  if (result.success) issues.push(...unreadableFiles(result.data));
  else issues.push(...formatIssues(result.error, copy, overrides.origins));
  if (issues.length === 0 && result.success) return result.data;
  const secrets = collectSecretValues(copy);
  throw new ConfigError(issues.map((line) => maskSecrets(line, secrets)), options.file);
}

/** Reads, merges and validates the configuration; throws ConfigError listing every problem. */
export function loadConfig(options: LoadConfigOptions): Config {
  const { env } = options;
  const found = findConfigFile(options);
  const raw = found === undefined ? {} : readConfigFile(found.file);
  try {
    return found === undefined ? parseConfig(raw, { env }) : parseConfig(raw, { env, file: found.file });
  } catch (err) {
    if (err instanceof ConfigError && found === undefined) {
      const note = `no config file: none named (MAILVERDICT_CONFIG) and none of ${DEFAULT_CONFIG_PATHS.join(', ')} exists`;
      throw new ConfigError([...err.issues, note]);
    }
    throw err;
  }
}
