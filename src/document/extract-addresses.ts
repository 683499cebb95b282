/** Most addresses kept from one header: a To: with thousands of recipients must stay small. */
const MAX_ADDRESSES = 100;

function keep(candidate: string, into: string[]): void {
  const c = candidate.trim();
  if (into.length < MAX_ADDRESSES && c.includes('@') && !/\s/.test(c)) into.push(c);
}

/**
 * addr-specs from an address-list header value (`"Doe, J" <j@x.org>, k@y.org, group: a@b.c;`).
 * One pass tracking quotes, angle brackets and comments; items without '@' are dropped.
 */
export function extractAddresses(value: string, into: string[] = []): string[] {
  // Common case, no quotes/comments/groups: split on commas, take what is inside <> if any.
  if (!/["(:;\\]/.test(value)) {
    for (const item of value.split(',', MAX_ADDRESSES * 4)) {
      const open = item.indexOf('<');
      if (open === -1) keep(item, into);
      else {
        const close = item.indexOf('>', open + 1);
        if (close !== -1) keep(item.slice(open + 1, close), into);
      }
    }
    return into;
  }
  let start = 0; // start of the current item's text outside <>
  let angle = -1; // start of the current <…> content, -1 when none
  let angleValue: string | undefined;
  let quoted = false;
  let comment = 0;
  let plain = '';
  const n = value.length;
  for (let i = 0; i < n && into.length < MAX_ADDRESSES; i++) {
    const ch = value.charCodeAt(i);
    if (quoted) {
      if (ch === 92) i++;
      else if (ch === 34) quoted = false;
      continue;
    }
    if (comment > 0) {
      if (ch === 40) comment++;
      else if (ch === 41) comment--;
      if (comment === 0) start = i + 1;
      continue;
    }
    if (angle !== -1) {
      if (ch === 62) {
        angleValue = value.slice(angle, i);
        angle = -1;
      }
      continue;
    }
    if (ch === 34) quoted = true;
    else if (ch === 40) {
      plain += value.slice(start, i);
      comment = 1;
    } else if (ch === 60) angle = i + 1;
    else if (ch === 44 || ch === 59) {
      keep(angleValue ?? plain + value.slice(start, i), into);
      angleValue = undefined;
      plain = '';
      start = i + 1;
    } else if (ch === 58) {
      plain = ''; // group display name
      start = i + 1;
    }
  }
  if (angle === -1 && comment === 0 && !quoted) keep(angleValue ?? plain + value.slice(start), into);
  else if (angleValue !== undefined) keep(angleValue, into);
  return into;
}
