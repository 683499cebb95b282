// Microsoft Exchange Online Protection (docs/gateways.md §5.5, §7.1, §7.2, §7.5):
//   X-Forefront-Antispam-Report: CIP:165.204.84.17; CTRY:US; LANG:en; SCL:1; SRV:; IPV:CAL; SFV:NSPM; CAT:NONE; DIR:OUT;
//   X-Microsoft-Antispam: BCL:0;ARA:13230037|1800799021|376011|366013;
// The `-Untrusted` copies were stamped by another tenant: kept raw with a warning, never used for a verdict.
// SCL: EOP writes it twice, as the report's `SCL:` field and as X-MS-Exchange-Organization-SCL. In EOP context
// both are EOP's stamp with EOP semantics (-1 = bypassed), so this gateway owns them: spam.score comes from the
// report's SCL (else the organization header), `scl` from the organization header (else the report), and the
// header's raw value is listed here. exchange.ts reads the same header on its own; this parser is listed
// before it in the registry so that, at equal position, the richer EOP result drives the top-level fields.
// The EOP Authentication-Results (no authserv-id, `compauth=`) becomes this gateway's auth; compauth and its
// reason code are kept in the dmarc result's props.
import type { SpamVerdict } from '../document/enums.js';
import type { AuthResults, GatewayResult, ScanResult, SpamResult, ThreatResult } from '../document/types.js';
import type { HeaderBlock } from '../headers/types.js';
import { parseAuthenticationResults } from './auth/parse-authentication-results.js';
import { resInfosToAuth } from './auth/to-auth-finding.js';
import { toAuthResult } from './canonical/auth-result.js';
import { parseScl } from './exchange.js';
import { parseForefrontReport } from './eop/parse-forefront-report.js';
import { addUnique, clip, collectFamily, first, MAX_RAW } from './kit/collect-headers.js';
import { parseInteger } from './kit/parse-number.js';
import type { ParserOutput, VendorParser } from './types.js';

const REPORT = 'x-forefront-antispam-report';
const ANTISPAM = 'x-microsoft-antispam';
const UNTRUSTED = [`${REPORT}-untrusted`, `${ANTISPAM}-untrusted`];
const ORG_SCL = 'x-ms-exchange-organization-scl';
const CONTEXT = [
  ORG_SCL, 'x-ms-exchange-organization-authas', 'x-ms-exchange-organization-pcl', 'x-ms-exchange-organization-senderidresult',
  'x-ms-exchange-organization-spamdiagnosticoutput', 'x-ms-exchange-organization-spamdiagnosticmetadata',
];
const AR = 'authentication-results';

interface Decision {
  verdict: SpamVerdict;
  raw: string;
  high?: boolean;
  scan?: ScanResult;
}

/** SFV values: the filtering verdict or why filtering was skipped (§5.5, §7.1, §7.2). */
const SFV: ReadonlyMap<string, Decision> = new Map<string, Decision>([
  ['NSPM', { verdict: 'clean', raw: 'SFV:NSPM', scan: { status: 'complete' } }],
  ['SPM', { verdict: 'spam', raw: 'SFV:SPM', scan: { status: 'complete' } }],
  ['SKS', { verdict: 'spam', raw: 'SFV:SKS', scan: { status: 'skipped', reason: 'policy' } }],
  ['BLK', { verdict: 'blocklisted', raw: 'SFV:BLK', scan: { status: 'skipped', reason: 'personal_denylist' } }],
  ['SKB', { verdict: 'blocklisted', raw: 'SFV:SKB', scan: { status: 'skipped', reason: 'denylist' } }],
  ['SFE', { verdict: 'allowlisted', raw: 'SFV:SFE', scan: { status: 'skipped', reason: 'personal_allowlist' } }],
  ['SKA', { verdict: 'allowlisted', raw: 'SFV:SKA', scan: { status: 'skipped', reason: 'allowlist' } }],
  ['SKN', { verdict: 'allowlisted', raw: 'SFV:SKN', scan: { status: 'skipped', reason: 'policy' } }],
  ['SKQ', { verdict: 'allowlisted', raw: 'SFV:SKQ', scan: { status: 'complete' } }],
  ['SKI', { verdict: 'none', raw: 'SFV:SKI', scan: { status: 'skipped', reason: 'policy' } }],
]);
/** SFV values that decide regardless of the category (lists, bypasses). */
const SFV_DECIDES = new Set(['BLK', 'SKB', 'SFE', 'SKA', 'SKN', 'SKQ', 'SKI']);

