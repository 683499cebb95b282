// X-MS-Exchange-Organization-SCL outside Kaspersky context (docs/gateways.md §2.4, §5.5, §7.1):
//   X-MS-Exchange-Organization-SCL: -1
// Exchange/EOP meaning: -1 filtering bypassed (safe sender / allow list), 0–1 not spam, 2–4 suspect,
// 5–6 spam, 7–9 high-confidence spam. When Kaspersky headers are present the same header means something
// else (KSMG/KLMS stamp -1 for "not spam") and the Kaspersky parser reads it, so this parser stays silent.
import type { GatewayResult, ScanResult, SpamResult } from '../document/types.js';
import type { HeaderBlock } from '../headers/types.js';
import { classifyName } from './kaspersky/families.js';
import type { ParserOutput, VendorParser } from './types.js';

const SCL = 'x-ms-exchange-organization-scl';

/**
 * Same test the Kaspersky parser uses to claim the SCL: any KSMG/KLMS/KSE/SpamTest header (doc-typo aliases
 * included) in the block, or a Kaspersky AntiVirus-Status in a MIME part.
 */
function hasKaspersky(block: HeaderBlock): boolean {
  for (const name of block.byName.keys()) if (classifyName(name) !== undefined) return true;
  for (const part of block.parts) {
    for (const field of part.fields) if (classifyName(field.key)?.field === 'antivirusStatus') return true;
  }
  return false;
}

/** Integer -1..10 (MS-OXCMAIL allows 10); anything else is not an SCL. */
export function parseScl(raw: string): number | undefined {
  const text = raw.trim();
  if (text.length === 0 || text.length > 3) return undefined;
  const negative = text.startsWith('-');
  const digits = negative ? text.slice(1) : text;
  if (digits === '') return undefined;
  for (const ch of digits) if (ch < '0' || ch > '9') return undefined;
  const n = Number(digits) * (negative ? -1 : 1);
  return n >= -1 && n <= 10 ? n : undefined;
}

function interpret(scl: number): { spam: SpamResult; scan: ScanResult } {
  const base = { score: scl, scale: 'scl_-1_9' as const };
  if (scl === -1) return { spam: { verdict: 'allowlisted', ...base }, scan: { status: 'skipped', reason: 'allowlist' } };
  const complete: ScanResult = { status: 'complete' };
  if (scl <= 1) return { spam: { verdict: 'clean', ...base }, scan: complete };
  if (scl <= 4) return { spam: { verdict: 'suspect', ...base }, scan: complete };
  if (scl <= 6) return { spam: { verdict: 'spam', ...base }, scan: complete };
  return { spam: { verdict: 'spam', ...base, confidence: 'high' }, scan: complete };
}

export const exchangeSclParser: VendorParser = {
  id: 'exchange',
  headerNames: [SCL],
  headerPrefixes: [],
  parse(block: HeaderBlock): ParserOutput {
    const fields = block.byName.get(SCL);
    const field = fields?.[0];
    // In EOP mail the Exchange Online parser owns the SCL (it reads it in its own context).
    if (field === undefined || hasKaspersky(block) || block.byName.has('x-forefront-antispam-report')) return { gateways: [], warnings: [] };
    const gateway: GatewayResult = {
      id: 'exchange',
      vendor: 'Microsoft',
      product: 'Exchange',
      position: field.index,
      headers: { [SCL]: (fields ?? []).slice(0, 20).map((f) => f.value) },
      warnings: [],
    };
    const scl = parseScl(field.value);
    if (scl === undefined) {
      gateway.spam = { verdict: 'unknown', raw: field.value.slice(0, 256) };
      gateway.warnings.push(`exchange:bad_scl:${field.value.slice(0, 80)}`);
      return { gateways: [gateway], warnings: [] };
    }
    const { spam, scan } = interpret(scl);
    gateway.spam = { ...spam, raw: field.value.trim() };
    gateway.scan = scan;
    gateway.scl = scl;
    return { gateways: [gateway], warnings: [] };
  },
};
