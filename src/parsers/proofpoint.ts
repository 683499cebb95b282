// Proofpoint Protection Server / Essentials (docs/gateways.md §5.8, §7.1):
//   X-Proofpoint-Spam-Details: rule=notspam policy=default score=0 spamscore=0 … classifier=spam adjust=0 reason=mlx scancount=1 engine=8.19.0-2605130000 definitions=main-2605220230
//   X-Proofpoint-Virus-Version: vendor=baseguard engine=ICAP:2.0.293,Aquarius:18.0.1057 definitions=2025-02-19_09,…
// The verdict is the class in `rule=<policy>_<class>`; `X-Proofpoint-Spam-Reason: safe|orgsafe` means safelisted.
import type { SpamVerdict } from '../document/enums.js';
import type { GatewayResult, SpamResult } from '../document/types.js';
import type { HeaderBlock } from '../headers/types.js';
import { clip, collectFamily, first, MAX_RAW } from './kit/collect-headers.js';
import { keyValueMap, scanKeyValues } from './kit/key-values.js';
import { parseDecimal } from './kit/parse-number.js';
import type { ParserOutput, VendorParser } from './types.js';

const PREFIX = 'x-proofpoint-';

/** `notspam`, `outbound_notspam`, `inbound_spam_bulk`, `phish`, … → verdict (+ phishing); order matters. */
export function proofpointRuleVerdict(rule: string): { verdict: SpamVerdict; phishing?: boolean } | undefined {
  const r = rule.toLowerCase();
  if (r.endsWith('notspam') || r === 'clean') return { verdict: 'clean' };
  if (r.includes('phish')) return { verdict: 'spam', phishing: true };
  if (r.includes('bulk')) return { verdict: 'bulk' };
  if (r.includes('suspect')) return { verdict: 'suspect' };
  if (r === 'spam' || r.includes('_spam') || r.startsWith('spam')) return { verdict: 'spam' };
  return undefined;
}

export const proofpointParser: VendorParser = {
  id: 'proofpoint',
  headerNames: [],
  headerPrefixes: [PREFIX],
  parse(block: HeaderBlock): ParserOutput {
    const fam = collectFamily(block, new Set(), [PREFIX]);
    if (fam.byName.size === 0) return { gateways: [], warnings: [] };
    const warnings: string[] = [];
    const gateway: GatewayResult = { id: 'proofpoint', vendor: 'Proofpoint', product: 'Proofpoint', position: fam.position, headers: fam.headers, warnings };

    const details = first(fam, `${PREFIX}spam-details`);
    if (details !== undefined) {
      const kv = keyValueMap(scanKeyValues(details.value));
      const spam: SpamResult = { verdict: 'unknown' };
      const rule = kv.get('rule');
      if (rule !== undefined) {
        const mapped = proofpointRuleVerdict(rule);
        spam.raw = clip(`rule=${rule}`, MAX_RAW);
        spam.rules = [clip(rule, 128)];
        if (mapped === undefined) warnings.push(`proofpoint:unknown_rule:${clip(rule)}`);
        else {
          spam.verdict = mapped.verdict;
          if (mapped.phishing === true) gateway.phishing = { status: 'phishing', raw: clip(`rule=${rule}`, MAX_RAW) };
        }
      } else {
        spam.raw = clip(details.value, MAX_RAW);
        warnings.push('proofpoint:no_rule');
      }
      const scoreRaw = kv.get('score') ?? kv.get('spamscore');
      if (scoreRaw !== undefined) {
        const n = parseDecimal(scoreRaw);
        if (n === undefined) warnings.push(`proofpoint:bad_score:${clip(scoreRaw)}`);
        else {
          spam.score = n;
          spam.scale = 'proofpoint_0_100';
        }
      }
      const reason = kv.get('reason');
      if (reason !== undefined && reason !== '') spam.method = clip(reason, 64);
      const policy = kv.get('policy');
      if (policy !== undefined && policy !== '') gateway.rule_ids = [clip(`policy=${policy}`, 128)];
      const engine = kv.get('engine');
      if (engine !== undefined && engine !== '') gateway.version = clip(engine, 64);
      gateway.spam = spam;
      if (spam.verdict !== 'unknown') gateway.scan = { status: 'complete' };
    }

    const reason = first(fam, `${PREFIX}spam-reason`);
    if (reason !== undefined) {
      const r = reason.value.trim().toLowerCase();
      if (r === 'safe' || r === 'orgsafe') {
        gateway.spam = { ...(gateway.spam ?? {}), verdict: 'allowlisted', raw: clip(reason.value, MAX_RAW) };
        gateway.scan = { status: 'skipped', reason: 'allowlist' };
      } else warnings.push(`proofpoint:unknown_spam_reason:${clip(reason.value)}`);
    }

    const virus = first(fam, `${PREFIX}virus-version`);
    if (virus !== undefined) {
      const kv = keyValueMap(scanKeyValues(virus.value));
      // Engine identity only: the header carries no verdict (docs/gateways.md §7.4).
      gateway.av = { status: 'unknown', raw: clip(virus.value, MAX_RAW) };
      const vendor = kv.get('vendor');
      const engine = kv.get('engine');
      const defs = kv.get('definitions');
      if (vendor !== undefined) gateway.av.engine = clip(vendor, 64);
      if (engine !== undefined) gateway.av.engine_version = clip(engine, 128);
      if (defs !== undefined) gateway.av.bases_date = clip(defs, 64);
    }
    return { gateways: [gateway], warnings: [] };
  },
};
