// Small helpers every log parser uses to fill a LogEvent the same way: canonical enums with the raw value
// beside them, a warning for every value not understood (never a guess), bounded lists.
import type { ActionResult, AvResult, ScanResult, SpamResult, ThreatResult } from '../../document/types.js';
import { toActionType } from '../../parsers/canonical/action.js';
import { toAvStatus, avThreatName } from '../../parsers/canonical/av-status.js';
import { toScanStatus } from '../../parsers/canonical/scan-status.js';
import { toSpamVerdict } from '../../parsers/canonical/spam-verdict.js';
import { toThreatStatus, type ThreatKind } from '../../parsers/canonical/threat-status.js';

const MAX_RAW = 512;
const MAX_LIST = 100;

export function clipRaw(raw: string): string {
  return raw.length > MAX_RAW ? raw.slice(0, MAX_RAW) : raw;
}

export function spamFrom(raw: string, warnings: string[], field: string): SpamResult {
  const verdict = toSpamVerdict(raw);
  if (verdict === undefined) warnings.push(`unknown_spam_status:${field}`);
  return { verdict: verdict ?? 'unknown', raw: clipRaw(raw) };
}

export function scanFrom(raw: string, warnings: string[], field: string): ScanResult {
  const status = toScanStatus(raw);
  if (status === undefined) warnings.push(`unknown_scan_status:${field}`);
  return { ...(status ?? { status: 'unknown' }), raw: clipRaw(raw) };
}

export function avFrom(raw: string, warnings: string[], field: string): AvResult {
  const status = toAvStatus(raw);
  if (status === undefined) warnings.push(`unknown_av_status:${field}`);
  const threat = avThreatName(raw);
  return { status: status ?? 'unknown', raw: clipRaw(raw), ...(threat !== undefined ? { threats: [threat] } : {}) };
}

export function threatFrom(raw: string, kind: ThreatKind, warnings: string[], field: string): ThreatResult {
  const status = toThreatStatus(raw, kind);
  if (status === undefined) warnings.push(`unknown_${kind}_status:${field}`);
  return { status: status ?? 'unknown', raw: clipRaw(raw) };
}

export function actionFrom(raw: string, warnings: string[], field: string, module?: string): ActionResult {
  const type = toActionType(raw);
  if (type === undefined) warnings.push(`unknown_action:${field}`);
  return { type: type ?? 'unknown', raw: clipRaw(raw), ...(module !== undefined ? { module } : {}) };
}

/** Splits an address list on `,` `;` or whitespace; strips `<>`; drops empties and duplicates. */
export function addressList(raw: string | undefined): string[] | undefined {
  if (raw === undefined) return undefined;
  const out: string[] = [];
  for (const part of raw.slice(0, 64 * 1024).split(/[,;\s]+/)) {
    let a = part.trim();
    if (a.startsWith('<') && a.endsWith('>')) a = a.slice(1, -1);
    if (a !== '' && !out.includes(a)) out.push(a);
    if (out.length >= MAX_LIST) break;
  }
  return out.length > 0 ? out : undefined;
}

/** A value that is present and not a placeholder (`-`, empty, `(null)`). */
export function present(raw: string | undefined): string | undefined {
  if (raw === undefined) return undefined;
  const t = raw.trim();
  return t === '' || t === '-' || t === '(null)' || t === 'N/A' ? undefined : t;
}

/** True when the value looks like an RFC 5322 Message-ID (`<local@domain>`). */
export function looksLikeMessageId(raw: string): boolean {
  return /^<[^<>\s]+@[^<>\s]+>$/.test(raw.trim());
}

/** Parses a decimal score; undefined when it is not a plain number. */
export function scoreFrom(raw: string | undefined): number | undefined {
  if (raw === undefined || !/^[-+]?\d+(\.\d+)?$/.test(raw.trim())) return undefined;
  const n = Number(raw);
  return Number.isFinite(n) ? n : undefined;
}

/** Copies defined optional properties only (exactOptionalPropertyTypes). */
export function defined<T extends object>(value: T): T {
  for (const key of Object.keys(value) as (keyof T)[]) if (value[key] === undefined) delete value[key];
  return value;
}

/**
 * A date and time written in the line without a zone (`2026-06-01` + `10:20:00`, or `06/01/2026`): read as UTC,
 * with a warning unless the line names UTC itself. Undefined when it is not a valid date.
 */
export function lineDateUtc(date: string | undefined, time: string | undefined, warnings: string[], zone?: string): Date | undefined {
  if (date === undefined || time === undefined || !/^\d{1,2}:\d{2}(:\d{2})?$/.test(time)) return undefined;
  let y: number; let mo: number; let d: number;
  const iso = /^(\d{4})-(\d{2})-(\d{2})$/.exec(date);
  const us = /^(\d{1,2})\/(\d{1,2})\/(\d{4})$/.exec(date);
  if (iso !== null) [y, mo, d] = [Number(iso[1]), Number(iso[2]), Number(iso[3])];
  else if (us !== null) [y, mo, d] = [Number(us[3]), Number(us[1]), Number(us[2])];
  else return undefined;
  const [h = 0, mi = 0, s = 0] = time.split(':').map(Number);
  const out = new Date(Date.UTC(y, mo - 1, d, h, mi, s));
  if (Number.isNaN(out.getTime()) || out.getUTCDate() !== d) return undefined;
  if (zone === undefined || !/^(UTC|GMT|Z|[+-]00:?00)$/i.test(zone.trim())) warnings.push('timestamp_zone_assumed_utc');
  return out;
}
