// Mimecast (docs/gateways.md §5.10, §7.1): X-Mimecast-Spam-Score (integer, range undocumented), X-Mimecast-Spam-Signature,
// X-Mimecast-Bulk-Signature, X-Mimecast-Impersonation-Protect, X-Mimecast-Originator, X-MC-Unique.
//   X-Mimecast-Spam-Score: 0
// Spam-Signature `yes` occurs on ordinary list traffic: informational, never a verdict. The score is kept on
// its own scale; Mimecast writes no verdict header, so the verdict is `none`.
import type { GatewayResult, SpamResult } from '../document/types.js';
import type { HeaderBlock } from '../headers/types.js';
import { clip, collectFamily, first, MAX_RAW } from './kit/collect-headers.js';
import { parseInteger } from './kit/parse-number.js';
import type { ParserOutput, VendorParser } from './types.js';

const PREFIX = 'x-mimecast-';
const NAMES = new Set(['x-mc-unique']);

export const mimecastParser: VendorParser = {
  id: 'mimecast',
  headerNames: [...NAMES],
  headerPrefixes: [PREFIX],
  parse(block: HeaderBlock): ParserOutput {
    const fam = collectFamily(block, NAMES, [PREFIX]);
    if (fam.byName.size === 0) return { gateways: [], warnings: [] };
    const warnings: string[] = [];
    const gateway: GatewayResult = { id: 'mimecast', vendor: 'Mimecast', product: 'Mimecast Email Security', position: fam.position, headers: fam.headers, warnings };
    const score = first(fam, `${PREFIX}spam-score`);
    if (score !== undefined) {
      const n = parseInteger(score.value);
      const spam: SpamResult = { verdict: 'none', raw: clip(score.value, MAX_RAW) };
      if (n === undefined) warnings.push(`mimecast:bad_score:${clip(score.value)}`);
      else {
        spam.score = n;
        spam.scale = 'mimecast';
      }
      gateway.spam = spam;
    }
    const rules: string[] = [];
    for (const name of ['spam-signature', 'bulk-signature']) {
      const v = first(fam, PREFIX + name)?.value.trim();
      if (v !== undefined && v !== '') rules.push(clip(`${name}=${v.toLowerCase()}`, 64));
    }
    // Impersonation Protect: `Policy=…; Similar Internal Domain=false; …` — the checks that came out true.
    const imp = first(fam, `${PREFIX}impersonation-protect`);
    if (imp !== undefined) {
      for (const item of imp.value.slice(0, 4_096).split(';').slice(0, 32)) {
        const eq = item.indexOf('=');
        if (eq > 0 && item.slice(eq + 1).trim().toLowerCase() === 'true') rules.push(clip(`impersonation:${item.slice(0, eq).trim()}`, 96));
      }
    }
    if (rules.length > 0) gateway.rule_ids = rules;
    return { gateways: [gateway], warnings: [] };
  },
};
