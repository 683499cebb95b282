// Detection-only families (docs/gateways.md §5.14): their headers are encrypted, opaque or undocumented, so the
// document records that the product handled the message (gateway, raw headers) and no verdict.
//   Symantec Email Security.cloud: X-Brightmail-Tracker: H4sIAAAAAAAAA+NgFmpg…   X-Msg-Ref: server-5.tower-21.messagelabs.com!…
//     X-VirusChecked: Checked (the MessageLabs stamp: scanned, no verdict). X-Msg-Ref names the scanning node.
//   Cloudmark: X-Authority-Analysis: v=2.4 cv=… / X-CMAE-*     bogofilter: X-Bogosity: Ham, tests=bogofilter, spamicity=0.000000, version=1.2.4
import type { GatewayResult } from '../document/types.js';
import { hostName } from '../headers/parse-received.js';
import type { HeaderBlock } from '../headers/types.js';
import { clip, collectFamily, first, MAX_RAW } from './kit/collect-headers.js';
import { keyValueMap, scanKeyValues } from './kit/key-values.js';
import { parseDecimal } from './kit/parse-number.js';
import type { ParserOutput, VendorParser } from './types.js';

interface Family {
  id: string;
  vendor: string;
  product: string;
  names: ReadonlySet<string>;
  prefixes: readonly string[];
}

const FAMILIES: readonly Family[] = [
  { id: 'symantec', vendor: 'Broadcom', product: 'Symantec Email Security.cloud', names: new Set(['x-msg-ref', 'x-viruschecked']), prefixes: ['x-brightmail-'] },
  { id: 'cloudmark', vendor: 'Cloudmark', product: 'Cloudmark', names: new Set(['x-authority-analysis']), prefixes: ['x-cmae-'] },
  { id: 'bogofilter', vendor: 'bogofilter', product: 'bogofilter', names: new Set(['x-bogosity']), prefixes: [] },
];

/** bogofilter writes its class in words (`Ham`, `Spam`, `Unsure`) with the spamicity (0..1). */
function readBogosity(g: GatewayResult, value: string): void {
  const comma = value.indexOf(',');
  const cls = (comma < 0 ? value : value.slice(0, comma)).trim().toLowerCase();
  const kv = keyValueMap(scanKeyValues(comma < 0 ? '' : value.slice(comma + 1), ','));
  const verdict = cls === 'ham' ? 'clean' : cls === 'spam' ? 'spam' : cls === 'unsure' ? 'suspect' : undefined;
  g.spam = { verdict: verdict ?? 'unknown', raw: clip(value, MAX_RAW) };
  if (verdict === undefined) g.warnings.push(`bogofilter:unknown_class:${clip(cls)}`);
  else g.scan = { status: 'complete' };
  const spamicity = kv.get('spamicity');
  const n = spamicity === undefined ? undefined : parseDecimal(spamicity);
  if (n !== undefined) {
    g.spam.score = n;
    g.spam.scale = 'probability_0_1';
  }
  const version = kv.get('version');
  if (version !== undefined && version !== '') g.version = clip(version, 32);
}

/** `server-5.tower-21.messagelabs.com!1700000000!123!1` → the node before the first `!` (a dotted host name). */
function msgRefHost(value: string): string | undefined {
  const bang = value.indexOf('!');
  if (bang <= 0) return undefined;
  const host = hostName(value.slice(0, bang).trim());
  return host !== undefined && host.includes('.') ? host : undefined;
}

export const presenceParser: VendorParser = {
  id: 'presence',
  headerNames: FAMILIES.flatMap((f) => [...f.names]),
  headerPrefixes: FAMILIES.flatMap((f) => f.prefixes),
  parse(block: HeaderBlock): ParserOutput {
    const gateways: GatewayResult[] = [];
    for (const family of FAMILIES) {
      const fam = collectFamily(block, family.names, family.prefixes);
      if (fam.byName.size === 0) continue;
      const g: GatewayResult = { id: family.id, vendor: family.vendor, product: family.product, position: fam.position, headers: fam.headers, warnings: [] };
      const bogosity = first(fam, 'x-bogosity');
      if (bogosity !== undefined) readBogosity(g, bogosity.value);
      const msgRef = first(fam, 'x-msg-ref');
      if (msgRef !== undefined) {
        const host = msgRefHost(msgRef.value);
        if (host !== undefined) g.hostname = host;
      }
      gateways.push(g);
    }
    return { gateways, warnings: [] };
  },
};
