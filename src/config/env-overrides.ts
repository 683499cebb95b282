// Environment overrides: `MAILVERDICT_<SECTION>_<KEY>` sets one option, the key path written in
// UPPER_SNAKE_CASE (`apiKey` → API_KEY, `accounts[0].afterCommit.moveTo` → ACCOUNTS_0_AFTER_COMMIT_MOVE_TO).
// Names are resolved against the schema, so every option can be set and a misspelled name is an error
// with a hint. Lists of plain values take a comma-separated value (`…_ELASTICSEARCH_NODES=http://a,http://b`).
// `<NAME>_FILE` reads the value from a file (secrets). Empty values count as unset. Variables whose
// section is unknown and not close to a known one belong to something else and are ignored.
import { z } from 'zod';
import { ENV_LIST, ENV_SCALAR, configSchema } from './schema.js';
import { readSecretFile } from './secrets.js';
import { childSchema, formatPath, objectKeys, unwrap, type KeyPath } from './schema-walk.js';
import { suggestKey } from './suggest.js';

export const ENV_PREFIX = 'MAILVERDICT_';
/** Names the config file; not an option. */
export const CONFIG_PATH_VARIABLE = 'MAILVERDICT_CONFIG';
const MAX_INDEX = 999;

export interface EnvOverrides {
  issues: string[];
  /** Formatted key path → the variable that set it, so validation errors can name the variable. */
  origins: Map<string, string>;
}

/** `afterCommit` → ["AFTER", "COMMIT"] */
export function keyTokens(key: string): string[] {
  return key.replace(/([a-z0-9])([A-Z])/g, '$1_$2').toUpperCase().split('_');
}

/** The variable that sets `path`, e.g. ['accounts', 0, 'password'] → MAILVERDICT_ACCOUNTS_0_PASSWORD. */
export function envName(path: KeyPath): string {
  return ENV_PREFIX + path.flatMap((s) => (typeof s === 'number' ? [String(s)] : keyTokens(s))).join('_');
}

type Resolution =
  | { ok: true; path: KeyPath; list: boolean }
  | { ok: false; path: KeyPath; consumed: number; problem: 'unknown' | 'index' | 'section' };

function resolve(schema: z.ZodTypeAny, tokens: string[], at: number, path: KeyPath): Resolution {
  const { node, descriptions } = unwrap(schema);
  const isObject = node instanceof z.ZodObject;
  const isArray = node instanceof z.ZodArray;
  if (at === tokens.length) {
    if (isArray && descriptions.includes(ENV_LIST)) return { ok: true, path, list: true };
    if ((!isObject && !isArray) || descriptions.includes(ENV_SCALAR)) return { ok: true, path, list: false };
    return { ok: false, path, consumed: at, problem: 'section' };
  }
  if (isArray) {
    const token = tokens[at] ?? '';
    if (!/^\d{1,3}$/.test(token) || Number(token) > MAX_INDEX) return { ok: false, path, consumed: at, problem: 'index' };
    return resolve(node.element as z.ZodTypeAny, tokens, at + 1, [...path, Number(token)]);
  }
  if (!isObject) return { ok: false, path, consumed: at, problem: 'unknown' };
  const keys = objectKeys(node).sort((a, b) => keyTokens(b).length - keyTokens(a).length);
  let best: Resolution | undefined;
  for (const key of keys) {
    const kt = keyTokens(key);
    if (kt.some((t, i) => tokens[at + i] !== t)) continue;
    const child = childSchema(node, key);
    if (child === undefined) continue;
    const result = resolve(child, tokens, at + kt.length, [...path, key]);
    if (result.ok) return result;
    if (best === undefined || (!best.ok && result.consumed > best.consumed)) best = result;
  }
  return best ?? { ok: false, path, consumed: at, problem: 'unknown' };
}

function isRecord(value: unknown): value is Record<string, unknown> {
  return typeof value === 'object' && value !== null && !Array.isArray(value);
}

/** Sets `value` at `path` in the raw config, creating mappings and lists on the way. */
function setAt(raw: Record<string, unknown>, path: KeyPath, value: unknown): string | undefined {
  let container: Record<string, unknown> | unknown[] = raw;
  let schema: z.ZodTypeAny | undefined = configSchema;
  for (let i = 0; i < path.length; i++) {
    const segment = path[i] as string | number;
    schema = schema === undefined ? undefined : childSchema(schema, segment);
    const slot = container as Record<string | number, unknown>;
    if (i === path.length - 1) {
      slot[segment] = value;
      return undefined;
    }
    const nextIsIndex = typeof path[i + 1] === 'number';
    let next = slot[segment];
    if (next === undefined || next === null) next = nextIsIndex ? [] : {};
    else if (nextIsIndex && !Array.isArray(next)) next = [next]; // `nodes: http://a` is a list of one
    else if (!nextIsIndex && typeof next === 'string' && schema !== undefined && unwrap(schema).descriptions.includes(ENV_SCALAR)) {
      next = { path: next }; // a mailbox given as a plain string
    }
    if (nextIsIndex ? !Array.isArray(next) : !isRecord(next)) {
      return `cannot set it: ${formatPath(path.slice(0, i + 1))} in the config file is not a ${nextIsIndex ? 'list' : 'mapping'}`;
    }
    slot[segment] = next;
    container = next as Record<string, unknown> | unknown[];
  }
  return undefined;
}

