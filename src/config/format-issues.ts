// Turns zod issues into the lines ConfigError carries: `<key path> (from <VARIABLE>): expected …, got …`.
// The value seen is shown for plain options only: never for secret keys, and URLs lose their password.
import type { z } from 'zod';
import { SECRET_KEYS, configSchema } from './schema.js';
import { formatPath, objectKeys, schemaAt, type KeyPath } from './schema-walk.js';
import { redactUrl } from './secrets.js';
import { suggestKey } from './suggest.js';

const UNWALKABLE = Symbol('unwalkable');

function valueAt(raw: unknown, path: KeyPath): unknown {
  let node = raw;
  for (const segment of path) {
    if (typeof node !== 'object' || node === null) return UNWALKABLE;
    node = (node as Record<string | number, unknown>)[segment];
  }
  return node;
}

function describe(path: KeyPath, value: unknown): string {
  const key = [...path].reverse().find((s): s is string => typeof s === 'string');
  const secret = key !== undefined && SECRET_KEYS.includes(key);
  if (value === null) return 'null';
  if (Array.isArray(value)) return value.length === 0 ? 'an empty list' : 'a list';
  if (value instanceof Date) return secret ? 'a date' : value.toISOString();
  if (typeof value === 'object') return 'a mapping';
  if (secret) return typeof value === 'string' ? 'a string' : `a ${typeof value}`;
  if (typeof value === 'string') {
    const shown = redactUrl(value);
    return JSON.stringify(shown.length > 80 ? `${shown.slice(0, 77)}...` : shown);
  }
  return String(value);
}

function unknownKeyLines(issue: z.ZodIssue & { keys: string[] }): string[] {
  const known = objectKeys(schemaAt(configSchema, issue.path));
  return issue.keys.map((key) => {
    const where = formatPath([...issue.path, key]);
    const guess = suggestKey(key, known);
    if (guess !== undefined) return `${where}: unknown key; did you mean "${guess}"?`;
    return `${where}: unknown key; expected one of ${known.join(', ')}`;
  });
}

export function formatIssues(error: z.ZodError, raw: unknown, origins: ReadonlyMap<string, string>): string[] {
  const lines: string[] = [];
  for (const issue of error.issues) {
    if (issue.code === 'unrecognized_keys') {
      lines.push(...unknownKeyLines(issue));
      continue;
    }
    const where = formatPath(issue.path);
    const origin = origins.get(where);
    const label = origin === undefined ? where : `${where} (from ${origin})`;
    const noValue = issue.code === 'custom' && (issue.params as { noValue?: boolean } | undefined)?.noValue === true;
    const value = valueAt(raw, issue.path);
    if (noValue || value === UNWALKABLE) lines.push(`${label}: ${issue.message}`);
    else if (value === undefined) lines.push(`${label}: missing, ${issue.message}`);
    else lines.push(`${label}: ${issue.message}, got ${describe(issue.path, value)}`);
  }
  return lines;
}
