// "Did you mean …" for misspelled keys: same letters ignoring case and separators (`api_key` → apiKey),
// else the closest key within a small edit distance.

function normalize(key: string): string {
  return key.toLowerCase().replace(/[_\-\s]/g, '');
}

/** Levenshtein distance, giving up (returning limit + 1) once it exceeds `limit`; inputs are short keys. */
function distance(a: string, b: string, limit: number): number {
  if (Math.abs(a.length - b.length) > limit) return limit + 1;
  let previous = Array.from({ length: b.length + 1 }, (_, i) => i);
  for (let i = 1; i <= a.length; i++) {
    const current = [i];
    let rowMin = i;
    for (let j = 1; j <= b.length; j++) {
      const cost = a[i - 1] === b[j - 1] ? 0 : 1;
      const value = Math.min((previous[j] ?? 0) + 1, (current[j - 1] ?? 0) + 1, (previous[j - 1] ?? 0) + cost);
      current.push(value);
      rowMin = Math.min(rowMin, value);
    }
    if (rowMin > limit) return limit + 1;
    previous = current;
  }
  return previous[b.length] ?? limit + 1;
}

export function suggestKey(unknown: string, candidates: readonly string[]): string | undefined {
  if (unknown.length > 200) return undefined;
  const wanted = normalize(unknown);
  let best: string | undefined;
  let bestDistance = Infinity;
  for (const candidate of candidates) {
    const limit = Math.min(2, Math.floor(candidate.length / 3));
    const d = distance(wanted, normalize(candidate), limit);
    if (d <= limit && d < bestDistance) {
      best = candidate;
      bestDistance = d;
    }
  }
  return best;
}
