// X-*-AntiSpam-Auth (docs/gateways.md §1.3, §8.4): RFC-8601-like resinfo list without authserv-id,
// `;` with optional space, and a non-RFC bare `policy=<p>` on dmarc (the published DMARC policy).
//   dmarc=fail header.from=imaqliq.com policy=none;spf=softfail smtp.mailfrom=imaqliq.com;dkim=none
import type { AuthResult, AuthResults } from '../../document/types.js';
import { toAuthResult } from '../canonical/auth-result.js';

const METHODS = new Set(['spf', 'dkim', 'dmarc']);
const MAX_ENTRIES = 16;
const MAX_PROPS = 16;
const MAX_RAW = 512;

export interface ParsedAntiSpamAuth {
  auth: AuthResults;
  problems: string[];
}

function splitWords(text: string): string[] {
  const words: string[] = [];
  let start = -1;
  for (let i = 0; i <= text.length; i++) {
    const c = i < text.length ? text.charCodeAt(i) : 32;
    const space = c === 32 || c === 9 || c === 10 || c === 13;
    if (space) {
      if (start >= 0) words.push(text.slice(start, i));
      start = -1;
      if (words.length > MAX_PROPS + 1) break;
    } else if (start < 0) start = i;
  }
  return words;
}

/** One auth result from a single-token header such as legacy `X-KLMS-AntiSpam-Spf: none`. */
export function authFromToken(method: 'spf' | 'dkim' | 'dmarc', token: string, source: string, problems: string[]): AuthResult {
  const value = token.trim();
  const mapped = toAuthResult(value, method);
  if (mapped === undefined) problems.push(`unknown_auth_result:${method}=${value}`);
  return {
    result: mapped?.result ?? 'unknown',
    raw: value.slice(0, MAX_RAW),
    source,
    ...(mapped?.qualifier === undefined ? {} : { qualifier: mapped.qualifier }),
  };
}

export function parseAntiSpamAuth(value: string, source: string): ParsedAntiSpamAuth {
  const auth: AuthResults = {};
  const problems: string[] = [];
  const entries = value.split(';', MAX_ENTRIES + 1);
  if (entries.length > MAX_ENTRIES) problems.push('auth_truncated');
  for (const entryRaw of entries.slice(0, MAX_ENTRIES)) {
    const entry = entryRaw.trim();
    if (entry === '') continue;
    const words = splitWords(entry);
    const first = words[0] ?? '';
    const eq = first.indexOf('=');
    if (eq <= 0) {
      problems.push(`unparsed_auth_entry:${entry}`);
      continue;
    }
    const method = first.slice(0, eq).toLowerCase();
    const token = first.slice(eq + 1);
    if (!METHODS.has(method)) {
      problems.push(`unknown_auth_method:${method}`);
      continue;
    }
    const key = method as 'spf' | 'dkim' | 'dmarc';
    if (auth[key] !== undefined) {
      problems.push(`repeated_auth_method:${method}`);
      continue;
    }
    const result = authFromToken(key, token, source, problems);
    result.raw = entry.slice(0, MAX_RAW);
    const props: Record<string, string> = {};
    for (const word of words.slice(1, MAX_PROPS + 1)) {
      const at = word.indexOf('=');
      if (at <= 0) {
        problems.push(`unparsed_auth_prop:${word}`);
        continue;
      }
      const name = word.slice(0, at).toLowerCase();
      const propValue = word.slice(at + 1);
      // Kaspersky's bare `policy=` is the published DMARC policy, not an RFC `policy.*` property.
      if (name === 'policy' && key === 'dmarc') result.policy = propValue.toLowerCase();
      else props[name] = propValue;
    }
    if (Object.keys(props).length > 0) result.props = props;
    auth[key] = result;
  }
  return { auth, problems };
}
