// Walks the zod schema by key path, so environment variables and "did you mean" hints are derived
// from the one schema instead of a second list of option names that could drift from it.
import { z } from 'zod';

export type KeyPath = (string | number)[];

/** The schema under optional/default/effects wrappers; descriptions seen on the way are collected. */
export function unwrap(schema: z.ZodTypeAny): { node: z.ZodTypeAny; descriptions: string[] } {
  const descriptions: string[] = [];
  let node = schema;
  for (let depth = 0; depth < 20; depth++) {
    if (node.description !== undefined) descriptions.push(node.description);
    if (node instanceof z.ZodOptional || node instanceof z.ZodNullable) node = node.unwrap() as z.ZodTypeAny;
    else if (node instanceof z.ZodDefault) node = node.removeDefault() as z.ZodTypeAny;
    else if (node instanceof z.ZodEffects) node = node.innerType() as z.ZodTypeAny;
    else break;
  }
  return { node, descriptions };
}

/** The child schema of an object key or array index, or undefined when the path leaves the schema. */
export function childSchema(schema: z.ZodTypeAny, segment: string | number): z.ZodTypeAny | undefined {
  const { node } = unwrap(schema);
  if (node instanceof z.ZodObject && typeof segment === 'string') {
    return (node.shape as Record<string, z.ZodTypeAny>)[segment];
  }
  if (node instanceof z.ZodArray && typeof segment === 'number') return node.element as z.ZodTypeAny;
  return undefined;
}

export function schemaAt(schema: z.ZodTypeAny, path: KeyPath): z.ZodTypeAny | undefined {
  let current: z.ZodTypeAny | undefined = schema;
  for (const segment of path) {
    if (current === undefined) return undefined;
    current = childSchema(current, segment);
  }
  return current;
}

/** Keys of the object schema at `path` (empty when it is not an object). */
export function objectKeys(schema: z.ZodTypeAny | undefined): string[] {
  if (schema === undefined) return [];
  const { node } = unwrap(schema);
  return node instanceof z.ZodObject ? Object.keys(node.shape as Record<string, unknown>) : [];
}

/** `accounts[0].afterCommit.moveTo` */
export function formatPath(path: KeyPath): string {
  let out = '';
  for (const segment of path) {
    if (typeof segment === 'number') out += `[${segment}]`;
    else out += out === '' ? segment : `.${segment}`;
  }
  return out === '' ? '(top level)' : out;
}
