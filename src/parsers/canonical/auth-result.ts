// Vendor authentication result → RFC 8601 result enum (shared/headers.md §7.3).
// Lookup after casefold + stripping `_`, `-` and spaces, so `TempError`, `temp_error` and `TEMPERROR` agree.
import type { AuthResultValue } from '../../document/enums.js';

export interface CanonicalAuthResult {
  result: AuthResultValue;
  /** `inferred` for MS bestguesspass, `soft` for MS compauth softpass. */
  qualifier?: string;
}

const TABLE: ReadonlyMap<string, CanonicalAuthResult> = buildTable([
  [{ result: 'pass' }, [
    'pass', 'rspfallow', 'rdkimallow', 'dmarcpolicyallow', 'arcallow', 'spfpass', 'dkimvalid',
  ]],
  [{ result: 'pass', qualifier: 'inferred' }, ['bestguesspass']],
  [{ result: 'pass', qualifier: 'soft' }, ['softpass']],
  [{ result: 'fail' }, [
    'fail', 'hardfail', 'rspffail', 'rdkimreject', 'dmarcpolicyreject', 'dmarcpolicyquarantine',
    'dmarcpolicysoftfail', 'arcreject', 'spffail', 'dkiminvalid', 'discard',
  ]],
  [{ result: 'softfail' }, ['softfail', 'rspfsoftfail', 'spfsoftfail']],
  [{ result: 'neutral' }, ['neutral', 'rspfneutral', 'spfneutral']],
  [{ result: 'none' }, ['none', 'rspfna', 'rdkimna', 'dmarcna', 'arcna', 'spfnone']],
  [{ result: 'temperror' }, [
    'temperror', 'error', 'rspfdnsfail', 'rdkimtempfail', 'dmarcdnsfail', 'arcdnsfail',
  ]],
  [{ result: 'permerror' }, ['permerror', 'rspfpermfail', 'rdkimpermfail', 'dmarcbadpolicy']],
  [{ result: 'policy' }, ['policy']],
]);

function buildTable(rows: readonly [CanonicalAuthResult, readonly string[]][]): Map<string, CanonicalAuthResult> {
  const map = new Map<string, CanonicalAuthResult>();
  for (const [value, keys] of rows) for (const key of keys) map.set(key, value);
  return map;
}

/** casefold + strip `_`, `-`, whitespace (headers.md §6). Bounded: callers pass header tokens. */
function normalize(raw: string): string {
  let out = '';
  const lower = raw.slice(0, 200).toLowerCase();
  for (const ch of lower) {
    if (ch === '_' || ch === '-' || ch === ' ' || ch === '\t') continue;
    out += ch;
  }
  return out;
}

/**
 * Map one result token. `method` (spf, dkim, dmarc, dkim-adsp, …) only matters for `unknown`, which is
 * SPF-classic for permerror but ADSP for neutral; for other methods it stays not understood.
 * Returns undefined when the token is not understood: the caller records `unknown`, keeps raw, warns.
 */
export function toAuthResult(raw: string, method?: string): CanonicalAuthResult | undefined {
  const key = normalize(raw.trim());
  if (key === '') return undefined;
  if (key === 'unknown') {
    const m = method === undefined ? 'spf' : normalize(method);
    if (m === 'spf' || m === 'senderid' || m === 'receivedspf') return { result: 'permerror' };
    if (m === 'dkimadsp' || m === 'adsp') return { result: 'neutral' };
    return undefined;
  }
  const hit = TABLE.get(key);
  return hit === undefined ? undefined : { ...hit };
}
