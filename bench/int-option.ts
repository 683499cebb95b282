// Integer command-line options of the benches: `100_000` is accepted, anything else below `min` is refused
// with the option's name.
export function intOption(value: string | undefined, name: string, fallback: number, min?: number): number;
export function intOption(value: string | undefined, name: string, fallback?: number, min?: number): number | undefined;
export function intOption(value: string | undefined, name: string, fallback?: number, min = 1): number | undefined {
  if (value === undefined) return fallback;
  const n = Number(value.replace(/_/g, ''));
  if (!Number.isInteger(n) || n < min) throw new Error(`--${name}: expected an integer ≥ ${min}, got ${value}`);
  return n;
}
