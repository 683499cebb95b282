/**
 * RFC 5322 date-time (also the obsolete forms: 2-digit years, zone names, missing weekday, comments,
 * asctime order) → Date, or undefined when it cannot be read. Hand-written because Date.parse
 * accepts almost anything and its fallbacks differ between engines; indices are routed by this date.
 */
const MONTHS: Record<string, number> = {
  jan: 0, feb: 1, mar: 2, apr: 3, may: 4, jun: 5, jul: 6, aug: 7, sep: 8, oct: 9, nov: 10, dec: 11,
};
const ZONES: Record<string, number> = {
  ut: 0, utc: 0, gmt: 0, z: 0, est: -300, edt: -240, cst: -360, cdt: -300, mst: -420, mdt: -360, pst: -480, pdt: -420,
};
const MAX_CHARS = 200;
/** The form nearly every MTA writes (`Mon, 13 Apr 2026 06:49:00 +0300`): one anchored, bounded match. */
const COMMON = /^(?:[A-Za-z]{3}, ?)?(\d{1,2}) ([A-Za-z]{3}) (\d{4}) (\d{2}):(\d{2}):(\d{2}) ([+-])(\d{2})(\d{2})(?![\d:])/;

export function parseMailDate(input: string): Date | undefined {
  let text = input.length > MAX_CHARS ? input.slice(0, MAX_CHARS) : input;
  text = text.trim();
  const m = COMMON.exec(text);
  if (m !== null) {
    const month = MONTHS[(m[2] as string).toLowerCase()];
    if (month !== undefined) {
      const offset = (m[7] === '-' ? -1 : 1) * (Number(m[8]) * 60 + Number(m[9]));
      return build(Number(m[3]), month, Number(m[1]), Number(m[4]), Number(m[5]), Math.min(Number(m[6]), 59), offset);
    }
  }
  if (/^\d{4}-\d{2}-\d{2}[T ]\d{2}:\d{2}/.test(text)) return validDate(Date.parse(text.replace(' ', 'T')));
  text = stripComments(text);
  const tokens = text.split(/[\s,]+/).filter((t) => t.length > 0);
  let month = -1;
  let monthAt = -1;
  for (let i = 0; i < tokens.length; i++) {
    const t = (tokens[i] as string).toLowerCase();
    if (t.length >= 3 && t.length <= 9 && /^[a-z]+\.?$/.test(t)) {
      const m = MONTHS[t.slice(0, 3)];
      if (m !== undefined) {
        month = m;
        monthAt = i;
        break;
      }
    }
  }
  if (month < 0) return undefined;
  let timeAt = -1;
  for (let i = 0; i < tokens.length; i++) {
    if (/^\d{1,2}:\d{2}(:\d{2})?(\.\d+)?$/.test(tokens[i] as string)) {
      timeAt = i;
      break;
    }
  }
  if (timeAt < 0) return undefined;
  const isNum = (t: string | undefined): t is string => t !== undefined && /^\d{1,4}$/.test(t);
  let day: number;
  let yearToken: string | undefined;
  const before = tokens[monthAt - 1];
  if (isNum(before) && before.length <= 2) {
    day = Number(before); // RFC order: day month year time
    yearToken = tokens[monthAt + 1];
  } else {
    const after = tokens[monthAt + 1]; // asctime order: month day time year
    if (!isNum(after) || after.length > 2) return undefined;
    day = Number(after);
    yearToken = monthAt + 2 === timeAt ? tokens[timeAt + 1] : tokens[monthAt + 2];
  }
  if (!isNum(yearToken)) return undefined;
  let year = Number(yearToken);
  if (yearToken.length <= 2) year += year < 50 ? 2000 : 1900;
  else if (yearToken.length === 3) year += 1900;
  const [hh, mm, ssRaw] = (tokens[timeAt] as string).split(':');
  const hour = Number(hh);
  const minute = Number(mm);
  const second = Math.min(Math.floor(Number(ssRaw ?? '0')), 59);
  let offset = 0;
  const zone = tokens[timeAt + 1];
  if (zone !== undefined && /^[+-]\d{4}$/.test(zone)) {
    const sign = zone[0] === '-' ? -1 : 1;
    offset = sign * (Number(zone.slice(1, 3)) * 60 + Number(zone.slice(3, 5)));
  } else if (zone !== undefined) {
    offset = ZONES[zone.toLowerCase()] ?? 0;
  }
  return build(year, month, day, hour, minute, second, offset);
}

function build(year: number, month: number, day: number, hour: number, minute: number, second: number, offsetMin: number): Date | undefined {
  if (day < 1 || day > 31 || hour > 23 || minute > 59 || year < 1970 || year > 9999) return undefined;
  const ms = Date.UTC(year, month, day, hour, minute, second);
  if (new Date(ms).getUTCDate() !== day) return undefined; // Feb 30 and friends
  return validDate(ms - offsetMin * 60_000);
}

function validDate(ms: number): Date | undefined {
  if (!Number.isFinite(ms)) return undefined;
  const d = new Date(ms);
  const y = d.getUTCFullYear();
  return y >= 1970 && y <= 9999 ? d : undefined;
}

function stripComments(text: string): string {
  if (text.indexOf('(') === -1) return text;
  let out = '';
  let depth = 0;
  for (const ch of text) {
    if (ch === '(') depth++;
    else if (ch === ')' && depth > 0) depth--;
    else if (depth === 0) out += ch;
  }
  return out;
}
