// The configuration reference table in the README, derived from the schema so the two cannot drift
// (test/unit/config/reference.test.ts checks the README holds exactly this table).
import { z } from 'zod';
import { envName } from './env-overrides.js';
import { configSchema } from './schema.js';
import { unwrap, type KeyPath } from './schema-walk.js';

export interface ConfigKey {
  path: string;
  env: string;
  default: string;
  required: boolean;
}

export function configKeys(): ConfigKey[] {
  const out: ConfigKey[] = [];
  walk(configSchema, [], out);
  return out;
}

function walk(schema: z.ZodTypeAny, path: KeyPath, out: ConfigKey[]): void {
  const { node } = unwrap(schema);
  const isLeafList = node instanceof z.ZodArray && !(unwrap(node.element as z.ZodTypeAny).node instanceof z.ZodObject);
  if (node instanceof z.ZodObject && path.length < 6) {
    for (const [key, child] of Object.entries(node.shape as Record<string, z.ZodTypeAny>)) walk(child, [...path, key], out);
    return;
  }
  if (node instanceof z.ZodArray && !isLeafList) {
    walk(node.element as z.ZodTypeAny, [...path, 0], out);
    return;
  }
  out.push({ path: display(path), env: envName(path), default: defaultOf(schema), required: isRequired(schema) });
}

function display(path: KeyPath): string {
  return path.map((s) => (typeof s === 'number' ? '[]' : s)).join('.').replace(/\.\[\]/g, '[]');
}

function defaultOf(schema: z.ZodTypeAny): string {
  let node: z.ZodTypeAny = schema;
  for (let i = 0; i < 20; i++) {
    if (node instanceof z.ZodDefault) {
      const value: unknown = (node._def as { defaultValue: () => unknown }).defaultValue();
      return JSON.stringify(value) ?? '';
    }
    if (node instanceof z.ZodOptional || node instanceof z.ZodNullable) node = node.unwrap() as z.ZodTypeAny;
    else if (node instanceof z.ZodEffects) node = node.innerType() as z.ZodTypeAny;
    else break;
  }
  return '';
}

function isRequired(schema: z.ZodTypeAny): boolean {
  return !schema.isOptional();
}

/** Markdown table: key, default, environment variable. */
export function configReferenceMarkdown(): string {
  const rows = configKeys().map((k) => {
    const def = k.default !== '' ? `\`${k.default.length > 60 ? `${k.default.slice(0, 57)}…` : k.default}\`` : k.required ? 'required' : '—';
    return `| \`${k.path}\` | ${def} | \`${k.env.replace(/_0(_|$)/g, '_<n>$1')}\` |`;
  });
  return ['| key | default | environment variable |', '|---|---|---|', ...rows].join('\n');
}
