// Trend Micro (SMEX, IMSS/IMSVA, ISVW, cloud; docs/gateways.md §5.11, §7.1, KA-0001462):
//   X-TM-AS-Result: No--24.777400-5.000000-31
//   X-TM-AS-Product-Ver: SMEX-14.0.0.3152-9.1.1006-23728.005
// Yes/No is authoritative (old ISVW signs are ambiguous); trend type 2 = phishing.
import type { GatewayResult, SpamResult } from '../document/types.js';
import type { HeaderBlock } from '../headers/types.js';
import { clip, collectFamily, first, MAX_RAW } from './kit/collect-headers.js';
import { parseTmResult } from './trendmicro/parse-tm-result.js';
import type { ParserOutput, VendorParser } from './types.js';

const PREFIXES = ['x-tm-', 'x-tmase-', 'x-imss-'];

export const trendMicroParser: VendorParser = {
  id: 'trendmicro',
  headerNames: [],
  headerPrefixes: PREFIXES,
  parse(block: HeaderBlock): ParserOutput {
    const fam = collectFamily(block, new Set(), PREFIXES);
    if (fam.byName.size === 0) return { gateways: [], warnings: [] };
    const warnings: string[] = [];
    const gateway: GatewayResult = { id: 'trendmicro', vendor: 'Trend Micro', product: 'Trend Micro', position: fam.position, headers: fam.headers, warnings };

    const ver = first(fam, 'x-tm-as-product-ver') ?? first(fam, 'x-tmase-version');
    if (ver !== undefined) {
      // `<product>-<product ver>-<AS engine ver>-<pattern ver>`
      const [product, version] = ver.value.trim().split('-');
      if (product !== undefined && product !== '') gateway.product = `Trend Micro ${clip(product, 32)}`;
      if (version !== undefined && version !== '') gateway.version = clip(version, 64);
    }

    const spam: SpamResult = { verdict: 'none' };
    const result = first(fam, 'x-tm-as-result');
    if (result !== undefined) {
      const parsed = parseTmResult(result.value, true);
      spam.raw = clip(result.value, MAX_RAW);
      const flag = parsed?.flag?.toLowerCase();
      if (parsed === undefined || (flag !== 'yes' && flag !== 'no')) {
        spam.verdict = 'unknown';
        warnings.push(`trendmicro:bad_result:${clip(result.value)}`);
      } else {
        spam.verdict = flag === 'yes' ? 'spam' : 'clean';
        if (parsed.score !== undefined) spam.score = parsed.score;
        if (parsed.threshold !== undefined) spam.threshold = parsed.threshold;
        if (parsed.category !== undefined) spam.rules = [`category=${parsed.category}`];
        if (flag === 'yes' && parsed.trendType === 2) gateway.phishing = { status: 'phishing', raw: clip(result.value, MAX_RAW) };
      }
    }
    const tmase = first(fam, 'x-tmase-result');
    if (tmase !== undefined && spam.score === undefined) {
      const parsed = parseTmResult(tmase.value, false);
      if (parsed?.score === undefined) warnings.push(`trendmicro:bad_tmase_result:${clip(tmase.value)}`);
      else {
        spam.score = parsed.score;
        if (parsed.threshold !== undefined) spam.threshold ??= parsed.threshold;
        spam.raw ??= clip(tmase.value, MAX_RAW);
      }
    }
    if (spam.score !== undefined) spam.scale = 'trend_points';

    for (const [name, verdict] of [['x-tm-as-user-approved-sender', 'allowlisted'], ['x-tm-as-user-blocked-sender', 'blocklisted']] as const) {
      const field = first(fam, name);
      if (field === undefined) continue;
      const v = field.value.trim().toLowerCase();
      if (v === 'yes') {
        spam.verdict = verdict;
        spam.raw = clip(`${field.originalKey}: ${field.value}`, MAX_RAW);
      } else if (v !== 'no') warnings.push(`trendmicro:bad_${name.slice('x-tm-as-user-'.length)}:${clip(field.value)}`);
    }
    if (spam.verdict !== 'none' || spam.score !== undefined) {
      gateway.spam = spam;
      if (spam.verdict !== 'unknown') gateway.scan = { status: 'complete' };
    }
    return { gateways: [gateway], warnings: [] };
  },
};
