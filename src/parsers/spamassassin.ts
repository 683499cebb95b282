// SpamAssassin and the tools that write its headers (docs/gateways.md §5.1, §5.2, §8.13): plain SA (X-Spam-Status,
// -Flag, -Score, -Level, -Report, -Checker-Version; SA 2.x `hits=`), amavisd-new (`tests=[R=s, …]`, `score=x`,
// X-Amavis-Alert, X-Quarantine-ID, X-Virus-Scanned: amavisd-new), Exim's ACL style (X-Spam_score, _score_int,
// _bar, _report), MIMEDefang's `X-Spam-Score: 6.8 (******) R1,R2`, cPanel's X-Ham-Report, and the renamed
// upstream copies `X-Old-Spam-*` (a later hop renamed an earlier SA result; kept as its own gateway).
//   X-Spam-Status: Yes, score=14.4 required=5.0 tests=DKIM_ADSP_CUSTOM_MED,FREEMAIL_FROM autolearn=no version=3.4.1
import type { SpamVerdict } from '../document/enums.js';
import type { GatewayResult, SpamResult } from '../document/types.js';
import type { HeaderBlock, HeaderField } from '../headers/types.js';
import { addUnique, clip, collectFamily, first, MAX_RAW, type FamilyFields } from './kit/collect-headers.js';
import { parseDecimal, parseInteger } from './kit/parse-number.js';
import { parseSpamStatus, parseTests, reportRules, reportScore, type SpamStatus } from './spamassassin/parse-spam-status.js';
import type { ParserOutput, VendorParser } from './types.js';

const SA_NAMES = [
  'x-spam-status', 'x-spam-flag', 'x-spam-score', 'x-spam-level', 'x-spam-report', 'x-spam-checker-version',
  'x-spam_score', 'x-spam_score_int', 'x-spam_bar', 'x-spam_report', 'x-ham-report', 'x-quarantine-id',
] as const;
const AMAVIS_PREFIX = 'x-amavis-';
const RENAMED_PREFIX = 'x-old-spam-';
const VIRUS_SCANNED = 'x-virus-scanned';
/** rspamd writes SA-compatible X-Spam-Status/-Level/-Flag too (docs/gateways.md §5.4): those are rspamd's then. */
const RSPAMD_MARKERS = ['x-spamd-result', 'x-rspamd-action', 'x-rspamd-score', 'x-rspamd-server', 'x-rspamd-queue-id', 'x-spamd-bar'];
const SHARED_WITH_RSPAMD = new Set(['x-spam-status', 'x-spam-level', 'x-spam-flag', 'x-spam-score', 'x-spam-report']);

function isAmavisScanned(value: string): boolean {
  return value.toLowerCase().includes('amavis');
}

interface Reading {
  status?: SpamStatus;
  statusField?: HeaderField;
  amavis: boolean;
}

function verdictOf(flag: string): SpamVerdict | undefined {
  const f = flag.trim().toLowerCase();
  if (f === 'yes') return 'spam';
  if (f === 'no') return 'clean';
  return undefined;
}

