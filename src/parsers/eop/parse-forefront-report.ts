// X-Forefront-Antispam-Report (current and old layouts, docs/gateways.md §5.5, §8.14): `KEY:value` pairs split on
// `;` (space optional, folded), empty values allowed, values may hold `:` (IPv6 CIP) and `(…)(…)` groups.
//   CIP:165.204.84.17; CTRY:US; LANG:en; SCL:1; SRV:; IPV:CAL; SFV:NSPM; H:SATLEXMB04.amd.com; CAT:NONE; SFS:(13230040)(…); DIR:OUT;
// Old layout: CIP:…;KIP:(null);UIP:(null);IPV:NLI;H:…;EFV:NLI;SFV:NSPM;SFS:…;DIR:INB;SFP:;SCL:1;SRVR:…;SPF:None;LANG:en;

const MAX_INPUT = 16_384;
const MAX_FIELDS = 64;

/** Key (uppercased) → value (trimmed, first occurrence wins); `malformed` counts items without a colon. */
export function parseForefrontReport(value: string): { fields: Map<string, string>; malformed: string[]; unbalanced: boolean } {
  const text = value.length > MAX_INPUT ? value.slice(0, MAX_INPUT) : value;
  const fields = new Map<string, string>();
  const malformed: string[] = [];
  let depth = 0;
  let start = 0;
  const take = (end: number): void => {
    const item = text.slice(start, end).trim();
    start = end + 1;
    if (item === '') return;
    const colon = item.indexOf(':');
    if (colon <= 0) {
      if (malformed.length < 8) malformed.push(item.slice(0, 40));
      return;
    }
    const key = item.slice(0, colon).trim().toUpperCase();
    if (!fields.has(key) && fields.size < MAX_FIELDS) fields.set(key, item.slice(colon + 1).trim());
  };
  for (let i = 0; i < text.length; i++) {
    const ch = text[i];
    if (ch === '(') depth++;
    else if (ch === ')' && depth > 0) depth--;
    else if (ch === ';' && depth === 0) take(i);
  }
  take(text.length);
  return { fields, malformed, unbalanced: depth > 0 };
}
