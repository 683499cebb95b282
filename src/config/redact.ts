// A copy of the configuration that is safe to log or print (`mailverdict status`, startup logs):
// secret keys become "[redacted]" and passwords inside URLs too.
import { SECRET_KEYS } from './schema.js';
import { redactUrl } from './secrets.js';

export const REDACTED = '[redacted]';

export function redactConfig(config: unknown): unknown {
  const visit = (node: unknown, key: string | undefined, depth: number): unknown => {
    if (depth > 16) return REDACTED;
    if (key !== undefined && SECRET_KEYS.includes(key) && node !== undefined) return REDACTED;
    if (typeof node === 'string') return redactUrl(node);
    if (node instanceof Date) return node.toISOString();
    if (Array.isArray(node)) return node.map((item) => visit(item, undefined, depth + 1));
    if (typeof node === 'object' && node !== null) {
      const out: Record<string, unknown> = {};
      for (const [k, v] of Object.entries(node)) out[k] = visit(v, k, depth + 1);
      return out;
    }
    return node;
  };
  return visit(config, undefined, 0);
}
