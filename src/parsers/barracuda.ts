// Barracuda Email Security Gateway (X-Barracuda-*, X-ASG-*) and the cloud service BESS (X-BESS-*)
// (docs/gateways.md §5.9, §7.1, §7.6):
//   X-Barracuda-Spam-Status: No, SCORE=3.38 using global scores of TAG_LEVEL=1000.0 QUARANTINE_LEVEL=1000.0 KILL_LEVEL=5.0 tests=FH_DATE_PAST_20XX
//   X-BESS-Spam-Status: SCORE=2.60 using account:ESS152179 scores of QUARANTINE_LEVEL=5.0 KILL_LEVEL=0.0 tests=…
// BESS writes no Yes/No: the verdict and action come from comparing SCORE with the levels.
import type { ActionType } from '../document/enums.js';
import type { GatewayResult, SpamResult } from '../document/types.js';
import type { HeaderBlock, HeaderField } from '../headers/types.js';
import { addUnique, clip, collectFamily, first, MAX_RAW, type FamilyFields } from './kit/collect-headers.js';
import { parseDecimal } from './kit/parse-number.js';
import { reportRules } from './spamassassin/parse-spam-status.js';
import type { ParserOutput, VendorParser } from './types.js';

const ESG = ['x-barracuda-', 'x-asg-'];
const BESS = ['x-bess-'];
const VIRUS_SCANNED = 'x-virus-scanned';

export interface BarracudaStatus {
  flag?: string;
  score?: number;
  levels: { tag?: number; quarantine?: number; kill?: number };
  rules: string[];
}

/** `1000.0` (and BESS `0.0`) mean the level is disabled. */
function enabled(level: number | undefined): level is number {
  return level !== undefined && level > 0 && level < 1000;
}

export function parseBarracudaStatus(value: string): BarracudaStatus {
  const out: BarracudaStatus = { levels: {}, rules: [] };
  const text = value.slice(0, 8_192).trim();
  let rest = text;
  const comma = text.indexOf(',');
  if (comma > 0 && !text.slice(0, comma).includes('=')) {
    out.flag = text.slice(0, comma).trim();
    rest = text.slice(comma + 1);
  }
  const words = rest.split(/[ \t]+/);
  for (let i = 0; i < words.length; i++) {
    const w = words[i] as string;
    const eq = w.indexOf('=');
    if (eq <= 0) continue;
    const key = w.slice(0, eq).toUpperCase();
    const val = w.slice(eq + 1);
    if (key === 'SCORE') out.score ??= parseDecimal(val) ?? Number.NaN;
    else if (key === 'TAG_LEVEL') out.levels.tag = parseDecimal(val) ?? Number.NaN;
    else if (key === 'QUARANTINE_LEVEL') out.levels.quarantine = parseDecimal(val) ?? Number.NaN;
    else if (key === 'KILL_LEVEL') out.levels.kill = parseDecimal(val) ?? Number.NaN;
    else if (key === 'TESTS') {
      // `tests=A, B,C` — the list runs to the end of the value.
      const list = [val, ...words.slice(i + 1)].join(' ');
      for (const r of list.split(',')) addUnique(out.rules, clip(r.trim(), 128));
      break;
    }
  }
  return out;
}

function actionFor(score: number, levels: BarracudaStatus['levels']): ActionType {
  if (enabled(levels.kill) && score >= levels.kill) return 'reject';
  if (enabled(levels.quarantine) && score >= levels.quarantine) return 'quarantine';
  if (enabled(levels.tag) && score >= levels.tag) return 'tag';
  return 'deliver';
}

