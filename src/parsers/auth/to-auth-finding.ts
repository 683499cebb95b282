// Turns parsed Authentication-Results / ARC / Received-SPF values into the document's AuthResults,
// one spf/dkim/dmarc entry per header (a header with several DKIM signatures reports a passing one).
import type { AuthResult, AuthResults } from '../../document/types.js';
import { toAuthResult } from '../canonical/auth-result.js';
import type { ResInfo } from './parse-authentication-results.js';
import { tokenizePairs } from './tokenize-pairs.js';

const METHODS = ['spf', 'dkim', 'dmarc'] as const;
type Method = (typeof METHODS)[number];
const MAX_RAW = 512;
const MAX_WARN_DETAIL = 80;

export function buildAuthResult(
  method: string,
  token: string,
  raw: string,
  source: string,
  warnings: string[],
  warnPrefix: string,
): AuthResult {
  const mapped = toAuthResult(token, method);
  if (mapped === undefined) warnings.push(`${warnPrefix}:unknown_result:${`${method}=${token}`.slice(0, MAX_WARN_DETAIL)}`);
  const result: AuthResult = { result: mapped?.result ?? 'unknown', raw: raw.slice(0, MAX_RAW), source };
  if (mapped?.qualifier !== undefined) result.qualifier = mapped.qualifier;
  return result;
}

/** DMARC policy from the comment (`p=REJECT sp=NONE dis=NONE`) or a `policy.*`/`p` attribute. */
function dmarcPolicy(info: ResInfo): string | undefined {
  for (const comment of info.comments) {
    for (const tok of tokenizePairs(comment)) {
      if (tok.key !== undefined && tok.key.toLowerCase() === 'p' && tok.value !== '') return tok.value.toLowerCase();
    }
  }
  const prop = info.props['policy.dmarc'] ?? info.props['p'];
  return prop === undefined || prop === '' ? undefined : prop.toLowerCase();
}

export function resInfosToAuth(infos: readonly ResInfo[], source: string, warnings: string[], warnPrefix: string): AuthResults {
  const auth: AuthResults = {};
  for (const method of METHODS) {
    const chosen = pick(infos, method);
    if (chosen === undefined) continue;
    const result = buildAuthResult(method, chosen.result, chosen.raw, source, warnings, warnPrefix);
    const props: Record<string, string> = { ...chosen.props };
    if (chosen.reason !== undefined) props['reason'] = chosen.reason;
    if (Object.keys(props).length > 0) result.props = props;
    if (method === 'dmarc') {
      const policy = dmarcPolicy(chosen);
      if (policy !== undefined) result.policy = policy;
    }
    auth[method as Method] = result;
  }
  return auth;
}

/** The first passing resinfo of `method`, else its first one; undefined when there is none. */
function pick(infos: readonly ResInfo[], method: string): ResInfo | undefined {
  let first: ResInfo | undefined;
  for (const info of infos) {
    if (info.method !== method) continue;
    if (toAuthResult(info.result, info.method)?.result === 'pass') return info;
    first ??= info;
  }
  return first;
}