type CatEffect = { verdict?: SpamVerdict; high?: boolean; phishing?: boolean; malware?: boolean };
const CAT: ReadonlyMap<string, CatEffect> = new Map<string, CatEffect>([
  ['NONE', { verdict: 'clean' }],
  ['SPM', { verdict: 'spam' }],
  ['OSPM', { verdict: 'spam' }],
  ['HSPM', { verdict: 'spam', high: true }],
  ['HPHSH', { verdict: 'spam', high: true, phishing: true }],
  ['HPHISH', { verdict: 'spam', high: true, phishing: true }],
  ['BULK', { verdict: 'bulk' }],
  ['PHSH', { phishing: true }],
  ['SPOOF', { phishing: true }],
  ['DIMP', { phishing: true }],
  ['UIMP', { phishing: true }],
  ['GIMP', { phishing: true }],
  ['MALW', { malware: true }],
  ['AMP', { malware: true }],
  ['SAP', { malware: true }],
  ['FTBP', { malware: true }],
]);

function decide(fields: Map<string, string>, warnings: string[], gateway: GatewayResult): SpamResult | undefined {
  const sfv = fields.get('SFV')?.toUpperCase();
  const cat = fields.get('CAT')?.toUpperCase();
  const srv = fields.get('SRV')?.toUpperCase();
  const ipv = (fields.get('IPV') ?? fields.get('EFV'))?.toUpperCase();
  const sfvDecision = sfv === undefined || sfv === '' ? undefined : SFV.get(sfv);
  if (sfv !== undefined && sfv !== '' && sfvDecision === undefined) warnings.push(`eop:unknown_sfv:${clip(sfv)}`);
  const catEffect = cat === undefined || cat === '' ? undefined : CAT.get(cat);
  if (cat !== undefined && cat !== '' && catEffect === undefined) warnings.push(`eop:unknown_cat:${clip(cat)}`);

  if (catEffect?.phishing === true) gateway.phishing = { status: 'phishing', raw: `CAT:${cat}` };
  if (catEffect?.malware === true) gateway.av = { status: 'infected', raw: `CAT:${cat}` };

  let decision: Decision | undefined;
  if (sfvDecision !== undefined && SFV_DECIDES.has(sfv as string)) decision = sfvDecision;
  else if (ipv === 'CAL') decision = { verdict: 'allowlisted', raw: 'IPV:CAL', scan: { status: 'skipped', reason: 'allowlist' } };
  else if (catEffect?.verdict !== undefined) {
    decision = { verdict: catEffect.verdict, raw: `CAT:${cat}`, scan: { status: 'complete' } };
    if (catEffect.high === true) decision.high = true;
  } else if (srv === 'BULK') decision = { verdict: 'bulk', raw: 'SRV:BULK', scan: { status: 'complete' } };
  else if (sfvDecision !== undefined) decision = sfvDecision;

  if (decision === undefined) {
    if (sfvDecision === undefined && (sfv ?? '') !== '' ) return { verdict: 'unknown', raw: `SFV:${sfv}` };
    if (catEffect === undefined && (cat ?? '') !== '') return { verdict: 'unknown', raw: `CAT:${cat}` };
    return undefined;
  }
  if (decision.scan !== undefined) gateway.scan = { ...decision.scan };
  const spam: SpamResult = { verdict: decision.verdict, raw: decision.raw };
  if (decision.high === true) spam.confidence = 'high';
  return spam;
}

/** SFTY:9.25 first-contact tip → suspicious (§7.5); 9.19/9.20 impersonation kept as rule ids. */
function safetyTip(value: string | undefined, gateway: GatewayResult): void {
  if (value === undefined || value === '') return;
  addUnique((gateway.rule_ids ??= []), `SFTY:${clip(value, 32)}`);
  if (value === '9.25' && gateway.phishing === undefined) gateway.phishing = { status: 'suspicious', raw: `SFTY:${value}` } satisfies ThreatResult;
}

function readEopAuth(block: HeaderBlock, gateway: GatewayResult): void {
  // EOP's own Authentication-Results carries no authserv-id (it starts with `spf=`); take the topmost such one.
  for (const field of (block.byName.get(AR) ?? []).slice(0, 20)) {
    const parsed = parseAuthenticationResults(field.value);
    if (parsed.authservId !== undefined || parsed.results.length === 0) continue;
    const auth: AuthResults = resInfosToAuth(parsed.results, AR, gateway.warnings, 'eop');
    const compauth = parsed.results.find((r) => r.method === 'compauth');
    if (compauth !== undefined) {
      if (toAuthResult(compauth.result) === undefined) gateway.warnings.push(`eop:unknown_compauth:${clip(compauth.result)}`);
      const extra: Record<string, string> = { compauth: compauth.result.toLowerCase() };
      const reason = compauth.props['reason'] ?? compauth.reason;
      if (reason !== undefined) extra['compauth.reason'] = clip(reason, 16);
      if (auth.dmarc !== undefined) auth.dmarc.props = { ...(auth.dmarc.props ?? {}), ...extra };
      else addUnique((gateway.rule_ids ??= []), `compauth=${extra['compauth']}${reason === undefined ? '' : ` reason=${clip(reason, 16)}`}`);
    }
    if (Object.keys(auth).length > 0) {
      gateway.auth = { ...auth, ...(gateway.auth ?? {}) };
      gateway.headers[AR] = [field.value];
      gateway.position = Math.min(gateway.position, field.index);
    }
    return;
  }
}

