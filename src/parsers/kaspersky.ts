// Kaspersky gateways: KSMG (X-KSMG-*), KLMS (X-KLMS-*, legacy X-KLMS-Group-ID / -AntiSpam-Spf, vendor-doc
// typos X-RLMS-/X-KIMS-/X-RIMS-), Kaspersky Security for Exchange (X-KSE-*) and legacy Kaspersky Anti-Spam
// (X-SpamTest-*), plus X-KSMG-AntiVirus-Status in MIME parts and the SCL these products stamp (docs/gateways.md §1–§3).
//   X-KSMG-AntiSpam-Status: not scanned, disabled by settings
// One GatewayResult per family present; each keeps its own position so a KSMG→KLMS path keeps both.
import type { HeaderBlock, HeaderField } from '../headers/types.js';
import type { ParserOutput, VendorParser } from './types.js';
import { buildGateway } from './kaspersky/build-gateway.js';
import { classifyName, HEADER_PREFIXES, type FamilyId } from './kaspersky/families.js';
import { emptyFamilyHeaders, type FamilyHeaders } from './kaspersky/family-headers.js';

const SCL = 'x-ms-exchange-organization-scl';
/** Families that stamp SCL themselves (§2.4); the others only get an SCL when nothing else is there. */
const SCL_STAMPERS: readonly FamilyId[] = ['ksmg', 'klms'];

function familyOf(map: Map<FamilyId, FamilyHeaders>, id: FamilyId): FamilyHeaders {
  let headers = map.get(id);
  if (headers === undefined) {
    headers = emptyFamilyHeaders(id);
    map.set(id, headers);
  }
  return headers;
}

function collect(block: HeaderBlock): Map<FamilyId, FamilyHeaders> {
  const families = new Map<FamilyId, FamilyHeaders>();
  // Distinct names only (byName keys), classified by a prefix-segment lookup: no per-field regex.
  for (const [name, fields] of block.byName) {
    const kind = classifyName(name);
    if (kind === undefined) continue;
    const headers = familyOf(families, kind.family);
    for (const field of fields) headers.fields.push(field);
    if (kind.alias && !headers.aliasNames.includes(name)) headers.aliasNames.push(name);
    if (kind.field === undefined) {
      headers.unknownNames.push(name);
      continue;
    }
    const list = headers.byKey.get(kind.field);
    if (list === undefined) headers.byKey.set(kind.field, fields.slice());
    else for (const field of fields) list.push(field);
  }
  for (const headers of families.values()) {
    headers.fields.sort((a, b) => a.index - b.index);
    const alias = new Set(headers.aliasNames);
    for (const list of headers.byKey.values()) {
      // Real names before the vendor-doc aliases, then topmost first.
      list.sort((a, b) => Number(alias.has(a.key)) - Number(alias.has(b.key)) || a.index - b.index);
    }
  }
  for (const part of block.parts) {
    for (const field of part.fields) {
      const kind = classifyName(field.key);
      if (kind?.field !== 'antivirusStatus') continue;
      const headers = familyOf(families, kind.family);
      headers.partStatuses.push({ path: part.path, field });
      if (kind.alias && !headers.aliasNames.includes(field.key)) headers.aliasNames.push(field.key);
    }
  }
  return families;
}

function distance(headers: FamilyHeaders, index: number): number {
  const first = headers.fields[0]?.index;
  const last = headers.fields[headers.fields.length - 1]?.index;
  if (first === undefined || last === undefined) return Number.MAX_SAFE_INTEGER;
  if (index < first) return first - index;
  if (index > last) return index - last;
  return 0;
}

/** Gives each SCL header to the nearest SCL-stamping family (one per family, topmost kept). */
function assignScl(block: HeaderBlock, families: Map<FamilyId, FamilyHeaders>): void {
  const scls = block.byName.get(SCL);
  if (scls === undefined || families.size === 0) return;
  const stampers = SCL_STAMPERS.map((id) => families.get(id)).filter((f): f is FamilyHeaders => f !== undefined);
  const candidates = stampers.length > 0 ? stampers : [...families.values()];
  for (const field of scls) {
    let best: FamilyHeaders | undefined;
    for (const headers of candidates) {
      if (best === undefined || distance(headers, field.index) < distance(best, field.index)) best = headers;
    }
    if (best !== undefined && (best.scl === undefined || field.index < best.scl.index)) best.scl = field as HeaderField;
  }
}

export const kasperskyParser: VendorParser = {
  id: 'kaspersky',
  headerNames: [],
  headerPrefixes: HEADER_PREFIXES,
  parse(block: HeaderBlock): ParserOutput {
    const families = collect(block);
    assignScl(block, families);
    const gateways = [...families.values()].map((headers) => buildGateway(headers, block.fields.length));
    gateways.sort((a, b) => a.position - b.position);
    return { gateways, warnings: [] };
  },
};
