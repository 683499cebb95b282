// Shared lookup key for vendor tokens (docs/gateways.md §6, §8.5): `not_detected`, `Not Detected`, `NotDetected`
// and `not-detected` must all find the same table entry, so case, `_`, `-` and whitespace are dropped.

/** Tokens longer than this are never table keys; cutting them keeps lookups cheap on hostile input. */
const MAX_TOKEN_CHARS = 256;

/** Casefold and strip `_`, `-` and whitespace: `KAS_STATUS_NOT_DETECTED` → `kasstatusnotdetected`. */
export function normalizeToken(raw: string): string {
  const text = raw.length > MAX_TOKEN_CHARS ? raw.slice(0, MAX_TOKEN_CHARS) : raw;
  const lower = text.toLowerCase();
  // Runs between dropped characters are copied with one slice each; a token without any (most) is returned as is.
  let out = '';
  let run = 0;
  for (let i = 0; i < lower.length; i++) {
    const c = lower.charCodeAt(i);
    if (c === 95 || c === 45 || c === 32 || c === 9 || c === 10 || c === 13 || c === 0xa0) {
      if (i > run) out += lower.slice(run, i);
      run = i + 1;
    }
  }
  return run === 0 ? lower : out + lower.slice(run);
}

/** Builds a lookup table whose keys are normalized; later entries never silently overwrite earlier ones. */
export function tokenTable<V>(entries: readonly (readonly [V, readonly string[]])[]): ReadonlyMap<string, V> {
  const table = new Map<string, V>();
  for (const [value, tokens] of entries) {
    for (const token of tokens) {
      const key = normalizeToken(token);
      const existing = table.get(key);
      if (existing !== undefined && existing !== value) throw new Error(`token table conflict: ${token}`);
      table.set(key, value);
    }
  }
  return table;
}

/**
 * Splits a two-part vendor value on the FIRST ", " only (docs/gateways.md §8.1):
 * `not scanned, disabled by settings` → [`not scanned`, `disabled by settings`].
 */
export function splitFirstComma(raw: string): [head: string, tail: string | undefined] {
  const at = raw.indexOf(', ');
  if (at < 0) return [raw.trim(), undefined];
  return [raw.slice(0, at).trim(), raw.slice(at + 2).trim()];
}