export const exchangeOnlineParser: VendorParser = {
  id: 'eop',
  headerNames: [REPORT, ANTISPAM, ...UNTRUSTED],
  headerPrefixes: [],
  parse(block: HeaderBlock): ParserOutput {
    const fam = collectFamily(block, new Set([REPORT, ANTISPAM, ...UNTRUSTED, ...CONTEXT]));
    const trusted = fam.byName.has(REPORT) || fam.byName.has(ANTISPAM);
    if (!trusted && !UNTRUSTED.some((n) => fam.byName.has(n))) return { gateways: [], warnings: [] };
    const warnings: string[] = [];
    const gateway: GatewayResult = {
      id: 'eop', vendor: 'Microsoft', product: 'Exchange Online Protection', position: fam.position, headers: fam.headers, warnings,
    };
    for (const name of UNTRUSTED) if (fam.byName.has(name)) warnings.push(`eop:untrusted_copy_ignored:${name}`);
    if (!trusted) return { gateways: [gateway], warnings: [] };

    const reportField = first(fam, REPORT);
    let reportScl: number | undefined;
    if (reportField !== undefined) {
      const report = parseForefrontReport(reportField.value);
      if (report.unbalanced) warnings.push('eop:unbalanced_parentheses');
      for (const m of report.malformed) warnings.push(`eop:malformed_field:${m}`);
      const spam = decide(report.fields, warnings, gateway);
      if (spam !== undefined) {
        if (spam.verdict === 'unknown') spam.raw = clip(reportField.value, MAX_RAW);
        gateway.spam = spam;
      }
      const sclRaw = report.fields.get('SCL');
      if (sclRaw !== undefined && sclRaw !== '') {
        reportScl = parseScl(sclRaw);
        if (reportScl === undefined) warnings.push(`eop:bad_scl:${clip(sclRaw)}`);
      }
      safetyTip(report.fields.get('SFTY'), gateway);
      // `H:` is the HELO of the server that connected to EOP (the client), not an EOP node: never the hostname.
      const spf = report.fields.get('SPF');
      if (spf !== undefined && spf !== '') {
        // Old layout `SPF:None`.
        const mapped = toAuthResult(spf, 'spf');
        if (mapped === undefined) warnings.push(`eop:unknown_spf:${clip(spf)}`);
        gateway.auth = { spf: { result: mapped?.result ?? 'unknown', raw: `SPF:${clip(spf)}`, source: REPORT } };
      }
    }

    const orgSclField = first(fam, ORG_SCL);
    const orgScl = orgSclField === undefined ? undefined : parseScl(orgSclField.value);
    if (orgSclField !== undefined && orgScl === undefined) warnings.push(`eop:bad_scl:${clip(orgSclField.value)}`);
    const score = reportScl ?? orgScl;
    const scl = orgScl ?? reportScl;
    if (scl !== undefined) gateway.scl = scl;

    const antispamField = first(fam, ANTISPAM);
    let bcl: number | undefined;
    if (antispamField !== undefined) {
      const report = parseForefrontReport(antispamField.value);
      const bclRaw = report.fields.get('BCL');
      if (bclRaw !== undefined) {
        const n = parseInteger(bclRaw);
        if (n === undefined || n < 0 || n > 9) warnings.push(`eop:bad_bcl:${clip(bclRaw)}`);
        else bcl = n;
      }
    }

    const spam: SpamResult = gateway.spam ?? { verdict: 'none' };
    if (score !== undefined) {
      spam.score = score;
      spam.scale = 'scl_-1_9';
    } else if (bcl !== undefined) {
      spam.score = bcl;
      spam.scale = 'bcl_0_9';
    }
    if (bcl !== undefined) spam.rules = [`BCL:${bcl}`];
    if (gateway.spam !== undefined || spam.score !== undefined || spam.rules !== undefined) gateway.spam = spam;

    readEopAuth(block, gateway);
    return { gateways: [gateway], warnings: [] };
  },
};
