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
  /** What the schema accepts: a type, or the allowed values. */
  type: string;
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
  out.push({ path: display(path), env: envName(path), default: defaultOf(schema), required: isRequired(schema), type: typeOf(schema) });
}

function typeOf(schema: z.ZodTypeAny): string {
  const { node } = unwrap(schema);
  if (node instanceof z.ZodEnum) return (node.options as string[]).map((v) => `\`${v}\``).join(' \\| ');
  if (node instanceof z.ZodLiteral) return `\`${String(node.value)}\``;
  if (node instanceof z.ZodBoolean) return 'boolean';
  if (node instanceof z.ZodNumber) return numberType(node);
  if (node instanceof z.ZodString) return 'string';
  if (node instanceof z.ZodDate) return 'date (YYYY-MM-DD)';
  if (node instanceof z.ZodArray) return `list of ${typeOf(node.element as z.ZodTypeAny)}`;
  if (node instanceof z.ZodUnion) return (node.options as z.ZodTypeAny[]).map(typeOf).filter((t, i, all) => all.indexOf(t) === i).join(' or ');
  if (node instanceof z.ZodRecord) return 'mapping';
  return 'value';
}

function numberType(node: z.ZodNumber): string {
  const checks = (node._def as { checks: { kind: string; value?: number }[] }).checks;
  const integer = checks.some((c) => c.kind === 'int');
  const min = checks.find((c) => c.kind === 'min')?.value;
  const max = checks.find((c) => c.kind === 'max')?.value;
  const range = min !== undefined && max !== undefined ? ` ${min}–${max}` : min !== undefined ? ` ≥ ${min}` : max !== undefined ? ` ≤ ${max}` : '';
  return `${integer ? 'integer' : 'number'}${range}`;
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

/** Markdown table: key, accepted type or values, default, environment variable. */
export function configReferenceMarkdown(): string {
  const rows = configKeys().map((k) => {
    const def = k.default !== '' ? `\`${k.default.length > 60 ? `${k.default.slice(0, 57)}…` : k.default}\`` : k.required ? 'required' : '—';
    return `| \`${k.path}\` | ${k.type} | ${def} | \`${k.env.replace(/_0(_|$)/g, '_<n>$1')}\` |`;
  });
  return ['| key | type / values | default | environment variable |', '|---|---|---|---|', ...rows].join('\n');
}
