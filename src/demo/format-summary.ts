// The demo summary as terminal text: totals, a compact per-gateway table with bars, alerts, next steps.
import { INCOMPLETE_SCAN_STATUSES } from '../document/enums.js';
import type { DemoSummary } from './demo-summary.js';

export interface FormatOptions {
  indexPrefix: string;
  esUrl: string;
  kibanaUrl?: string | undefined;
  seconds: number;
  /** Bar characters; plain ASCII for non-UTF-8 terminals and logs. */
  ascii?: boolean;
  /** A `status` command line that works where the demo ran (it names the configuration the demo used). */
  statusCommand?: string;
}

const BAR_WIDTH = 20;

export function formatDemoSummary(s: DemoSummary, o: FormatOptions): string {
  const full = o.ascii === true ? '#' : '█';
  const empty = o.ascii === true ? '.' : '░';
  const bar = (fraction: number): string => {
    const n = Math.round(Math.max(0, Math.min(1, fraction)) * BAR_WIDTH);
    return full.repeat(n) + empty.repeat(BAR_WIDTH - n);
  };
  const lines: string[] = [];
  lines.push('', `mailverdict demo: ${s.documents} documents indexed in ${s.indices.join(', ') || '(no index)'} (${o.seconds.toFixed(1)} s)`, '');
  const max = Math.max(1, ...s.gateways.map((g) => g.documents));
  const gwWidth = Math.max(8, ...s.gateways.map((g) => g.gateway.length));
  lines.push(`${'gateway'.padEnd(gwWidth)}  ${'messages'.padStart(8)}  ${''.padEnd(BAR_WIDTH)}  verdicts / scan status`);
  for (const g of s.gateways) {
    lines.push(`${g.gateway.padEnd(gwWidth)}  ${String(g.documents).padStart(8)}  ${bar(g.documents / max)}  ${top(g.verdicts, g.documents)}`);
    const incomplete = INCOMPLETE_SCAN_STATUSES.reduce((n, st) => n + (g.scanStatuses[st] ?? 0), 0);
    const share = g.documents === 0 ? 0 : incomplete / g.documents;
    lines.push(`${''.padEnd(gwWidth)}  ${''.padStart(8)}  ${bar(share)}  scan: ${top(g.scanStatuses, g.documents)}`
      + (incomplete > 0 ? `  (${pct(share)} not completed)` : ''));
  }
  if (s.gatewayLog !== undefined) lines.push('', ...twoSources(s, s.gatewayLog));
  lines.push('');
  const fired = s.alerts.filter((a) => a.state === 'fired');
  lines.push(`alerts fired: ${fired.length}`);
  for (const a of s.alerts) lines.push(`  ${a.at}  ${a.state.padEnd(8)} ${a.message}`);
  if (s.deadLetters > 0) lines.push(`dead letters in ${o.indexPrefix}-deadletter: ${s.deadLetters}`);
  lines.push('', 'where to look next:');
  if (o.kibanaUrl !== undefined) {
    lines.push(`  Kibana:  ${o.kibanaUrl.replace(/\/$/, '')}/app/dashboards  ("Mail gateway verdicts"; set the time range to the last 30 days)`);
  } else {
    lines.push('  Kibana:  not configured here; with Docker, `docker compose up` serves the dashboards on http://localhost:5601');
  }
  const q = (kql: string): string => `curl -s '${o.esUrl.replace(/\/$/, '')}/${o.indexPrefix}-2*/_search?size=3&q=${encodeURIComponent(kql)}'`;
  lines.push('  KQL:     mailverdict.scan.status : (timeout or fallback)    mailverdict.spam.by_gateway : "ksmg:spam"    mailverdict.gateway_nodes : ksmg@*');
  if (s.gatewayLog !== undefined) {
    lines.push('  logs:    event.dataset : "mailverdict.log" and mailverdict.scan.status : (error or fallback)    (dashboard "Gateway logs and message trails")');
  }
  lines.push(`  search:  ${q('mailverdict.scan.status:fallback')}`);
  lines.push(`  status:  ${o.statusCommand ?? 'npx mailverdict status'}`);
  lines.push('  CLI:     npx mailverdict parse some.eml    npx mailverdict replay ~/Maildir    npx mailverdict --help');
  lines.push('');
  return lines.join('\n');
}

/**
 * One gateway seen two ways: its messages in the quarantine (header documents) beside its own log stream (log
 * events), and the scans that did not complete in each — the logs also see mail delivered after a timeout.
 */
function twoSources(s: DemoSummary, log: NonNullable<DemoSummary['gatewayLog']>): string[] {
  const quarantine = s.gateways.find((g) => g.gateway === log.gateway);
  const incomplete = (statuses: Record<string, number>): string => {
    const parts = INCOMPLETE_SCAN_STATUSES.filter((st) => (statuses[st] ?? 0) > 0).map((st) => `${st} ${statuses[st]}`);
    const n = INCOMPLETE_SCAN_STATUSES.reduce((sum, st) => sum + (statuses[st] ?? 0), 0);
    return parts.length === 0 ? '0' : `${n} (${parts.join(' · ')})`;
  };
  const rows: [string, string, string][] = [
    ['messages', String(quarantine?.documents ?? 0), String(log.messages)],
    ['scans not completed', incomplete(quarantine?.scanStatuses ?? {}), incomplete(log.scanStatuses)],
  ];
  const w0 = Math.max(...rows.map((r) => r[0].length));
  const w1 = Math.max('quarantine (headers)'.length, ...rows.map((r) => r[1].length));
  const row = (a: string, b: string, c: string): string => `  ${a.padEnd(w0)}  ${b.padEnd(w1)}  ${c}`;
  const kinds = Object.entries(log.kinds).sort((a, b) => b[1] - a[1]).map(([k, n]) => `${k.replace(/^LMS_EV_SCAN_LOGIC_/, '')} ${n}`).join(' · ');
  return [
    `${log.gateway}, seen two ways:`,
    row('', 'quarantine (headers)', 'gateway log (listen)'),
    ...rows.map((r) => row(...r)),
    `  ${log.events} log events: ${kinds}`,
  ];
}

/** "clean 1167 (45%) · spam 541 (21%) · …" for the largest few. */
function top(counts: Record<string, number>, total: number, n = 4): string {
  const entries = Object.entries(counts).sort((a, b) => b[1] - a[1]);
  const shown = entries.slice(0, n).map(([k, v]) => `${k} ${v} (${pct(total === 0 ? 0 : v / total)})`);
  const rest = entries.slice(n).reduce((sum, [, v]) => sum + v, 0);
  return shown.join(' · ') + (rest > 0 ? ` · other ${rest}` : '');
}

function pct(x: number): string {
  const p = x * 100;
  return p > 0 && p < 1 ? `${p.toFixed(1)}%` : `${Math.round(p)}%`;
}
