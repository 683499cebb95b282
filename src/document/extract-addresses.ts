/** Most addresses kept from one header: a To: with thousands of recipients must stay small. */
const MAX_ADDRESSES = 100;

/**
 * addr-specs from an address-list header value (`"Doe, J" <j@x.org>, k@y.org, group: a@b.c;`).
 * One pass over the characters tracking quotes, angle brackets and comments; items without '@' are dropped.
 */
export function extractAddresses(value: string, into: string[] = []): string[] {
  let item = '';
  let angle: string | undefined;
  let inAngle = false;
  let quoted = false;
  let comment = 0;
  const push = (): void => {
    const candidate = (angle ?? item).trim();
    if (candidate.includes('@') && into.length < MAX_ADDRESSES && !/\s/.test(candidate)) into.push(candidate);
    item = '';
    angle = undefined;
  };
  for (let i = 0; i < value.length && into.length < MAX_ADDRESSES; i++) {
    const ch = value[i] as string;
    if (quoted) {
      if (ch === '\\') i++;
      else if (ch === '"') quoted = false;
      continue;
    }
    if (comment > 0) {
      if (ch === '(') comment++;
      else if (ch === ')') comment--;
      continue;
    }
    if (inAngle) {
      if (ch === '>') inAngle = false;
      else angle += ch;
      continue;
    }
    if (ch === '"') quoted = true;
    else if (ch === '(') comment = 1;
    else if (ch === '<') {
      inAngle = true;
      angle = '';
    } else if (ch === ',' || ch === ';') push();
    else if (ch === ':') item = ''; // group display name
    else item += ch;
  }
  push();
  return into;
}
