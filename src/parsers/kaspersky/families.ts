// The Kaspersky header families and what each header name means (docs/gateways.md §1–§3).
// Names are matched by prefix segment + suffix lookup, never by regex over the block.

export type FamilyId = 'ksmg' | 'klms' | 'kse' | 'spamtest';

/** What a header carries, independent of the family spelling. */
export type FieldKey =
  | 'ruleId' | 'action' | 'antivirus' | 'antivirusStatus' | 'luaProfiles' | 'method' | 'rate' | 'status'
  | 'statusExtended' | 'envelopeFrom' | 'auth' | 'spf' | 'asVersion' | 'info' | 'moebius' | 'interceptor'
  | 'outboundInterceptor' | 'antiphishing' | 'antiphishingBases' | 'links' | 'kata' | 'avInterceptor'
  | 'serverInfo' | 'informational';

export interface Family {
  readonly id: FamilyId;
  readonly product: string;
  readonly suffixes: ReadonlyMap<string, FieldKey>;
}

const LINUX_SUFFIXES = new Map<string, FieldKey>([
  ['rule-id', 'ruleId'],
  ['group-id', 'ruleId'], // KLMS 8.0 RTM name of Rule-ID (Japanese KB 9164)
  ['message-action', 'action'],
  ['antivirus', 'antivirus'],
  ['antivirus-status', 'antivirusStatus'],
  ['antispam-lua-profiles', 'luaProfiles'],
  ['antispam-method', 'method'],
  ['antispam-rate', 'rate'],
  ['antispam-status', 'status'],
  ['antispam-envelope-from', 'envelopeFrom'],
  ['antispam-auth', 'auth'],
  ['antispam-spf', 'spf'], // pre-Auth KLMS 8.0
  ['antispam-version', 'asVersion'],
  ['antispam-info', 'info'],
  ['antispam-moebius-timestamps', 'moebius'],
  ['antispam-interceptor-info', 'interceptor'],
  ['antiphishing', 'antiphishing'],
  ['linksscanning', 'links'],
  ['kata-status', 'kata'],
]);

const KSE_SUFFIXES = new Map<string, FieldKey>([
  ['antispam-status', 'status'],
  ['antispam-interceptor-info', 'interceptor'],
  ['antispam-outbound-interceptor-info', 'outboundInterceptor'],
  ['antispam-version', 'asVersion'],
  ['antispam-method', 'method'],
  ['antispam-rate', 'rate'],
  ['antispam-info', 'info'],
  ['antispam-envelope-from', 'envelopeFrom'],
  ['antispam-auth', 'auth'],
  ['antiphishing-info', 'antiphishing'],
  ['antiphishing-bases', 'antiphishingBases'],
  ['antiphishing-scanningtype', 'informational'],
  ['antiphishing-method', 'informational'],
  ['antivirus-interceptor-info', 'avInterceptor'],
  ['antivirus-info', 'antivirusStatus'],
  ['attachmentfiltering-interceptor-info', 'informational'],
  ['bulkmessagesfiltering-scan-result', 'informational'],
  ['serverinfo', 'serverInfo'],
  ['message-action', 'action'],
  ['rule-id', 'ruleId'],
]);

const SPAMTEST_SUFFIXES = new Map<string, FieldKey>([
  ['status', 'status'],
  ['status-extended', 'statusExtended'],
  ['method', 'method'],
  ['info', 'info'],
  ['rate', 'rate'],
  ['envelope-from', 'envelopeFrom'],
  ['group-id', 'ruleId'],
  ['version', 'asVersion'],
  ['categories', 'informational'],
  ['formal', 'informational'],
  ['obscene', 'informational'],
]);

export const FAMILIES: Readonly<Record<FamilyId, Family>> = {
  ksmg: { id: 'ksmg', product: 'KSMG', suffixes: LINUX_SUFFIXES },
  klms: { id: 'klms', product: 'KLMS', suffixes: LINUX_SUFFIXES },
  kse: { id: 'kse', product: 'KSE', suffixes: KSE_SUFFIXES },
  spamtest: { id: 'spamtest', product: 'SpamTest', suffixes: SPAMTEST_SUFFIXES },
};

/** Header name segment after `x-` → family; `alias` marks the vendor-doc typos of `x-klms-` (§1.5). */
const SEGMENTS = new Map<string, { family: FamilyId; alias: boolean }>([
  ['ksmg', { family: 'ksmg', alias: false }],
  ['klms', { family: 'klms', alias: false }],
  ['rlms', { family: 'klms', alias: true }],
  ['kims', { family: 'klms', alias: true }],
  ['rims', { family: 'klms', alias: true }],
  ['kse', { family: 'kse', alias: false }],
  ['spamtest', { family: 'spamtest', alias: false }],
]);

export const HEADER_PREFIXES: readonly string[] = [...SEGMENTS.keys()].map((s) => `x-${s}-`);

export interface ClassifiedName {
  family: FamilyId;
  alias: boolean;
  /** Undefined for a name of the family we do not know (kept raw, warned). */
  field?: FieldKey;
}

/** `x-ksmg-antispam-status` → ksmg/status. Lowercased names only; cheap string slicing. */
export function classifyName(name: string): ClassifiedName | undefined {
  if (name.length < 6 || name.charCodeAt(0) !== 120 /* x */ || name.charCodeAt(1) !== 45 /* - */) return undefined;
  const dash = name.indexOf('-', 2);
  if (dash < 0) return undefined;
  const seg = SEGMENTS.get(name.slice(2, dash));
  if (seg === undefined) return undefined;
  const field = FAMILIES[seg.family].suffixes.get(name.slice(dash + 1));
  return field === undefined ? { family: seg.family, alias: seg.alias } : { family: seg.family, alias: seg.alias, field };
}