/** Builds one SA-style gateway from headers whose names are given without the renamed prefix. */
function buildGateway(family: FamilyFields, get: (name: string) => HeaderField | undefined, amavisHint: boolean, block: HeaderBlock): GatewayResult {
  const warnings: string[] = [];
  const reading: Reading = { amavis: amavisHint };
  const spam: SpamResult = { verdict: 'none' };
  const rules: string[] = [];

  const statusField = get('x-spam-status');
  if (statusField !== undefined) {
    reading.status = parseSpamStatus(statusField.value);
    reading.statusField = statusField;
    if (reading.status.amavisStyle) reading.amavis = true;
  }
  const status = reading.status;
  let score: number | undefined;
  let threshold: number | undefined;
  let verdictFrom: string | undefined;
  let bypassed = false;

  if (status !== undefined && statusField !== undefined) {
    spam.raw = clip(statusField.value, MAX_RAW);
    if (status.flag !== undefined) {
      const v = verdictOf(status.flag);
      if (v === undefined) {
        spam.verdict = 'unknown';
        warnings.push(`spamassassin:unknown_spam_status:${clip(status.flag)}`);
      } else spam.verdict = v;
      verdictFrom = 'status';
    }
    if (status.scoreRaw !== undefined) {
      if (status.score !== undefined) score = status.score;
      else if (status.scoreRaw.trim().toLowerCase() === 'x') bypassed = true; // amavis: spam check not done
      else warnings.push(`spamassassin:bad_score:${clip(status.scoreRaw)}`);
    }
    if (status.threshold !== undefined) threshold = status.threshold;
    for (const r of status.rules) addUnique(rules, r);
  }

  // X-Spam-Flag (SA only writes YES; amavis writes NO too) when the status gave no flag.
  const flagField = get('x-spam-flag');
  if (flagField !== undefined && verdictFrom === undefined) {
    const v = verdictOf(flagField.value);
    spam.raw = clip(flagField.value, MAX_RAW);
    if (v === undefined) {
      spam.verdict = 'unknown';
      warnings.push(`spamassassin:unknown_spam_flag:${clip(flagField.value)}`);
    } else spam.verdict = v;
    verdictFrom = 'flag';
  }

  // X-Spam-Score: amavis bare float, MIMEDefang `6.8 (******) R1,R2`.
  const scoreField = get('x-spam-score');
  if (scoreField !== undefined) {
    const text = scoreField.value.trim();
    const space = text.search(/[ \t(]/);
    const head = space < 0 ? text : text.slice(0, space);
    const n = parseDecimal(head);
    // amavis writes `x` when the spam check was bypassed (read from X-Spam-Status).
    if (n === undefined && head.toLowerCase() !== 'x') warnings.push(`spamassassin:bad_score:${clip(text)}`);
    else if (n !== undefined) score ??= n;
    if (space >= 0) {
      const close = text.indexOf(')');
      const tail = (close >= 0 ? text.slice(close + 1) : text.slice(space)).trim();
      if (tail !== '' && !tail.startsWith('(')) for (const r of parseTests(tail)) addUnique(rules, r);
    }
  }

  // Exim ACL style: X-Spam_score -2.6, X-Spam_score_int -26, X-Spam_report "(-2.6 / 5.0 requ) BAYES_00=-1.9, …"
  const eximScore = get('x-spam_score');
  if (eximScore !== undefined) {
    const n = parseDecimal(eximScore.value);
    if (n === undefined) warnings.push(`spamassassin:bad_score:${clip(eximScore.value)}`);
    else score ??= n;
  }
  const eximInt = get('x-spam_score_int');
  if (eximInt !== undefined && score === undefined) {
    const n = parseInteger(eximInt.value);
    if (n === undefined) warnings.push(`spamassassin:bad_score:${clip(eximInt.value)}`);
    else score = n / 10;
  }

  for (const name of ['x-spam_report', 'x-spam-report', 'x-ham-report']) {
    const report = get(name);
    if (report === undefined) continue;
    const numbers = reportScore(report.value);
    if (numbers !== undefined) {
      score ??= numbers.score;
      threshold ??= numbers.threshold;
    }
    if (name === 'x-spam_report') {
      const close = report.value.indexOf(')');
      for (const r of parseTests(close >= 0 ? report.value.slice(close + 1) : report.value)) if (!r.includes(' ')) addUnique(rules, r);
    }
    if (rules.length === 0) for (const r of reportRules(report.value)) addUnique(rules, r);
    // cPanel: X-Ham-Report on ham, X-Spam-Report on spam.
    if (verdictFrom === undefined && name === 'x-ham-report') {
      spam.verdict = 'clean';
      spam.raw = clip(report.value, MAX_RAW);
      verdictFrom = 'ham-report';
    }
  }

  if (score !== undefined) {
    spam.score = score;
    spam.scale = 'sa_points';
  }
  if (threshold !== undefined) spam.threshold = threshold;
  if (rules.length > 0) spam.rules = rules;

  if (bypassed && (spam.verdict === 'clean' || spam.verdict === 'none')) spam.verdict = 'none';
  // No Yes/No anywhere (Exim / MIMEDefang): SpamAssassin's own rule is spam ⇔ score ≥ required.
  if (verdictFrom === undefined && score !== undefined) {
    if (threshold !== undefined) {
      spam.verdict = score >= threshold ? 'spam' : 'clean';
      spam.raw ??= `${score} / ${threshold}`;
    } else {
      spam.verdict = 'unknown';
      spam.raw ??= String(score);
      warnings.push('spamassassin:score_without_threshold');
    }
  }

  const gateway: GatewayResult = {
    id: reading.amavis ? 'amavis' : 'spamassassin',
    vendor: reading.amavis ? 'amavis' : 'Apache',
    product: reading.amavis ? 'amavisd-new' : 'SpamAssassin',
    position: family.position,
    headers: family.headers,
    warnings,
  };
  const anySpamData = spam.verdict !== 'none' || spam.score !== undefined || rules.length > 0 || bypassed;
  if (anySpamData) gateway.spam = spam;
  if (bypassed) gateway.scan = { status: 'skipped', reason: 'policy', raw: clip(status?.scoreRaw ?? 'x') };
  else if (anySpamData && spam.verdict !== 'unknown') gateway.scan = { status: 'complete' };

  const checker = get('x-spam-checker-version');
  if (checker !== undefined) readChecker(gateway, checker.value);
  else if (status?.version !== undefined && !reading.amavis) gateway.version = status.version;

  if (reading.amavis) {
    readAmavis(gateway, family, block);
    gateway.warnings = gateway.warnings.map((w) => (w.startsWith('spamassassin:') ? `amavis:${w.slice('spamassassin:'.length)}` : w));
  }
  return gateway;
}

/** `SpamAssassin 3.4.6 (2021-04-09) on lindbergh.monkeyblade.net` → version, hostname. */
function readChecker(gateway: GatewayResult, value: string): void {
  const words = value.trim().split(' ').filter((w) => w !== '');
  if (words.length >= 2 && words[0]?.toLowerCase() === 'spamassassin') gateway.version = clip(words[1] as string, 64);
  const on = words.lastIndexOf('on');
  const host = on >= 0 ? words[on + 1] : undefined;
  if (host !== undefined && host.length <= 253) gateway.hostname = host;
}

/** X-Amavis-Alert `INFECTED, message contains virus: <name>` / `BANNED, …` / `BAD HEADER SECTION, …`. */
function readAmavis(gateway: GatewayResult, family: FamilyFields, block: HeaderBlock): void {
  const scanned = block.byName.get(VIRUS_SCANNED)?.find((f) => isAmavisScanned(f.value));
  if (scanned !== undefined) {
    (gateway.headers[VIRUS_SCANNED] ??= []).push(scanned.value);
    gateway.position = Math.min(gateway.position, scanned.index);
  }
  const alerts = family.byName.get('x-amavis-alert') ?? [];
  for (const alert of alerts) {
    const [category = '', detail = ''] = splitOnce(alert.value);
    const cat = category.trim().toUpperCase();
    if (cat === 'INFECTED') {
      const marker = detail.toLowerCase().indexOf('virus:');
      const name = marker >= 0 ? detail.slice(marker + 'virus:'.length).trim() : detail.trim();
      const av = gateway.av ?? { status: 'infected', raw: clip(alert.value, MAX_RAW), engine: 'amavisd-new', threats: [] };
      av.status = 'infected';
      if (name !== '') addUnique((av.threats ??= []), clip(name, 200));
      gateway.av = av;
    } else if (cat === 'BANNED') {
      // Not AV: a banned file name/type (docs/gateways.md §7.4) → the message was modified or rejected; a rule.
      addUnique((gateway.rule_ids ??= []), 'BANNED');
      gateway.action ??= { type: 'modify', module: 'banned_files', raw: clip(alert.value, MAX_RAW) };
    } else if (cat === 'BAD HEADER SECTION' || cat === 'BAD HEADER') {
      addUnique((gateway.rule_ids ??= []), 'BAD_HEADER');
    } else {
      gateway.warnings.push(`amavis:unknown_alert:${clip(alert.value)}`);
    }
  }
  if (gateway.av === undefined && scanned !== undefined) gateway.av = { status: 'unknown', raw: clip(scanned.value, MAX_RAW), engine: 'amavisd-new' };
  if (gateway.av?.threats?.length === 0) delete gateway.av.threats;
}

function splitOnce(value: string): [string, string] {
  const at = value.indexOf(',');
  return at < 0 ? [value, ''] : [value.slice(0, at), value.slice(at + 1)];
}

const LIVE_NAMES = new Set<string>(SA_NAMES);

export const spamassassinParser: VendorParser = {
  id: 'spamassassin',
  headerNames: [...SA_NAMES, VIRUS_SCANNED],
  headerPrefixes: [AMAVIS_PREFIX, RENAMED_PREFIX],
  parse(block: HeaderBlock): ParserOutput {
    const gateways: GatewayResult[] = [];
    const rspamd = RSPAMD_MARKERS.some((n) => block.byName.has(n));
    const live = collectFamily(block, LIVE_NAMES, [AMAVIS_PREFIX]);
    const amavisScanned = block.byName.get(VIRUS_SCANNED)?.some((f) => isAmavisScanned(f.value)) === true;
    const amavis = amavisScanned || [...live.byName.keys()].some((n) => n.startsWith(AMAVIS_PREFIX) || n === 'x-quarantine-id');
    // With rspamd present and no SA/amavis evidence, the SA-compatible headers are rspamd's (read there).
    if (rspamd && !amavis && !live.byName.has('x-spam-checker-version') && !hasSaStatus(live)) {
      for (const name of SHARED_WITH_RSPAMD) {
        live.byName.delete(name);
        delete live.headers[name];
      }
    }
    if (live.byName.size > 0 || amavisScanned) {
      const fam: FamilyFields = live.byName.size > 0 ? live : { ...live, position: Number.POSITIVE_INFINITY };
      gateways.push(buildGateway(fam, (n) => first(live, n), amavis, block));
    }
    const renamed = collectFamily(block, new Set(), [RENAMED_PREFIX]);
    if (renamed.byName.size > 0) {
      const g = buildGateway(renamed, (n) => first(renamed, RENAMED_PREFIX + n.slice('x-spam-'.length)), false, block);
      g.warnings.push('spamassassin:renamed_upstream_headers');
      gateways.push(g);
    }
    return { gateways: gateways.filter((g) => Number.isFinite(g.position)), warnings: [] };
  },
};

/** An X-Spam-Status with SA's `tests=`/`required=` is SpamAssassin's even next to rspamd. */
function hasSaStatus(live: FamilyFields): boolean {
  const v = first(live, 'x-spam-status')?.value ?? '';
  return v.includes('tests=') || v.includes('required=') || v.includes('hits=');
}
