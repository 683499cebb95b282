// Progress of a long run: a redrawn bar (count, rate, ETA) on a terminal, plain lines every few seconds
// otherwise (logs, CI). The total is in bytes when the count of messages is not known in advance (mbox).
import type { TextSink } from '../runtime/text-sink.js';

export interface ProgressOptions {
  sink: TextSink;
  tty: boolean;
  label: string;
  /** Work in the unit `done` is given in (bytes or messages); undefined = unknown, no ETA. */
  total?: number | undefined;
  /** Plain-line interval (non-TTY). */
  lineEveryMs?: number;
  /** Redraw interval (TTY). */
  redrawEveryMs?: number;
  /** What became of the messages so far (e.g. "12 indexed, 3 already indexed, 0 dead-lettered"), shown on the line. */
  detail?: () => string;
  now?: () => number;
}

export class Progress {
  private readonly started: number;
  private last = 0;
  private count = 0;
  private done = 0;
  private readonly now: () => number;

  constructor(private readonly options: ProgressOptions) {
    this.now = options.now ?? Date.now;
    this.started = this.now();
  }

  /** `count` items so far, `done` units of the total so far. */
  async update(count: number, done: number): Promise<void> {
    this.count = count;
    this.done = done;
    const t = this.now();
    const every = this.options.tty ? (this.options.redrawEveryMs ?? 200) : (this.options.lineEveryMs ?? 5000);
    if (t - this.last < every) return;
    this.last = t;
    await this.options.sink.write(this.options.tty ? `\r${this.render(t)}\u001b[K` : `${this.render(t)}\n`);
  }

  /** The final state; on a terminal, ends the bar's line. */
  async finish(): Promise<void> {
    const line = this.render(this.now(), true);
    await this.options.sink.write(this.options.tty ? `\r${line}\u001b[K\n` : `${line}\n`);
  }

  render(t: number, final = false): string {
    const seconds = Math.max(0.001, (t - this.started) / 1000);
    const rate = this.count / seconds;
    const total = this.options.total;
    const fraction = total === undefined || total <= 0 ? undefined : Math.min(1, final ? 1 : this.done / total);
    const parts = [`${this.options.label}: ${this.count} messages`, `${formatRate(rate)}/s`];
    if (fraction !== undefined) {
      const eta = fraction > 0 && !final ? (seconds / fraction) * (1 - fraction) : 0;
      parts.push(final ? `${formatDuration(seconds)}` : `ETA ${formatDuration(eta)}`);
      const detail = this.options.detail?.();
      if (detail !== undefined && detail !== '') parts.push(detail);
      if (this.options.tty) return `${bar(fraction, 24)} ${Math.floor(fraction * 100)}% ${parts.join('  ')}`;
      return `${parts[0]} (${Math.floor(fraction * 100)}%), ${parts.slice(1).join(', ')}`;
    }
    parts.push(formatDuration(seconds));
    const detail = this.options.detail?.();
    if (detail !== undefined && detail !== '') parts.push(detail);
    return this.options.tty ? parts.join('  ') : parts.join(', ');
  }
}

export function bar(fraction: number, width: number): string {
  const f = Math.max(0, Math.min(1, fraction));
  const full = Math.round(f * width);
  return `[${'#'.repeat(full)}${'.'.repeat(width - full)}]`;
}

function formatRate(rate: number): string {
  return rate >= 100 ? String(Math.round(rate)) : rate.toFixed(1);
}

export function formatDuration(seconds: number): string {
  const s = Math.round(seconds);
  if (s < 60) return `${s}s`;
  const m = Math.floor(s / 60);
  if (m < 60) return `${m}m${String(s % 60).padStart(2, '0')}s`;
  return `${Math.floor(m / 60)}h${String(m % 60).padStart(2, '0')}m`;
}
