// X-Spam-Status as written by SpamAssassin (3.x `score=`, 2.x `hits=`) and amavisd-new (`tests=[R=s, …]`,
// `score=x` when the spam check was bypassed), after unfolding:
//   Yes, score=14.4 required=5.0 tests=DKIM_ADSP_CUSTOM_MED,FREEMAIL_FROM, NML_ADSP_CUSTOM_MED autolearn=no version=3.4.1
import { parseDecimal } from '../kit/parse-number.js';
import { scanKeyValues, splitList } from '../kit/key-values.js';

export interface SpamStatus {
  /** `Yes` / `No` as written (undefined when the value has no leading flag). */
  flag?: string;
  /** Numeric score; undefined when absent or not a number. */
  score?: number;
  /** The score text as written (`x` for amavis bypass). */
  scoreRaw?: string;
  threshold?: number;
  rules: string[];
  /** amavis `tests=[…]` form, `tagged_above=` or `tag2=` seen. */
  amavisStyle: boolean;
  autolearn?: string;
  version?: string;
}

const MAX_RULES = 200;

/** `A=1.2, B=-0.1` (amavis) or `A,B, C` (SA) → rule names. */
export function parseTests(raw: string): string[] {
  const inner = raw.startsWith('[') ? raw.slice(1, raw.endsWith(']') ? -1 : undefined) : raw;
  const rules: string[] = [];
  for (const item of splitList(inner, ',', MAX_RULES)) {
    const eq = item.indexOf('=');
    const name = (eq < 0 ? item : item.slice(0, eq)).trim();
    if (name !== '' && name.toLowerCase() !== 'none' && !rules.includes(name)) rules.push(name.slice(0, 128));
  }
  return rules;
}

export function parseSpamStatus(value: string): SpamStatus {
  const text = value.trim();
  const comma = text.indexOf(',');
  const head = (comma < 0 ? text : text.slice(0, comma)).trim();
  const out: SpamStatus = { rules: [], amavisStyle: false };
  // Without a comma the whole value may be just `Yes`/`No`, or pairs only.
  let rest = text;
  if (comma >= 0 || !head.includes('=')) {
    out.flag = head;
    rest = comma < 0 ? '' : text.slice(comma + 1);
  }
  let tests: string | undefined;
  let lastKey = '';
  for (const pair of scanKeyValues(rest)) {
    if (pair.key === '') {
      // Folding put a space inside the SA tests list: `tests=A,B,\n\tC` → continuation token.
      if (lastKey === 'tests' && tests !== undefined) tests += pair.value;
      continue;
    }
    lastKey = pair.key;
    switch (pair.key) {
      case 'score':
      case 'hits':
        out.scoreRaw ??= pair.value;
        break;
      case 'required': {
        const t = parseDecimal(pair.value);
        if (t !== undefined) out.threshold = t;
        break;
      }
      case 'tag2':
        out.amavisStyle = true;
        if (out.threshold === undefined) {
          const t2 = parseDecimal(pair.value);
          if (t2 !== undefined) out.threshold = t2;
        }
        break;
      case 'tagged_above':
      case 'kill':
      case 'tag':
        out.amavisStyle = true;
        break;
      case 'tests':
        tests ??= pair.value;
        if (pair.value.startsWith('[')) out.amavisStyle = true;
        break;
      case 'autolearn':
        out.autolearn ??= pair.value;
        break;
      case 'version':
        out.version ??= pair.value.slice(0, 64);
        break;
      default:
        break;
    }
  }
  if (out.scoreRaw !== undefined) {
    const n = parseDecimal(out.scoreRaw);
    if (n !== undefined) out.score = n;
  }
  if (tests !== undefined) out.rules = parseTests(tests);
  return out;
}

/** `* 10 USER_IN_BLACKLIST From: …` / ` 0.0 URIBL_BLOCKED …` report tables → rule names (unfolded text). */
export function reportRules(report: string): string[] {
  const tokens = report.slice(0, 16_384).split(/[ \t]+/);
  const rules: string[] = [];
  for (let i = 0; i + 1 < tokens.length && rules.length < MAX_RULES; i++) {
    if (parseDecimal(tokens[i] as string) === undefined) continue;
    const name = tokens[i + 1] as string;
    if (isRuleName(name) && !rules.includes(name)) rules.push(name);
  }
  return rules;
}

function isRuleName(token: string): boolean {
  if (token.length < 2 || token.length > 64) return false;
  let letters = 0;
  for (const ch of token) {
    if (ch >= 'A' && ch <= 'Z') letters++;
    else if (!((ch >= '0' && ch <= '9') || ch === '_')) return false;
  }
  return letters > 0;
}

/** `(-1.9 points, 5.0 required)` or `(-2.6 / 5.0 requ)` → score and threshold. */
export function reportScore(report: string): { score: number; threshold: number } | undefined {
  const open = report.indexOf('(');
  if (open < 0 || open > 4_096) return undefined;
  const close = report.indexOf(')', open);
  if (close < 0 || close - open > 80) return undefined;
  const inner = report.slice(open + 1, close);
  const parts = inner.split(inner.includes('/') ? '/' : ',');
  if (parts.length !== 2) return undefined;
  const score = parseDecimal((parts[0] as string).replace('points', ''));
  const threshold = parseDecimal((parts[1] as string).replace('required', '').replace('requ', ''));
  return score === undefined || threshold === undefined ? undefined : { score, threshold };
}
