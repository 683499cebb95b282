// Secrets from files (Docker/Kubernetes secrets): in the config file `passwordFile`, `apiKeyFile`,
// `clientSecretFile` and `refreshTokenFile` name a file whose content becomes `password`, `apiKey`, … (an
// `accessTokenFile` stays a path: the collector reads it again at every connect); in the
// environment any setting may be given as `MAILVERDICT_<…>_FILE` (see env-overrides.ts). Trailing line
// breaks are removed (files written by `echo` end with one); nothing else is trimmed.
import { readFileSync, statSync } from 'node:fs';
import { RELOADED_SECRET_FILES, SECRET_KEYS } from './schema.js';
import { formatPath, type KeyPath } from './schema-walk.js';

/** Secret files are small; a bigger one is a wrong path (a log, a binary), not a token. */
const MAX_SECRET_BYTES = 64 * 1024;

export class SecretFileError extends Error {
  override readonly name = 'SecretFileError';
}

function reason(err: unknown): string {
  const code = (err as { code?: unknown }).code;
  if (code === 'ENOENT') return 'no such file';
  if (code === 'EACCES' || code === 'EPERM') return 'permission denied';
  if (code === 'EISDIR') return 'it is a directory';
  return typeof code === 'string' ? code : 'cannot read it';
}

/** Reads one secret file; the error names the path and the reason, never the content. */
export function readSecretFile(path: string): string {
  let content: string;
  try {
    const stat = statSync(path);
    if (stat.isDirectory()) throw Object.assign(new Error('directory'), { code: 'EISDIR' });
    if (stat.size > MAX_SECRET_BYTES) throw new SecretFileError(`cannot use "${path}": larger than ${MAX_SECRET_BYTES} bytes`);
    content = readFileSync(path, 'utf8');
  } catch (err) {
    if (err instanceof SecretFileError) throw err;
    throw new SecretFileError(`cannot read "${path}": ${reason(err)}`);
  }
  const value = content.replace(/[\r\n]+$/, '');
  if (value === '') throw new SecretFileError(`"${path}" is empty`);
  return value;
}

function isRecord(value: unknown): value is Record<string, unknown> {
  return typeof value === 'object' && value !== null && !Array.isArray(value);
}

/**
 * Replaces every `<secret>File` key of the parsed file with the secret it points to, in place.
 * Returns one issue per problem (both forms given, unreadable file).
 */
export function resolveFileSecrets(raw: unknown): string[] {
  const issues: string[] = [];
  const visit = (node: unknown, path: KeyPath, depth: number): void => {
    if (depth > 8) return;
    if (Array.isArray(node)) {
      node.forEach((item, index) => visit(item, [...path, index], depth + 1));
      return;
    }
    if (!isRecord(node)) return;
    for (const key of SECRET_KEYS) {
      const fileKey = `${key}File`;
      if (!(fileKey in node)) continue;
      const filePath = node[fileKey];
      const reloaded = RELOADED_SECRET_FILES.includes(fileKey);
      if (!reloaded) delete node[fileKey];
      const where = formatPath([...path, fileKey]);
      if (key in node) {
        issues.push(`${where}: expected either ${key} or ${fileKey}, not both`);
        continue;
      }
      if (typeof filePath !== 'string' || filePath === '') {
        issues.push(`${where}: expected a file path`);
        continue;
      }
      try {
        // A reloaded file stays a path, read here only so that a wrong one fails at start.
        const value = readSecretFile(filePath);
        if (!reloaded) node[key] = value;
      } catch (err) {
        issues.push(`${where}: ${(err as Error).message}`);
      }
    }
    for (const [key, value] of Object.entries(node)) visit(value, [...path, key], depth + 1);
  };
  visit(raw, [], 0);
  return issues;
}

/** Every secret value in the (raw) config, and passwords inside URLs, for masking messages. */
export function collectSecretValues(raw: unknown): string[] {
  const found = new Set<string>();
  const visit = (node: unknown, key: string | undefined, depth: number): void => {
    if (depth > 8) return;
    if (typeof node === 'string') {
      if (key !== undefined && SECRET_KEYS.includes(key)) found.add(node);
      const password = urlPassword(node);
      if (password !== undefined) found.add(password);
      return;
    }
    if (Array.isArray(node)) node.forEach((item) => visit(item, key, depth + 1));
    else if (isRecord(node)) for (const [k, v] of Object.entries(node)) visit(v, k, depth + 1);
  };
  visit(raw, undefined, 0);
  return [...found].filter((s) => s.length >= 3);
}

/** Where the userinfo of a URL ends (its "@"), or -1; only the authority part is searched. */
function userinfoEnd(value: string, scheme: number): number {
  let end = value.length;
  for (const stop of ['/', '?', '#']) {
    const at = value.indexOf(stop, scheme + 3);
    if (at >= 0 && at < end) end = at;
  }
  return value.lastIndexOf('@', end - 1) > scheme ? value.lastIndexOf('@', end - 1) : -1;
}

function urlPassword(value: string): string | undefined {
  const scheme = value.indexOf('://');
  if (scheme < 0) return undefined;
  const at = userinfoEnd(value, scheme);
  if (at < 0) return undefined;
  const userinfo = value.slice(scheme + 3, at);
  const colon = userinfo.indexOf(':');
  return colon < 0 ? undefined : userinfo.slice(colon + 1);
}

/** `redis://user:secret@host` → `redis://user:[redacted]@host`; other strings unchanged. */
export function redactUrl(value: string): string {
  const password = urlPassword(value);
  if (password === undefined || password === '') return value;
  const scheme = value.indexOf('://');
  const at = userinfoEnd(value, scheme);
  const userinfo = value.slice(scheme + 3, at);
  const user = userinfo.slice(0, userinfo.indexOf(':'));
  return `${value.slice(0, scheme + 3)}${user}:[redacted]${value.slice(at)}`;
}

/** Last line of defence: any known secret that still made it into a message is masked. */
export function maskSecrets(text: string, secrets: readonly string[]): string {
  let out = text;
  for (const secret of secrets) if (out.includes(secret)) out = out.split(secret).join('[redacted]');
  return out;
}