function build(id: 'barracuda' | 'bess', fam: FamilyFields, statusField: HeaderField | undefined, scoreField: HeaderField | undefined,
  flagField: HeaderField | undefined, reportField: HeaderField | undefined): GatewayResult {
  const warnings: string[] = [];
  const gateway: GatewayResult = {
    id, vendor: 'Barracuda', product: id === 'bess' ? 'Barracuda Email Security Service' : 'Barracuda Email Security Gateway',
    position: fam.position, headers: fam.headers, warnings,
  };
  const spam: SpamResult = { verdict: 'none' };
  let status: BarracudaStatus | undefined;
  if (statusField !== undefined) {
    status = parseBarracudaStatus(statusField.value);
    spam.raw = clip(statusField.value, MAX_RAW);
    if (status.rules.length > 0) spam.rules = status.rules;
    for (const [name, level] of Object.entries(status.levels)) if (Number.isNaN(level)) warnings.push(`${id}:bad_level:${name}`);
  }
  let score = status?.score;
  if (score !== undefined && Number.isNaN(score)) {
    warnings.push(`${id}:bad_score:${clip(statusField?.value ?? '')}`);
    score = undefined;
  }
  if (score === undefined && scoreField !== undefined) {
    score = parseDecimal(scoreField.value);
    if (score === undefined) warnings.push(`${id}:bad_score:${clip(scoreField.value)}`);
  }
  if (score !== undefined) {
    spam.score = score;
    spam.scale = 'barracuda_points';
  }
  const levels = status?.levels ?? {};
  const active = [levels.tag, levels.quarantine, levels.kill].filter(enabled);
  if (active.length > 0) spam.threshold = Math.min(...active);

  const flag = status?.flag ?? flagField?.value;
  if (flag !== undefined) {
    const f = flag.trim().toLowerCase();
    if (f === 'yes') spam.verdict = 'spam';
    else if (f === 'no') spam.verdict = 'clean';
    else {
      spam.verdict = 'unknown';
      spam.raw ??= clip(flag, MAX_RAW);
      warnings.push(`${id}:unknown_spam_status:${clip(flag)}`);
    }
  } else if (score !== undefined && active.length > 0) {
    spam.verdict = score >= Math.min(...active) ? 'spam' : 'clean';
  } else if (statusField !== undefined) {
    spam.verdict = 'unknown';
    warnings.push(`${id}:no_verdict:${clip(statusField.value)}`);
  }
  if (score !== undefined && status !== undefined) {
    const type = actionFor(score, levels);
    gateway.action = { type, module: 'antispam', raw: clip(`SCORE=${score}`, MAX_RAW) };
  }
  if (spam.rules === undefined && reportField !== undefined) {
    const rules = reportRules(reportField.value);
    if (rules.length > 0) spam.rules = rules;
  }
  if (spam.verdict !== 'none' || spam.score !== undefined) {
    gateway.spam = spam;
    if (spam.verdict !== 'unknown') gateway.scan = { status: 'complete' };
  }
  return gateway;
}

export const barracudaParser: VendorParser = {
  id: 'barracuda',
  headerNames: [],
  headerPrefixes: [...ESG, ...BESS],
  parse(block: HeaderBlock): ParserOutput {
    const gateways: GatewayResult[] = [];
    const esg = collectFamily(block, new Set(), ESG);
    if (esg.byName.size > 0) {
      // `X-Virus-Scanned: by bsmtpd at <domain>` is the appliance's AV stamp.
      const bsmtpd = block.byName.get(VIRUS_SCANNED)?.find((f) => f.value.toLowerCase().includes('bsmtpd'));
      const fam: FamilyFields = bsmtpd === undefined ? esg
        : { ...esg, headers: { ...esg.headers, [VIRUS_SCANNED]: [bsmtpd.value] }, position: Math.min(esg.position, bsmtpd.index) };
      const g = build('barracuda', fam, first(esg, 'x-barracuda-spam-status'), first(esg, 'x-barracuda-spam-score'),
        first(esg, 'x-barracuda-spam-flag'), first(esg, 'x-barracuda-spam-report'));
      if (bsmtpd !== undefined) g.av = { status: 'unknown', raw: clip(bsmtpd.value, MAX_RAW), engine: 'bsmtpd' };
      gateways.push(g);
    }
    const bess = collectFamily(block, new Set(), BESS);
    if (bess.byName.size > 0) {
      const g = build('bess', bess, first(bess, 'x-bess-spam-status'), first(bess, 'x-bess-spam-score'), first(bess, 'x-bess-spam-flag'),
        first(bess, 'x-bess-spam-report'));
      const ver = first(bess, 'x-bess-ver')?.value.trim();
      if (ver !== undefined && ver !== '' && ver.length <= 64) g.version = ver;
      gateways.push(g);
    }
    return { gateways, warnings: [] };
  },
};
