// RFC 8601 Authentication-Results / RFC 8617 ARC-Authentication-Results value → structured resinfo list.
//   mx.example.com (amavisd-new); dkim=pass (1024-bit key; unprotected) header.d=example.org; spf=none
//   i=1; mx.google.com; dkim=pass header.i=@example.com; dmarc=pass (p=NONE sp=NONE dis=NONE) header.from=example.com
import { scanSegments, type Segment } from './scan-segments.js';
import { tokenizePairs, type Token } from './tokenize-pairs.js';

export interface ResInfo {
  /** Lowercased method without version: spf, dkim, dmarc, … */
  readonly method: string;
  readonly result: string;
  readonly reason?: string;
  /** ptype.property=value and other key=value attributes, keys lowercased. */
  readonly props: Record<string, string>;
  /** Comments of the resinfo, e.g. `p=NONE sp=NONE dis=NONE`. */
  readonly comments: readonly string[];
  /** The resinfo as written. */
  readonly raw: string;
}

export interface ParsedAuthResults {
  readonly authservId?: string;
  /** ARC instance (`i=N`). */
  readonly instance?: number;
  /** The `none` form: no authentication was performed. */
  readonly none: boolean;
  readonly results: ResInfo[];
  readonly problems: string[];
}

const MAX_PROPS = 32;

export function parseAuthenticationResults(value: string, arc = false): ParsedAuthResults {
  const scan = scanSegments(value);
  const problems: string[] = [];
  if (scan.unbalanced) problems.push('unbalanced_comment');
  if (scan.truncated) problems.push('truncated');
  const segments = scan.segments;
  let k = 0;

  let instance: number | undefined;
  if (arc) {
    const first = segments[0] === undefined ? [] : tokenizePairs(segments[0].text);
    const tag = first[0];
    if (first.length === 1 && tag?.key?.toLowerCase() === 'i' && /^\d{1,3}$/.test(tag.value)) {
      instance = Number(tag.value);
      k = 1;
    } else {
      problems.push('missing_arc_instance');
    }
  }

  // authserv-id [version]; a segment holding `=` is a resinfo already (EOP leaves the authserv-id out)
  let authservId: string | undefined;
  const head = segments[k];
  if (head !== undefined) {
    const tokens = tokenizePairs(head.text);
    if (tokens.length > 0 && allBare(tokens)) {
      authservId = tokens[0]?.value;
      k++;
    }
    // else: no authserv-id — EOP writes its Authentication-Results that way, so it is not a problem
  }

  let none = false;
  const results: ResInfo[] = [];
  for (; k < segments.length; k++) {
    const seg = segments[k] as Segment;
    if (seg.text === '') continue;
    const info = parseResInfo(seg);
    if (info === 'none') none = true;
    else if (info === undefined) problems.push(`unparsed_resinfo:${seg.raw.slice(0, 80)}`);
    else results.push(info);
  }
  // Plain assignments, not conditional spreads: this runs for every (ARC-)Authentication-Results header.
  const out: { authservId?: string; instance?: number; none: boolean; results: ResInfo[]; problems: string[] } = {
    none: none && results.length === 0,
    results,
    problems,
  };
  if (authservId !== undefined) out.authservId = authservId;
  if (instance !== undefined) out.instance = instance;
  return out;
}

function allBare(tokens: readonly Token[]): boolean {
  for (const t of tokens) if (t.key !== undefined) return false;
  return true;
}

function parseResInfo(seg: Segment): ResInfo | 'none' | undefined {
  const tokens = tokenizePairs(seg.text);
  const first = tokens[0];
  if (first === undefined) return undefined;
  if (first.key === undefined) {
    return tokens.length === 1 && first.value.toLowerCase() === 'none' ? 'none' : undefined;
  }
  const slash = first.key.indexOf('/');
  const method = (slash >= 0 ? first.key.slice(0, slash) : first.key).trim().toLowerCase();
  if (method === '') return undefined;
  const props: Record<string, string> = {};
  let reason: string | undefined;
  let count = 0;
  for (let t = 1; t < tokens.length && count < MAX_PROPS; t++) {
    const tok = tokens[t];
    if (tok?.key === undefined || tok.key === '') continue;
    const key = tok.key.toLowerCase();
    if (key === 'reason') reason = tok.value;
    else if (!(key in props)) {
      props[key] = tok.value;
      count++;
    }
  }
  const info: { method: string; result: string; reason?: string; props: Record<string, string>; comments: readonly string[]; raw: string } = {
    method,
    result: first.value,
    props,
    comments: seg.comments,
    raw: seg.raw,
  };
  if (reason !== undefined) info.reason = reason;
  return info;
}