function sectionHint(tokens: string[]): string | undefined {
  const sections = objectKeys(configSchema);
  for (let n = Math.min(3, tokens.length); n >= 1; n--) {
    const guess = suggestKey(tokens.slice(0, n).join('_'), sections);
    if (guess !== undefined) return guess;
  }
  return undefined;
}

function failureMessage(name: string, tokens: string[], failure: Extract<Resolution, { ok: false }>): string {
  const where = formatPath(failure.path);
  if (failure.problem === 'index') {
    return `${name}: expected a list index (0-${MAX_INDEX}) after ${envName(failure.path)}_, e.g. ${envName([...failure.path, 0])}_…`;
  }
  if (failure.problem === 'section') {
    const keys = objectKeys(childSchemaAt(failure.path)).map((k) => keyTokens(k).join('_'));
    return `${name}: ${where} is a section, not a value; set one of its keys: ${keys.map((k) => `${envName(failure.path)}_${k}`).join(', ')}`;
  }
  const keys = objectKeys(childSchemaAt(failure.path));
  const rest = tokens.slice(failure.consumed);
  let guess: string | undefined;
  for (let n = rest.length; n >= 1 && guess === undefined; n--) guess = suggestKey(rest.slice(0, n).join('_'), keys);
  if (guess !== undefined) return `${name}: not a setting; did you mean ${envName([...failure.path, guess])}?`;
  return `${name}: not a setting; ${where} has ${keys.map((k) => keyTokens(k).join('_')).join(', ')}`;
}

function childSchemaAt(path: KeyPath): z.ZodTypeAny | undefined {
  let schema: z.ZodTypeAny | undefined = configSchema;
  for (const segment of path) schema = schema === undefined ? undefined : childSchema(schema, segment);
  return schema;
}

/** Applies every `MAILVERDICT_*` variable to the raw config (in place). */
export function applyEnvOverrides(raw: Record<string, unknown>, env: Readonly<Record<string, string | undefined>>): EnvOverrides {
  const issues: string[] = [];
  const origins = new Map<string, string>();
  const names = Object.keys(env).filter((n) => n.startsWith(ENV_PREFIX) && n !== CONFIG_PATH_VARIABLE).sort();
  for (const name of names) {
    const value = env[name];
    if (value === undefined || value === '') continue;
    const tokens = name.slice(ENV_PREFIX.length).split('_');
    let resolution = resolve(configSchema, tokens, 0, []);
    let fromFile = false;
    if (!resolution.ok && tokens.length > 1 && tokens[tokens.length - 1] === 'FILE') {
      const plain = resolve(configSchema, tokens.slice(0, -1), 0, []);
      if (plain.ok) {
        resolution = plain;
        fromFile = true;
      }
    }
    if (!resolution.ok) {
      if (resolution.path.length === 0 && resolution.consumed === 0) {
        // Not one of our sections (e.g. MAILVERDICT_ES_URL from scripts/services): ignore unless a typo.
        const hint = sectionHint(tokens);
        if (hint !== undefined) issues.push(`${name}: not a setting; did you mean ${envName([hint])}_…?`);
        continue;
      }
      issues.push(failureMessage(name, tokens, resolution));
      continue;
    }
    const plainName = fromFile ? name.slice(0, -'_FILE'.length) : `${name}_FILE`;
    if (fromFile && env[plainName] !== undefined && env[plainName] !== '') {
      issues.push(`${name}: expected either ${plainName} or ${name}, not both`);
      continue;
    }
    let text = value;
    if (fromFile) {
      try {
        text = readSecretFile(value);
      } catch (err) {
        issues.push(`${name}: ${(err as Error).message}`);
        continue;
      }
    }
    const assigned = resolution.list ? text.split(',').map((s) => s.trim()).filter((s) => s !== '') : text;
    const problem = setAt(raw, resolution.path, assigned);
    if (problem !== undefined) {
      issues.push(`${name}: ${problem}`);
      continue;
    }
    origins.set(formatPath(resolution.path), name);
  }
  return { issues, origins };
}
