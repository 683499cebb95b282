// Cisco IronPort / Secure Email (ESA) (docs/gateways.md §5.7, §7.1, §8.15). What is decodable: the AS engine ran
// (Anti-Spam-Filtered: true), AV engine identity per X-IronPort-AV line, AMP file reputation. The Anti-Spam
// Result blob (X-IronPort-Anti-Spam-Result, older X-IPAS-Result) is Cisco-only encoded data: kept raw, verdict unknown.
//   X-IronPort-AV: E=Sophos;i="5.82,313,1613462400"; d="scan'208";a="201421274"
import type { ThreatStatus } from '../document/enums.js';
import type { GatewayResult } from '../document/types.js';
import type { HeaderBlock } from '../headers/types.js';
import { clip, collectFamily, first, MAX_RAW } from './kit/collect-headers.js';
import type { ParserOutput, VendorParser } from './types.js';

const PREFIXES = ['x-ironport-', 'ironport-', 'x-amp-'];
const NAMES = new Set(['x-ipas-result', 'x-sbrs']);

/** `E=Sophos;i="5.82,313,1613462400"; d="scan'208";a="…"` → key → value (quotes may hold `;`, `,` and `'`). */
export function parseIronportAv(value: string): Map<string, string> {
  const out = new Map<string, string>();
  const text = value.slice(0, 2_048);
  let i = 0;
  while (i < text.length && out.size < 16) {
    while (i < text.length && (text[i] === ';' || text[i] === ' ' || text[i] === '\t')) i++;
    const eq = text.indexOf('=', i);
    if (eq < 0) break;
    const key = text.slice(i, eq).trim();
    let j = eq + 1;
    let val: string;
    if (text[j] === '"') {
      const close = text.indexOf('"', j + 1);
      val = text.slice(j + 1, close < 0 ? text.length : close);
      j = close < 0 ? text.length : close + 1;
    } else {
      const semi = text.indexOf(';', j);
      val = text.slice(j, semi < 0 ? text.length : semi).trim();
      j = semi < 0 ? text.length : semi;
    }
    if (key !== '' && !out.has(key.toLowerCase())) out.set(key.toLowerCase(), val);
    i = j;
  }
  return out;
}

const AMP: ReadonlyMap<string, ThreatStatus> = new Map([
  ['clean', 'clean'], ['malicious', 'malicious'], ['unknown', 'unknown'], ['file unknown', 'unknown'], ['unscannable', 'not_scanned'],
]);

export const ironportParser: VendorParser = {
  id: 'ironport',
  headerNames: [...NAMES],
  headerPrefixes: PREFIXES,
  parse(block: HeaderBlock): ParserOutput {
    const fam = collectFamily(block, NAMES, PREFIXES);
    if (fam.byName.size === 0) return { gateways: [], warnings: [] };
    const warnings: string[] = [];
    const gateway: GatewayResult = { id: 'ironport', vendor: 'Cisco', product: 'Secure Email (IronPort)', position: fam.position, headers: fam.headers, warnings };

    const filtered = first(fam, 'x-ironport-anti-spam-filtered');
    const blob = first(fam, 'x-ironport-anti-spam-result') ?? first(fam, 'x-ipas-result');
    if (blob !== undefined) gateway.spam = { verdict: 'unknown', raw: clip(blob.value, MAX_RAW) };
    if (filtered !== undefined) {
      if (filtered.value.trim().toLowerCase() === 'true') gateway.scan = { status: 'complete', raw: 'true' };
      else warnings.push(`ironport:unknown_filtered:${clip(filtered.value)}`);
    }

    const avLines = fam.byName.get('x-ironport-av') ?? [];
    const engines: string[] = [];
    let version: string | undefined;
    for (const line of avLines) {
      const kv = parseIronportAv(line.value);
      const engine = kv.get('e');
      if (engine === undefined) {
        warnings.push(`ironport:bad_av:${clip(line.value)}`);
        continue;
      }
      if (!engines.includes(engine)) engines.push(clip(engine, 64));
      version ??= kv.get('i')?.split(',')[0];
    }
    if (engines.length > 0) {
      // Engine identity only; ESA writes no AV verdict into headers (docs/gateways.md §7.4).
      gateway.av = { status: 'unknown', raw: clip((avLines[0]?.value ?? ''), MAX_RAW), engine: engines.join(',') };
      if (version !== undefined && version !== '') gateway.av.engine_version = clip(version, 64);
    }

    const amp = first(fam, 'x-amp-result');
    if (amp !== undefined) {
      const v = amp.value.trim();
      const lower = v.toLowerCase();
      let status: ThreatStatus | undefined = AMP.get(lower);
      if (status === undefined && lower.startsWith('skipped')) status = 'not_scanned';
      if (status === undefined) warnings.push(`ironport:unknown_amp_result:${clip(v)}`);
      gateway.sandbox = { status: status ?? 'unknown', raw: clip(v, MAX_RAW) };
    }
    return { gateways: [gateway], warnings: [] };
  },
};
