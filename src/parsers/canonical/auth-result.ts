// Vendor authentication result → RFC 8601 result enum (docs/gateways.md §7.3).
// Lookup after casefold + stripping `_`, `-` and spaces, so `TempError`, `temp_error` and `TEMPERROR` agree.
import type { AuthResultValue } from '../../document/enums.js';
import { normalizeToken, tokenTable } from './normalize-token.js';

export interface CanonicalAuthResult {
  result: AuthResultValue;
  /** `inferred` for MS bestguesspass, `soft` for MS compauth softpass. */
  qualifier?: string;
}

const TABLE = tokenTable<CanonicalAuthResult>([
  [{ result: 'pass' }, [
    'pass', 'R_SPF_ALLOW', 'R_DKIM_ALLOW', 'DMARC_POLICY_ALLOW', 'ARC_ALLOW', 'SPF_PASS', 'DKIM_VALID',
  ]],
  [{ result: 'pass', qualifier: 'inferred' }, ['bestguesspass']],
  [{ result: 'pass', qualifier: 'soft' }, ['softpass']],
  [{ result: 'fail' }, [
    'fail', 'hardfail', 'R_SPF_FAIL', 'R_DKIM_REJECT', 'DMARC_POLICY_REJECT', 'DMARC_POLICY_QUARANTINE',
    'DMARC_POLICY_SOFTFAIL', 'ARC_REJECT', 'SPF_FAIL', 'DKIM_INVALID', 'discard',
  ]],
  [{ result: 'softfail' }, ['softfail', 'R_SPF_SOFTFAIL', 'SPF_SOFTFAIL']],
  [{ result: 'neutral' }, ['neutral', 'R_SPF_NEUTRAL', 'SPF_NEUTRAL']],
  [{ result: 'none' }, ['none', 'R_SPF_NA', 'R_DKIM_NA', 'DMARC_NA', 'ARC_NA', 'SPF_NONE']],
  [{ result: 'temperror' }, [
    'temperror', 'error', 'R_SPF_DNSFAIL', 'R_DKIM_TEMPFAIL', 'DMARC_DNSFAIL', 'ARC_DNSFAIL',
  ]],
  [{ result: 'permerror' }, ['permerror', 'R_SPF_PERMFAIL', 'R_DKIM_PERMFAIL', 'DMARC_BAD_POLICY']],
  [{ result: 'policy' }, ['policy']],
]);

/**
 * Map one result token. `method` (spf, dkim, dmarc, dkim-adsp, …) only matters for `unknown`, which is
 * SPF-classic for permerror but ADSP for neutral; for other methods it stays not understood.
 * Returns undefined when the token is not understood: the caller records `unknown`, keeps raw, warns.
 */
export function toAuthResult(raw: string, method?: string): CanonicalAuthResult | undefined {
  const key = normalizeToken(raw);
  if (key === '') return undefined;
  if (key === 'unknown') {
    const m = method === undefined ? 'spf' : normalizeToken(method);
    if (m === 'spf' || m === 'senderid' || m === 'receivedspf') return { result: 'permerror' };
    if (m === 'dkimadsp' || m === 'adsp') return { result: 'neutral' };
    return undefined;
  }
  const hit = TABLE.get(key);
  return hit === undefined ? undefined : { ...hit };
}
