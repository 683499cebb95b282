// Fortinet (docs/gateways.md §5.13): FortiMail (X-FEAS-*, X-FE-*: client IP, policy ids, deep-header confidence) and
// FortiGate's email filter, which tags spam with X-Spaminfo naming the check that caught it:
//   X-Spaminfo: FortiGuard-AntiSpam ip, connection black list
//   X-FE-Policy-ID: 52:10:53:SYSTEM
import type { GatewayResult } from '../document/types.js';
import type { HeaderBlock } from '../headers/types.js';
import { clip, collectFamily, first, MAX_RAW } from './kit/collect-headers.js';
import { parseDecimal } from './kit/parse-number.js';
import type { ParserOutput, VendorParser } from './types.js';

const PREFIXES = ['x-feas-', 'x-fe-'];
const SPAMINFO = 'x-spaminfo';
/** FortiGate X-Spaminfo check names (first word(s) before the comma). */
const FORTIGATE_CHECKS = ['ipbal', 'dnsbl', 'fortiguard-antispam', 'email-address', 'mime-header', 'bannedword', 'helo-dns', 'return-email', 'ipbwl', 'emailbwl'];

export function fortigateCheck(value: string): string | undefined {
  const head = (value.split(',')[0] ?? '').trim().toLowerCase();
  return FORTIGATE_CHECKS.find((c) => head === c || head.startsWith(`${c} `));
}

export const fortinetParser: VendorParser = {
  id: 'fortinet',
  headerNames: [SPAMINFO],
  headerPrefixes: PREFIXES,
  parse(block: HeaderBlock): ParserOutput {
    const gateways: GatewayResult[] = [];
    const mail = collectFamily(block, new Set(), PREFIXES);
    if (mail.byName.size > 0) {
      const warnings: string[] = [];
      const g: GatewayResult = { id: 'fortimail', vendor: 'Fortinet', product: 'FortiMail', position: mail.position, headers: mail.headers, warnings };
      const policy = first(mail, 'x-fe-policy-id');
      if (policy !== undefined && policy.value.trim() !== '') g.rule_ids = [clip(policy.value.trim(), 128)];
      const deep = first(mail, 'x-feas-deepheader');
      if (deep !== undefined) {
        // Deep-header analysis confidence (0–100, default threshold 95); no verdict of its own.
        const n = parseDecimal(deep.value.trim().split(' ')[0] ?? '');
        if (n === undefined) warnings.push(`fortimail:bad_deepheader:${clip(deep.value)}`);
        else g.spam = { verdict: 'none', score: n, scale: 'percent_0_100', raw: clip(deep.value, MAX_RAW) };
      }
      gateways.push(g);
    }
    const info = (block.byName.get(SPAMINFO) ?? []).find((f) => fortigateCheck(f.value) !== undefined);
    if (info !== undefined) {
      const check = fortigateCheck(info.value) as string;
      const lower = info.value.toLowerCase();
      const g: GatewayResult = {
        id: 'fortigate', vendor: 'Fortinet', product: 'FortiGate', position: info.index, headers: { [SPAMINFO]: [info.value] }, warnings: [],
      };
      // FortiGate writes X-Spaminfo only on mail its filter tagged as spam; black/block lists say which list.
      const listed = lower.includes('black') || lower.includes('block');
      g.spam = { verdict: listed ? 'blocklisted' : 'spam', raw: clip(info.value, MAX_RAW), method: check };
      g.scan = { status: 'complete' };
      g.action = { type: 'tag', module: 'antispam', raw: clip(info.value, MAX_RAW) };
      if (check === 'dnsbl') {
        const server = info.value.split(',')[1]?.trim();
        if (server !== undefined && server !== '') g.blocklists = [clip(`dnsbl:${server.toLowerCase()}`, 253)];
      }
      gateways.push(g);
    }
    return { gateways, warnings: [] };
  },
};
