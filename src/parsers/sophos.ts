// Sophos (docs/gateways.md §5.12): Sophos Central Email (X-Sophos-Email engine info, X-LASED-SpamProbability 0..1,
// X-LASED-Hits `RULE weight, …`, X-Sophos-SenderHistory, X_Sophos_TLS_Connection) and the Sophos Email Appliance
// (`X-SEA-Spam: Gauge=XXXIIII, Probability=11%, Report='RULE p, …'`). Neither writes a verdict: score + rules.
//   X-LASED-SpamProbability: 0.087066
// X-IronPort-AV `E=Sophos` is the Sophos engine inside IronPort, read by ironport.ts.
import type { GatewayResult, SpamResult } from '../document/types.js';
import type { HeaderBlock } from '../headers/types.js';
import { addUnique, clip, collectFamily, first, MAX_RAW } from './kit/collect-headers.js';
import { parseDecimal } from './kit/parse-number.js';
import type { ParserOutput, VendorParser } from './types.js';

const PREFIXES = ['x-sophos-', 'x_sophos_', 'x-lased-', 'x-sea-'];

/** `RULE 0.000000, RULE2 0.050000` → rule names. */
function hitRules(value: string, into: string[]): void {
  for (const item of value.slice(0, 8_192).split(',').slice(0, 200)) {
    const name = item.trim().split(' ')[0];
    if (name !== undefined && name !== '') addUnique(into, clip(name, 128));
  }
}

export const sophosParser: VendorParser = {
  id: 'sophos',
  headerNames: [],
  headerPrefixes: PREFIXES,
  parse(block: HeaderBlock): ParserOutput {
    const fam = collectFamily(block, new Set(), PREFIXES);
    if (fam.byName.size === 0) return { gateways: [], warnings: [] };
    const warnings: string[] = [];
    const gateway: GatewayResult = { id: 'sophos', vendor: 'Sophos', product: 'Sophos Email', position: fam.position, headers: fam.headers, warnings };
    const spam: SpamResult = { verdict: 'none' };
    const rules: string[] = [];

    const email = first(fam, 'x-sophos-email');
    if (email !== undefined) {
      // `[eu-west-1] Antispam-Engine: 6.0.0, AntispamData: 2024.8.28.62721`
      const at = email.value.indexOf('Antispam-Engine:');
      if (at >= 0) {
        const v = email.value.slice(at + 'Antispam-Engine:'.length).split(',')[0]?.trim();
        if (v !== undefined && v !== '') gateway.version = clip(v, 64);
      }
      gateway.product = 'Sophos Central Email';
    }
    const prob = first(fam, 'x-lased-spamprobability');
    if (prob !== undefined) {
      const n = parseDecimal(prob.value);
      if (n === undefined || n < 0 || n > 1) warnings.push(`sophos:bad_probability:${clip(prob.value)}`);
      else {
        spam.score = n;
        spam.scale = 'probability_0_1';
        spam.raw = clip(prob.value, MAX_RAW);
      }
    }
    const hits = first(fam, 'x-lased-hits');
    if (hits !== undefined) hitRules(hits.value, rules);

    const sea = first(fam, 'x-sea-spam');
    if (sea !== undefined) {
      gateway.product = 'Sophos Email Appliance';
      const text = sea.value.slice(0, 8_192);
      const p = text.indexOf('Probability=');
      if (p >= 0) {
        const raw = text.slice(p + 'Probability='.length).split(',')[0]?.trim() ?? '';
        const n = parseDecimal(raw.endsWith('%') ? raw.slice(0, -1) : raw);
        if (n === undefined) warnings.push(`sophos:bad_probability:${clip(raw)}`);
        else if (spam.score === undefined) {
          spam.score = n;
          spam.scale = 'percent_0_100';
          spam.raw = clip(sea.value, MAX_RAW);
        }
      }
      const r = text.indexOf("Report='");
      if (r >= 0) {
        const end = text.indexOf("'", r + 8);
        hitRules(text.slice(r + 8, end < 0 ? undefined : end), rules);
      }
    }
    if (rules.length > 0) spam.rules = rules;
    if (spam.score !== undefined || rules.length > 0) gateway.spam = spam;
    return { gateways: [gateway], warnings: [] };
  },
};
