// Commtouch / Cyren anti-spam (ctasd) headers, as written by IMail Premium antispam and other integrations
// (docs/gateways.md §4):
//   X-CTCH-RefID: str=0001.0A010208.492285A9.0064,ss=4,pt=62280,fgs=12
//   X-CTCH-Spam: Unknown
// X-CTCH-Error (`Unable to connect local ctasd`) means the message went through unscanned.
import type { AvStatus } from '../document/enums.js';
import type { GatewayResult, SpamResult } from '../document/types.js';
import type { HeaderBlock, HeaderField } from '../headers/types.js';
import { normalizeToken } from './canonical/normalize-token.js';
import { toCommtouchVerdict } from './imail/commtouch-class.js';
import type { ParserOutput, VendorParser } from './types.js';

const PREFIX = 'x-ctch-';
const MAX_PER_NAME = 20;
const MAX_DETAIL = 80;
const MAX_RULES = 64;

/** Virus Outbreak Detection class → av.status (docs/gateways.md §7.4 [I]); `Unknown` = no information, no AV result. */
const VOD: ReadonlyMap<string, AvStatus | null> = new Map([
  ['virus', 'infected'],
  ['high', 'suspicious'],
  ['medium', 'suspicious'],
  ['unknown', null],
]);

function top(block: HeaderBlock, name: string): HeaderField | undefined {
  return block.byName.get(PREFIX + name)?.[0];
}

function parseScore(raw: string): number | undefined {
  const text = raw.trim();
  if (text === '' || text.length > 32) return undefined;
  const n = Number(text);
  return Number.isFinite(n) ? n : undefined;
}

/** `str=…,ss=4,pt=62280,fgs=12[,re=…]` → key → value (first occurrence wins). */
export function parseRefId(value: string): Map<string, string> {
  const out = new Map<string, string>();
  const text = value.slice(0, 2_048);
  let from = 0;
  for (let guard = 0; guard < 64 && from <= text.length; guard++) {
    let comma = text.indexOf(',', from);
    if (comma < 0) comma = text.length;
    const item = text.slice(from, comma);
    const eq = item.indexOf('=');
    if (eq > 0) {
      const key = item.slice(0, eq).trim().toLowerCase();
      if (!out.has(key)) out.set(key, item.slice(eq + 1).trim());
    }
    from = comma + 1;
  }
  return out;
}

function splitRules(raw: string): string[] {
  const rules: string[] = [];
  for (const part of raw.slice(0, 4_096).split(',')) {
    const rule = part.trim();
    if (rule !== '' && !rules.includes(rule)) rules.push(rule);
    if (rules.length >= MAX_RULES) break;
  }
  return rules;
}

export const commtouchParser: VendorParser = {
  id: 'ctch',
  headerNames: [],
  headerPrefixes: [PREFIX],
  parse(block: HeaderBlock): ParserOutput {
    const headers: Record<string, string[]> = {};
    let position = Number.POSITIVE_INFINITY;
    for (const [name, list] of block.byName) {
      if (!name.startsWith(PREFIX)) continue;
      headers[name] = list.slice(0, MAX_PER_NAME).map((f) => f.value);
      position = Math.min(position, list[0]?.index ?? position);
    }
    if (!Number.isFinite(position)) return { gateways: [], warnings: [] };
    const warnings: string[] = [];

    const spam: SpamResult = { verdict: 'none' };
    const spamField = top(block, 'spam');
    if (spamField !== undefined) {
      spam.raw = spamField.value;
      const verdict = toCommtouchVerdict(spamField.value);
      if (verdict === undefined) warnings.push(`ctch:unknown_spam_class:${spamField.value.slice(0, MAX_DETAIL)}`);
      spam.verdict = verdict ?? 'unknown';
    }

    const scoreField = top(block, 'score');
    const refIdField = top(block, 'refid');
    const refId = refIdField === undefined ? undefined : parseRefId(refIdField.value);
    if (refIdField !== undefined && refId?.has('str') !== true) warnings.push(`ctch:bad_refid:${refIdField.value.slice(0, MAX_DETAIL)}`);
    // X-CTCH-Score first; newer RefIDs carry the score as `re=`.
    const scoreRaw = scoreField?.value ?? refId?.get('re');
    if (scoreRaw !== undefined) {
      const score = parseScore(scoreRaw);
      if (score === undefined) warnings.push(`ctch:bad_score:${scoreRaw.slice(0, MAX_DETAIL)}`);
      else {
        spam.score = score;
        spam.scale = 'ctch_score';
      }
    }
    const rulesField = top(block, 'rules');
    if (rulesField !== undefined) {
      const rules = splitRules(rulesField.value);
      if (rules.length > 0) spam.rules = rules;
    }

    const gateway: GatewayResult = { id: 'ctch', vendor: 'Commtouch', product: 'Commtouch Anti-Spam', position, spam, headers, warnings };

    const errorField = top(block, 'error');
    if (errorField !== undefined && errorField.value.trim() !== '') {
      gateway.scan = { status: 'error', raw: errorField.value };
    } else if (spamField !== undefined || refIdField !== undefined) {
      // IMail adds the RefID to every message Commtouch scanned (IMail help "Spam X-Header Explanations")
      gateway.scan = { status: 'complete' };
    }

    const vodField = top(block, 'vod');
    if (vodField !== undefined) {
      const status = VOD.get(normalizeToken(vodField.value));
      if (status === undefined) {
        warnings.push(`ctch:unknown_vod:${vodField.value.slice(0, MAX_DETAIL)}`);
        gateway.av = { status: 'unknown', raw: vodField.value };
      } else if (status !== null) {
        gateway.av = { status, raw: vodField.value };
      }
    }

    const sender = top(block, 'senderid')?.value.trim();
    if (sender !== undefined && sender.includes('@') && sender.length <= 320) gateway.envelope_from = sender;
    return { gateways: [gateway], warnings: [] };
  },
};
