// Memory of the pipeline's processes over a long run: RSS (and V8 heap from /metrics) of each process each
// time the committed watermark passes another `every` messages, with the lowest and highest RSS polled since
// the previous reading, and the growth per 100k messages after a warm-up, fitted by least squares. One reading
// is noisy (it lands anywhere in the GC sawtooth); the lowest RSS of each interval is what stays retained.
export interface MemoryPoint {
  /** Committed watermark when read. */
  committed: number;
  t_s: number;
  rss_mb: number;
  /** Lowest and highest VmRSS polled since the previous reading. */
  rss_min_mb?: number;
  rss_max_mb?: number;
  /** VmHWM: the kernel's peak so far. */
  peak_mb: number;
  heap_used_mb?: number;
  external_mb?: number;
}

export interface MemoryTrend {
  points: number;
  warmup_messages: number;
  rss_slope_mb_per_100k: number | null;
  /** Slope of each interval's lowest RSS: the steadier estimate of retained growth. */
  rss_min_slope_mb_per_100k: number | null;
  heap_used_slope_mb_per_100k: number | null;
  max_rss_mb: number;
}

/** Least-squares slope of y over x (null with fewer than two distinct x). */
export function slope(xs: readonly number[], ys: readonly number[]): number | null {
  const n = Math.min(xs.length, ys.length);
  if (n < 2) return null;
  let mx = 0;
  let my = 0;
  for (let i = 0; i < n; i++) {
    mx += xs[i] as number;
    my += ys[i] as number;
  }
  mx /= n;
  my /= n;
  let sxx = 0;
  let sxy = 0;
  for (let i = 0; i < n; i++) {
    const dx = (xs[i] as number) - mx;
    sxx += dx * dx;
    sxy += dx * ((ys[i] as number) - my);
  }
  return sxx === 0 ? null : sxy / sxx;
}

export class MemorySeries {
  readonly byRole: Record<string, MemoryPoint[]> = {};
  private next: number;
  private readonly range = new Map<string, { min: number; max: number }>();

  constructor(readonly every: number) {
    this.next = every;
  }

  /** Whether the watermark has passed the next checkpoint (then call add for each role, then advance). */
  due(committed: number): boolean {
    return committed >= this.next;
  }

  /** A polled RSS, for the interval's lowest and highest. */
  observe(role: string, rssMb: number): void {
    const r = this.range.get(role);
    if (r === undefined) this.range.set(role, { min: rssMb, max: rssMb });
    else {
      r.min = Math.min(r.min, rssMb);
      r.max = Math.max(r.max, rssMb);
    }
  }

  add(role: string, point: MemoryPoint): void {
    const r = this.range.get(role);
    this.range.delete(role);
    const withRange = r === undefined ? point : { ...point, rss_min_mb: Math.min(r.min, point.rss_mb), rss_max_mb: Math.max(r.max, point.rss_mb) };
    (this.byRole[role] ??= []).push(withRange);
  }

  advance(committed: number): void {
    while (this.next <= committed) this.next += this.every;
  }

  trend(role: string, warmupMessages: number, maxSampledRssMb: number): MemoryTrend {
    const all = this.byRole[role] ?? [];
    const after = all.filter((p) => p.committed >= warmupMessages);
    const per100k = (ys: (number | undefined)[]): number | null => {
      const pts = after.filter((_, i) => ys[i] !== undefined);
      const s = slope(pts.map((p) => p.committed / 100_000), ys.filter((y): y is number => y !== undefined));
      return s === null ? null : Math.round(s * 100) / 100;
    };
    return {
      points: after.length,
      warmup_messages: warmupMessages,
      rss_slope_mb_per_100k: per100k(after.map((p) => p.rss_mb)),
      rss_min_slope_mb_per_100k: per100k(after.map((p) => p.rss_min_mb)),
      heap_used_slope_mb_per_100k: per100k(after.map((p) => p.heap_used_mb)),
      max_rss_mb: Math.max(maxSampledRssMb, ...all.map((p) => p.peak_mb)),
    };
  }
}
