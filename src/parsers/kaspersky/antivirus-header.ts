// X-KSMG-AntiVirus / X-KLMS-AntiVirus: engine identity + bases, or why AV did not run (docs/gateways.md §1, §8.2).
//   Kaspersky Secure Mail Gateway, version 2.1.1.8310, bases: 2026/04/13 06:49:00 #28394185
//   Kaspersky Security for Linux Mail Server, version 8.0.3.30, not scanned, license restriction
//   Kaspersky Linux Mail Security 8.0.0.359, bases: …          (no `version` keyword)
import { parseKasperskyDate } from './kaspersky-date.js';

export interface AntiVirusHeader {
  product?: string;
  version?: string;
  /** ISO local date-time of the AV bases. */
  basesDate?: string;
  basesRecords?: number;
  /** Reason after `not scanned, ` (AV did not run). */
  notScanned?: string;
  problems: string[];
}

const MAX_SEGMENTS = 16;

/** `8.0.0.359` style: digits and dots only, starting with a digit. */
function isDottedVersion(s: string): boolean {
  if (s.length === 0 || s.length > 40) return false;
  let dots = 0;
  for (let i = 0; i < s.length; i++) {
    const c = s.charCodeAt(i);
    if (c === 46) dots++;
    else if (c < 48 || c > 57) return false;
  }
  return dots > 0 && s.charCodeAt(0) !== 46 && s.charCodeAt(s.length - 1) !== 46;
}

function parseBases(text: string, out: AntiVirusHeader): void {
  // `bases: 2023/02/06 01:18:00 #20852937`
  let rest = text.slice('bases:'.length).trim();
  const hash = rest.lastIndexOf('#');
  if (hash >= 0) {
    const digits = rest.slice(hash + 1).trim();
    if (digits.length > 0 && digits.length <= 15 && /^\d+$/.test(digits)) out.basesRecords = Number(digits);
    else out.problems.push(`bad_bases_records:${digits}`);
    rest = rest.slice(0, hash).trim();
  }
  if (rest.length > 0) {
    const date = parseKasperskyDate(rest);
    if (date === undefined) out.problems.push(`bad_bases_date:${rest}`);
    else out.basesDate = date;
  }
}

export function parseAntiVirusHeader(value: string): AntiVirusHeader {
  const out: AntiVirusHeader = { problems: [] };
  const segments = value.split(',', MAX_SEGMENTS).map((s) => s.trim());
  for (let i = 0; i < segments.length; i++) {
    const seg = segments[i]!;
    const lower = seg.toLowerCase();
    if (lower.startsWith('not scanned')) {
      // Everything after `not scanned, ` is the reason, commas included.
      const at = value.toLowerCase().indexOf('not scanned');
      const reason = value.slice(at + 'not scanned'.length).replace(/^\s*,\s*/, '').trim();
      out.notScanned = reason;
      break;
    }
    if (lower.startsWith('version ')) {
      const v = seg.slice('version '.length).trim();
      out.version = v;
      if (!isDottedVersion(v)) out.problems.push(`bad_version:${v}`);
      continue;
    }
    if (lower.startsWith('bases:')) {
      parseBases(seg, out);
      continue;
    }
    if (i === 0 && seg.length > 0) {
      // Product name; an old form carries its version as the last word instead of `, version x`.
      const space = seg.lastIndexOf(' ');
      const tail = space > 0 ? seg.slice(space + 1) : '';
      if (isDottedVersion(tail)) {
        out.product = seg.slice(0, space).trim();
        out.version = tail;
      } else {
        out.product = seg;
      }
      continue;
    }
    if (seg.length > 0) out.problems.push(`unknown_segment:${seg}`);
  }
  return out;
}
