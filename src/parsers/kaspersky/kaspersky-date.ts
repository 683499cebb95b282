// Kaspersky database / bases dates → ISO-8601 local date-time without zone (the headers carry none).
//   Linux products:  2023/02/06 01:18:00            (YYYY/MM/DD)
//   KSE (locale):    13.05.2021 13:39:00            (DD.MM.YYYY)
//                    2/6/2021 9:17:00 PM, 05/13/2021 14:30:02   (M/D/YYYY, US; the only slash-year-last form seen)
// Every pattern is anchored with bounded quantifiers, so no input can make it backtrack.

const YMD = /^(\d{4})\/(\d{1,2})\/(\d{1,2})(?:[ T]+(\d{1,2}):(\d{2})(?::(\d{2}))?)?$/;
const DMY_DOT = /^(\d{1,2})\.(\d{1,2})\.(\d{4})(?: +(\d{1,2}):(\d{2})(?::(\d{2}))?)?$/;
const MDY_SLASH = /^(\d{1,2})\/(\d{1,2})\/(\d{4})(?: +(\d{1,2}):(\d{2})(?::(\d{2}))?(?: *([AaPp][Mm]))?)?$/;
const MONTHS = ['jan', 'feb', 'mar', 'apr', 'may', 'jun', 'jul', 'aug', 'sep', 'oct', 'nov', 'dec'];
/** `Feb 06 2023` (Lua-Profiles). */
const MON_D_Y = /^([A-Za-z]{3}) (\d{1,2}) (\d{4})$/;

const MAX_DATE_CHARS = 40;

function pad(n: number): string {
  return n < 10 ? `0${n}` : String(n);
}

function build(y: number, mo: number, d: number, h = 0, mi = 0, s = 0): string | undefined {
  if (mo < 1 || mo > 12 || d < 1 || d > 31 || h > 23 || mi > 59 || s > 59) return undefined;
  return `${y}-${pad(mo)}-${pad(d)}T${pad(h)}:${pad(mi)}:${pad(s)}`;
}

/** Parses one of the forms above; `undefined` when the text is not a date we know. */
export function parseKasperskyDate(raw: string): string | undefined {
  const text = raw.trim();
  if (text.length === 0 || text.length > MAX_DATE_CHARS) return undefined;
  let m = YMD.exec(text);
  if (m) return build(+m[1]!, +m[2]!, +m[3]!, +(m[4] ?? 0), +(m[5] ?? 0), +(m[6] ?? 0));
  m = DMY_DOT.exec(text);
  if (m) return build(+m[3]!, +m[2]!, +m[1]!, +(m[4] ?? 0), +(m[5] ?? 0), +(m[6] ?? 0));
  m = MDY_SLASH.exec(text);
  if (m) {
    let hour = +(m[4] ?? 0);
    const ampm = m[7]?.toLowerCase();
    if (ampm !== undefined) {
      if (hour < 1 || hour > 12) return undefined;
      if (ampm === 'pm' && hour !== 12) hour += 12;
      if (ampm === 'am' && hour === 12) hour = 0;
    }
    let month = +m[1]!;
    let day = +m[2]!;
    // A first field above 12 can only be a day (D/M/YYYY locales).
    if (month > 12 && day <= 12) [month, day] = [day, month];
    return build(+m[3]!, month, day, hour, +(m[5] ?? 0), +(m[6] ?? 0));
  }
  m = MON_D_Y.exec(text);
  if (m) {
    const month = MONTHS.indexOf(m[1]!.toLowerCase()) + 1;
    return month === 0 ? undefined : build(+m[3]!, month, +m[2]!);
  }
  return undefined;
}
