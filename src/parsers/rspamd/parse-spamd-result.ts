// X-Spamd-Result after unfolding (docs/gateways.md §5.4, §8.12):
//   default: False [-2.20 / 15.00]; ARC_ALLOW(-1.00)[lists.ozlabs.org:s=201707:i=1]; R_SPF_ALLOW(-0.20)[+ip4:112.213.38.117];
// Options inside `[…]` may hold `;`, commas, colons and braces, so items are split by a bracket-aware scan.
import { parseDecimal } from '../kit/parse-number.js';

export interface RspamdSymbol {
  name: string;
  weight?: number;
  options?: string;
}

export interface SpamdResult {
  metric?: string;
  isSpam?: boolean;
  flagRaw?: string;
  score?: number;
  threshold?: number;
  symbols: RspamdSymbol[];
  problems: string[];
}

const MAX_SYMBOLS = 300;
const MAX_INPUT = 32_768;

/** Splits on `;` outside `[…]` and `(…)`; an unbalanced bracket swallows the rest (reported). */
function splitItems(text: string): { items: string[]; unbalanced: boolean } {
  const items: string[] = [];
  let depth = 0;
  let start = 0;
  for (let i = 0; i < text.length && items.length < MAX_SYMBOLS + 1; i++) {
    const ch = text[i];
    if (ch === '[' || ch === '(') depth++;
    else if ((ch === ']' || ch === ')') && depth > 0) depth--;
    else if (ch === ';' && depth === 0) {
      items.push(text.slice(start, i));
      start = i + 1;
    }
  }
  if (start < text.length) items.push(text.slice(start));
  return { items: items.map((s) => s.trim()).filter((s) => s !== ''), unbalanced: depth > 0 };
}

function parseHead(item: string, out: SpamdResult): boolean {
  const colon = item.indexOf(':');
  const open = item.indexOf('[');
  if (colon < 0 || (open >= 0 && open < colon)) return false;
  out.metric = item.slice(0, colon).trim();
  const rest = item.slice(colon + 1).trim();
  const flagEnd = rest.indexOf(' ');
  const flag = flagEnd < 0 ? rest : rest.slice(0, flagEnd);
  out.flagRaw = flag;
  const f = flag.toLowerCase();
  if (f === 'true') out.isSpam = true;
  else if (f === 'false') out.isSpam = false;
  else out.problems.push(`bad_flag:${flag.slice(0, 40)}`);
  const b1 = rest.indexOf('[');
  const b2 = rest.indexOf(']', b1 + 1);
  if (b1 >= 0 && b2 > b1) {
    const [s, t] = rest.slice(b1 + 1, b2).split('/');
    const score = s === undefined ? undefined : parseDecimal(s);
    const threshold = t === undefined ? undefined : parseDecimal(t);
    if (score === undefined) out.problems.push(`bad_score:${rest.slice(b1, b2 + 1).slice(0, 40)}`);
    else out.score = score;
    if (threshold !== undefined) out.threshold = threshold;
  } else out.problems.push('no_score');
  return true;
}

function parseSymbol(item: string): RspamdSymbol | undefined {
  const paren = item.indexOf('(');
  const bracket = item.indexOf('[');
  const nameEnd = [paren, bracket].filter((i) => i >= 0).reduce((a, b) => Math.min(a, b), item.length);
  const name = item.slice(0, nameEnd).trim();
  if (name === '' || name.length > 128 || name.includes(' ')) return undefined;
  const sym: RspamdSymbol = { name };
  if (paren === nameEnd) {
    const close = item.indexOf(')', paren);
    const w = close > paren ? parseDecimal(item.slice(paren + 1, close)) : undefined;
    if (w !== undefined) sym.weight = w;
  }
  if (bracket >= 0) {
    const close = item.lastIndexOf(']');
    sym.options = item.slice(bracket + 1, close > bracket ? close : undefined).slice(0, 512);
  }
  return sym;
}

export function parseSpamdResult(value: string): SpamdResult {
  const text = value.length > MAX_INPUT ? value.slice(0, MAX_INPUT) : value;
  const out: SpamdResult = { symbols: [], problems: [] };
  const { items, unbalanced } = splitItems(text);
  if (unbalanced) out.problems.push('unbalanced_brackets');
  let headSeen = false;
  for (const item of items) {
    if (!headSeen && parseHead(item, out)) {
      headSeen = true;
      continue;
    }
    const sym = parseSymbol(item);
    if (sym === undefined) out.problems.push(`bad_symbol:${item.slice(0, 40)}`);
    else if (out.symbols.length < MAX_SYMBOLS && !out.symbols.some((s) => s.name === sym.name)) out.symbols.push(sym);
  }
  if (!headSeen) out.problems.push('no_metric');
  return out;
}
