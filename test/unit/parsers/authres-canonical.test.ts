import { describe, expect, it } from 'vitest';
import { toAuthResult } from '../../../src/parsers/canonical/auth-result.js';

describe('toAuthResult (docs/gateways.md §7.3)', () => {
  it.each([
    ['pass', 'pass'], ['Pass', 'pass'], ['PASS', 'pass'],
    ['fail', 'fail'], ['Fail', 'fail'], ['hardfail', 'fail'], ['HardFail', 'fail'],
    ['softfail', 'softfail'], ['SoftFail', 'softfail'], ['soft_fail', 'softfail'],
    ['neutral', 'neutral'], ['Neutral', 'neutral'],
    ['none', 'none'], ['None', 'none'],
    ['temperror', 'temperror'], ['TempError', 'temperror'], ['temp-error', 'temperror'], ['error', 'temperror'],
    ['permerror', 'permerror'], ['PermError', 'permerror'],
    ['policy', 'policy'],
    ['R_SPF_ALLOW', 'pass'], ['R_DKIM_REJECT', 'fail'], ['DMARC_POLICY_QUARANTINE', 'fail'],
    ['R_SPF_DNSFAIL', 'temperror'], ['DMARC_BAD_POLICY', 'permerror'], ['SPF_SOFTFAIL', 'softfail'],
    ['DKIM_VALID', 'pass'], ['ARC_NA', 'none'], ['discard', 'fail'],
  ] as const)('%s → %s', (raw, expected) => {
    expect(toAuthResult(raw)?.result).toBe(expected);
    expect(toAuthResult(raw)?.qualifier).toBeUndefined();
  });

  it('keeps the MS qualifiers', () => {
    expect(toAuthResult('bestguesspass')).toEqual({ result: 'pass', qualifier: 'inferred' });
    expect(toAuthResult('softpass')).toEqual({ result: 'pass', qualifier: 'soft' });
  });

  it('maps SPF-classic unknown to permerror, ADSP unknown to neutral, elsewhere not understood', () => {
    expect(toAuthResult('unknown')?.result).toBe('permerror');
    expect(toAuthResult('unknown', 'spf')?.result).toBe('permerror');
    expect(toAuthResult('Unknown', 'dkim-adsp')?.result).toBe('neutral');
    expect(toAuthResult('unknown', 'dmarc')).toBeUndefined();
  });

  it('returns undefined for tokens it does not know', () => {
    expect(toAuthResult('')).toBeUndefined();
    expect(toAuthResult('   ')).toBeUndefined();
    expect(toAuthResult('signed')).toBeUndefined();
    expect(toAuthResult('passed-ish')).toBeUndefined();
    expect(toAuthResult('x'.repeat(100_000))).toBeUndefined();
  });

  it('returns a fresh object each call', () => {
    const a = toAuthResult('pass');
    if (a) a.qualifier = 'mutated';
    expect(toAuthResult('pass')).toEqual({ result: 'pass' });
  });
});
