// `<status>[, bases: <date>]`, old `<status>, <date>`, or `not scanned, <reason>` (docs/gateways.md §8.1):
//   X-KSMG-LinksScanning: NotDetected, bases: 2025/04/07 11:03:00
//   X-KLMS-AntiPhishing: Clean, 2013/11/13 18:22:56
//   X-KLMS-AntiPhishing: not scanned, license restriction
import { normalizeToken, splitFirstComma } from '../canonical/normalize-token.js';
import { parseKasperskyDate } from './kaspersky-date.js';

export interface StatusWithBases {
  status: string;
  basesDate?: string;
  /** Text after the first ", " that is neither a date nor a bases stamp (a reason or an action). */
  qualifier?: string;
  problems: string[];
}

export function parseStatusWithBases(value: string): StatusWithBases {
  const [status, tail] = splitFirstComma(value);
  const out: StatusWithBases = { status, problems: [] };
  if (tail === undefined || tail === '') return out;
  if (normalizeToken(status) === 'notscanned') {
    out.qualifier = tail;
    return out;
  }
  const stamp = tail.toLowerCase().startsWith('bases:') ? tail.slice('bases:'.length).trim() : tail;
  const date = parseKasperskyDate(stamp);
  if (date !== undefined) out.basesDate = date;
  else if (stamp !== tail) out.problems.push(`bad_bases_date:${stamp}`);
  else out.qualifier = tail;
  return out;
}
