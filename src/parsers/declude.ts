// Declude (Junkmail/Virus for IMail & SmarterMail) and MessageSniffer (SNF), often on the same server:
//   X-Declude-Scan: Incoming Score [12] at 14:05:31 on 02 Mar 2009
//   X-Declude-Tests: SNIFFER [10], SPFFAIL [4], CATCHALLMAILS [0]
//   X-MessageSniffer-Scan-Result: 0        X-MessageSniffer-Rules: 0-0-0-1006-c
// Declude's weight thresholds (hold/delete) are local configuration, so the headers give a score and the
// tests that fired, not a verdict. SNF result 0 means no rule matched; other values are rule group codes.
import type { GatewayResult, SpamResult } from '../document/types.js';
import type { HeaderBlock } from '../headers/types.js';
import { addUnique, clip, collectFamily, first, MAX_RAW } from './kit/collect-headers.js';
import { parseDecimal, parseInteger } from './kit/parse-number.js';
import type { ParserOutput, VendorParser } from './types.js';

const DECLUDE = ['x-declude-'];
const SNIFFER = ['x-messagesniffer-', 'x-gbudb-'];

/** `… Score [12] …` → 12. */
function bracketScore(value: string): number | undefined {
  const at = value.toLowerCase().indexOf('score [');
  if (at < 0) return undefined;
  const close = value.indexOf(']', at);
  return close < 0 || close - at > 40 ? undefined : parseDecimal(value.slice(at + 7, close));
}

export const decludeParser: VendorParser = {
  id: 'declude',
  headerNames: [],
  headerPrefixes: [...DECLUDE, ...SNIFFER],
  parse(block: HeaderBlock): ParserOutput {
    const gateways: GatewayResult[] = [];
    const dec = collectFamily(block, new Set(), DECLUDE);
    if (dec.byName.size > 0) {
      const warnings: string[] = [];
      const g: GatewayResult = { id: 'declude', vendor: 'Declude', product: 'Declude', position: dec.position, headers: dec.headers, warnings };
      const spam: SpamResult = { verdict: 'none' };
      const scan = first(dec, 'x-declude-scan');
      if (scan !== undefined) {
        const n = bracketScore(scan.value);
        if (n === undefined) warnings.push(`declude:bad_scan:${clip(scan.value)}`);
        else {
          spam.score = n;
          spam.scale = 'declude_weight';
          spam.raw = clip(scan.value, MAX_RAW);
        }
      }
      const tests = first(dec, 'x-declude-tests');
      if (tests !== undefined) {
        const rules: string[] = [];
        for (const item of tests.value.slice(0, 8_192).split(',').slice(0, 200)) {
          const name = item.split('[')[0]?.trim();
          // A test name has at least one letter or digit; stray brackets are not tests.
          if (name !== undefined && /[A-Za-z0-9]/.test(name)) addUnique(rules, clip(name, 128));
        }
        if (rules.length > 0) spam.rules = rules;
      }
      if (spam.score !== undefined || spam.rules !== undefined) {
        g.spam = spam;
        g.scan = { status: 'complete' };
      }
      gateways.push(g);
    }
    const snf = collectFamily(block, new Set(), SNIFFER);
    if (snf.byName.size > 0) {
      const warnings: string[] = [];
      const g: GatewayResult = { id: 'messagesniffer', vendor: 'ARM Research Labs', product: 'MessageSniffer', position: snf.position, headers: snf.headers, warnings };
      const result = first(snf, 'x-messagesniffer-scan-result');
      if (result !== undefined) {
        const code = parseInteger(result.value);
        if (code === undefined || code < 0) {
          g.spam = { verdict: 'unknown', raw: clip(result.value, MAX_RAW) };
          warnings.push(`messagesniffer:bad_result:${clip(result.value)}`);
        } else {
          g.spam = code === 0 ? { verdict: 'clean', raw: String(code) } : { verdict: 'spam', raw: String(code), rules: [`SNF:${code}`] };
          g.scan = { status: 'complete' };
        }
      }
      const rules = first(snf, 'x-messagesniffer-rules');
      if (rules !== undefined && rules.value.trim() !== '') g.rule_ids = [clip(rules.value.trim(), 256)];
      gateways.push(g);
    }
    return { gateways, warnings: [] };
  },
};
