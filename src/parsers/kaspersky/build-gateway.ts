// One family's headers → one GatewayResult with canonical values, raws kept, problems as warnings.
import type { AvStatus } from '../../document/enums.js';
import type {
  ActionResult, AuthResults, AvResult, GatewayResult, ScanResult, SpamResult, ThreatResult,
} from '../../document/types.js';
import type { HeaderField } from '../../headers/types.js';
import { toActionType } from '../canonical/action.js';
import { avThreatName, toAvStatus } from '../canonical/av-status.js';
import { normalizeToken, splitFirstComma } from '../canonical/normalize-token.js';
import { toScanStatus, type CanonicalScanStatus } from '../canonical/scan-status.js';
import { ASSUMED_SPAM_TOKENS, toSpamVerdict } from '../canonical/spam-verdict.js';
import { toThreatStatus, type ThreatKind } from '../canonical/threat-status.js';
import { authFromToken, parseAntiSpamAuth } from './antispam-auth.js';
import { parseAntiSpamInfo, type AntiSpamInfo } from './antispam-info.js';
import { parseAntiVirusHeader, type AntiVirusHeader } from './antivirus-header.js';
import { FAMILIES, type FieldKey } from './families.js';
import type { FamilyHeaders } from './family-headers.js';
import { parseKasperskyDate } from './kaspersky-date.js';
import { parseStatusWithBases } from './status-with-bases.js';

const MAX_DETAIL = 80;
const MAX_RULES = 100;
const MAX_RULE_CHARS = 200;
const MAX_RAW = 512;

/** Headers a family writes once per hop; several copies mean several hops of the same product. */
const REPEATABLE: ReadonlySet<FieldKey> = new Set(['info', 'informational']);

/** MIME-part AV statuses raise the message status: infected beats error beats encrypted beats clean. */
const AV_RANK: Readonly<Record<AvStatus, number>> = {
  unknown: 0, not_scanned: 1, clean: 2, disinfected: 3, encrypted: 4, error: 5, macro: 6, suspicious: 7, infected: 8,
};

class Context {
  readonly warnings: string[] = [];
  private readonly reported = new Set<FieldKey>();
  constructor(readonly headers: FamilyHeaders) {}

  warn(code: string, detail?: string): void {
    const text = detail === undefined ? '' : `:${detail.length > MAX_DETAIL ? detail.slice(0, MAX_DETAIL) : detail}`;
    this.warnings.push(`${this.headers.family}:${code}${text}`);
  }

  all(key: FieldKey): readonly HeaderField[] {
    return this.headers.byKey.get(key) ?? [];
  }

  /** Topmost value; a second copy is another hop's and is only reported. */
  first(key: FieldKey): HeaderField | undefined {
    const fields = this.all(key);
    if (fields.length > 1 && !REPEATABLE.has(key) && !this.reported.has(key)) {
      this.reported.add(key);
      this.warn('repeated_header', fields[1]!.key);
    }
    return fields[0];
  }
}

function clip(raw: string): string {
  return raw.length > MAX_RAW ? raw.slice(0, MAX_RAW) : raw;
}

function parseRate(ctx: Context, field: HeaderField | undefined): number | undefined {
  if (field === undefined) return undefined;
  const text = field.value.trim();
  if (/^-?\d{1,6}(?:\.\d{1,6})?$/.test(text)) {
    const n = Number(text);
    if (n < 0 || n > 100) ctx.warn('rate_out_of_range', text);
    return n;
  }
  ctx.warn('bad_rate', text);
  return undefined;
}

function sclVerdict(scl: number): SpamResult['verdict'] {
  // KSMG/KLMS stamp -1 on non-spam, 9 on spam, an admin-chosen 0–9 on probable spam (docs/gateways.md §2.4).
  if (scl === -1) return 'clean';
  if (scl === 9) return 'spam';
  return 'suspect';
}

function buildSpam(ctx: Context, info: AntiSpamInfo | undefined, scl: number | undefined): SpamResult | undefined {
  const statusField = ctx.first('statusExtended') ?? ctx.first('status');
  const pair = (name: string): string | undefined => info?.pairs.find((p) => normalizeToken(p.key) === name)?.value;
  const statusRaw = statusField?.value ?? pair('status');
  const rateField = ctx.first('rate');
  let score = parseRate(ctx, rateField);
  if (score === undefined && rateField === undefined) {
    const rate = pair('rate');
    if (rate !== undefined && /^\d{1,3}$/.test(rate)) score = Number(rate);
  }
  const method = ctx.first('method')?.value ?? pair('method');
  const rules = info === undefined ? [] : [...info.tags, ...info.other].slice(0, MAX_RULES).map((r) => r.slice(0, MAX_RULE_CHARS));
  if (statusRaw === undefined && score === undefined && method === undefined && rules.length === 0 && scl === undefined) {
    return undefined;
  }
  let spam: SpamResult;
  if (statusRaw !== undefined) {
    const verdict = toSpamVerdict(statusRaw);
    if (verdict === undefined) ctx.warn('unknown_spam_status', statusRaw);
    else if (ASSUMED_SPAM_TOKENS.has(normalizeToken(statusRaw))) ctx.warn('assumed_spam_status', statusRaw);
    spam = { verdict: verdict ?? 'unknown', raw: clip(statusRaw) };
  } else if (scl !== undefined && (ctx.headers.family === 'ksmg' || ctx.headers.family === 'klms')) {
    spam = { verdict: sclVerdict(scl), raw: `SCL ${scl}` };
  } else {
    ctx.warn('missing_spam_status');
    spam = { verdict: 'unknown' };
  }
  if (score !== undefined) {
    spam.score = score;
    spam.scale = 'kaspersky_rate_0_100';
  }
  if (method !== undefined && method.trim() !== '') spam.method = clip(method.trim());
  if (rules.length > 0) spam.rules = rules;
  return spam;
}

function scanFrom(raw: string, mapped: CanonicalScanStatus): ScanResult {
  return { status: mapped.status, ...(mapped.reason === undefined ? {} : { reason: mapped.reason }), raw: clip(raw) };
}

function buildScan(ctx: Context, spam: SpamResult | undefined): ScanResult | undefined {
  const interceptor = ctx.first('interceptor') ?? ctx.first('outboundInterceptor');
  let fromInterceptor: ScanResult | undefined;
  if (interceptor !== undefined) {
    const mapped = toScanStatus(interceptor.value);
    if (mapped === undefined) ctx.warn('unknown_interceptor_info', interceptor.value);
    fromInterceptor = mapped === undefined ? { status: 'unknown', raw: clip(interceptor.value) } : scanFrom(interceptor.value, mapped);
  }
  // The anti-spam status says why a message was not scanned (`not scanned, license restriction`).
  let fromStatus: ScanResult | undefined;
  const statusRaw = spam?.raw;
  if (statusRaw !== undefined && spam !== undefined && !statusRaw.startsWith('SCL ')) {
    const mapped = toScanStatus(statusRaw);
    if (mapped !== undefined) {
      fromStatus = scanFrom(statusRaw, mapped);
      if (mapped.reason === 'other') ctx.warn('unknown_scan_reason', splitFirstComma(statusRaw)[1]);
    } else if (spam.verdict !== 'unknown' && spam.verdict !== 'none') {
      fromStatus = { status: 'complete', raw: clip(statusRaw) };
    }
  }
  if (fromInterceptor === undefined) return fromStatus;
  if (fromStatus === undefined) return fromInterceptor;
  const decisive = ['timeout', 'fallback', 'error', 'size_exceeded', 'unknown'];
  if (decisive.includes(fromInterceptor.status) || fromStatus.status === 'complete') return fromInterceptor;
  if (fromStatus.status === fromInterceptor.status) {
    // `not scanned` + `not scanned, disabled by settings`: same status, the status header adds the reason.
    return fromStatus.reason === undefined ? fromInterceptor : { ...fromInterceptor, reason: fromStatus.reason };
  }
  // `scan successful` next to `not scanned, whitelist`: the status header says why nothing was scanned.
  return fromStatus;
}

function avAction(tail: string): string {
  // `Clean, skipped`: skipped = deliver unchanged (§7.4 av_action=skip).
  return normalizeToken(tail) === 'skipped' ? 'skip' : clip(tail.trim());
}

function buildAv(ctx: Context, engine: AntiVirusHeader | undefined): AvResult | undefined {
  const statusField = ctx.first('antivirusStatus');
  const parts = ctx.headers.partStatuses;
  if (statusField === undefined && engine === undefined && parts.length === 0) return undefined;
  let av: AvResult;
  if (statusField !== undefined) {
    const value = statusField.value;
    const [head, tail] = splitFirstComma(value);
    const status = toAvStatus(value);
    if (status === undefined) ctx.warn('unknown_av_status', value);
    av = { status: status ?? 'unknown', raw: clip(value) };
    const threat = avThreatName(head);
    if (threat !== undefined) av.threats = [threat];
    if (tail !== undefined && status !== 'not_scanned') {
      // KSE writes `Clean, bases: 13.05.2021 13:39:00` where the Linux products write the AV action.
      const parsed = parseStatusWithBases(value);
      if (parsed.basesDate !== undefined) av.bases_date = parsed.basesDate;
      else if (parsed.qualifier !== undefined) av.action = avAction(parsed.qualifier);
      for (const p of parsed.problems) ctx.warn(p);
    }
  } else if (engine?.notScanned !== undefined) {
    av = { status: 'not_scanned', raw: clip(`not scanned, ${engine.notScanned}`) };
  } else {
    // Engine identity alone carries no verdict (§7.4).
    av = { status: 'unknown' };
  }
  if (engine !== undefined) {
    if (engine.product !== undefined) av.engine = engine.product;
    if (engine.version !== undefined) av.engine_version = engine.version;
    if (engine.basesDate !== undefined) av.bases_date = engine.basesDate;
    if (engine.basesRecords !== undefined) av.bases_records = engine.basesRecords;
  }
  for (const part of parts) {
    const status = toAvStatus(part.field.value);
    if (status === undefined) {
      ctx.warn('unknown_av_status', part.field.value);
      continue;
    }
    const threat = avThreatName(splitFirstComma(part.field.value)[0]);
    if (threat !== undefined && (av.threats?.length ?? 0) < 32 && !av.threats?.includes(threat)) {
      av.threats = [...(av.threats ?? []), threat];
    }
    if (AV_RANK[status] > AV_RANK[av.status]) {
      av.status = status;
      av.raw = clip(part.field.value);
    }
  }
  return av;
}

function buildThreat(ctx: Context, key: FieldKey, kind: ThreatKind, basesKey?: FieldKey): ThreatResult | undefined {
  const field = ctx.first(key);
  if (field === undefined) return undefined;
  const parsed = parseStatusWithBases(field.value);
  const status = toThreatStatus(field.value, kind);
  if (status === undefined) ctx.warn(`unknown_${kind}_status`, field.value);
  const result: ThreatResult = { status: status ?? 'unknown', raw: clip(field.value) };
  if (parsed.basesDate !== undefined) result.bases_date = parsed.basesDate;
  for (const p of parsed.problems) ctx.warn(p);
  if (parsed.qualifier !== undefined && status !== 'not_scanned') ctx.warn(`unknown_${kind}_qualifier`, parsed.qualifier);
  const bases = basesKey === undefined ? undefined : ctx.first(basesKey);
  if (bases !== undefined && result.bases_date === undefined) {
    const date = parseKasperskyDate(bases.value);
    if (date === undefined) ctx.warn('bad_bases_date', bases.value);
    else result.bases_date = date;
  }
  return result;
}

function buildAction(ctx: Context): ActionResult | undefined {
  const field = ctx.first('action');
  if (field === undefined) return undefined;
  const [head, module] = splitFirstComma(field.value);
  const type = toActionType(head);
  if (type === undefined) ctx.warn('unknown_action', head);
  return { type: type ?? 'unknown', ...(module ? { module: clip(module) } : {}), raw: clip(field.value) };
}

function buildAuth(ctx: Context): AuthResults | undefined {
  const field = ctx.first('auth');
  const problems: string[] = [];
  let auth: AuthResults = {};
  if (field !== undefined) {
    const parsed = parseAntiSpamAuth(field.value, field.key);
    auth = parsed.auth;
    problems.push(...parsed.problems);
  }
  const spf = ctx.first('spf');
  if (spf !== undefined && auth.spf === undefined) auth.spf = authFromToken('spf', spf.value, spf.key, problems);
  for (const p of problems) {
    const at = p.indexOf(':');
    ctx.warn(at < 0 ? p : p.slice(0, at), at < 0 ? undefined : p.slice(at + 1));
  }
  return Object.keys(auth).length > 0 ? auth : undefined;
}

function ruleIds(ctx: Context): string[] | undefined {
  const ids: string[] = [];
  for (const field of ctx.all('ruleId')) {
    // The doc says "list of rule IDs" but no separator was ever observed: accept commas, semicolons, spaces.
    for (const token of field.value.split(/[,; ]+/, 64)) {
      const id = token.trim();
      if (id === '') continue;
      if (!/^\d{1,12}$/.test(id)) ctx.warn('bad_rule_id', id);
      if (!ids.includes(id)) ids.push(id.slice(0, 64));
    }
  }
  return ids.length > 0 ? ids : undefined;
}

function blocklists(info: AntiSpamInfo | undefined): string[] | undefined {
  if (info === undefined) return undefined;
  const lists: string[] = [];
  for (const tag of info.tags) {
    const lower = tag.toLowerCase();
    if (!lower.includes('black') && !lower.includes('deny')) continue;
    // `{black address: 185.246.220.87}` → `black address:185.246.220.87`; `{reputation ip: black}` → `reputation ip:black`
    const colon = tag.indexOf(':');
    const entry = colon < 0 ? tag : `${tag.slice(0, colon).trim()}:${tag.slice(colon + 1).trim()}`;
    if (!lists.includes(entry)) lists.push(entry.slice(0, MAX_RULE_CHARS));
    if (lists.length >= 32) break;
  }
  return lists.length > 0 ? lists : undefined;
}

function envelopeFrom(ctx: Context, info: AntiSpamInfo | undefined): string | undefined {
  let value = ctx.first('envelopeFrom')?.value;
  value ??= info?.pairs.find((p) => normalizeToken(p.key) === 'envelopefrom')?.value;
  if (value === undefined) return undefined;
  let text = value.trim();
  if (text.startsWith('<') && text.endsWith('>')) text = text.slice(1, -1).trim();
  return text === '' ? undefined : clip(text);
}

function validateInformational(ctx: Context, info: AntiSpamInfo | undefined): void {
  const lua = ctx.first('luaProfiles');
  if (lua !== undefined && !/^\d{1,12} \[[A-Za-z]{3} \d{1,2} \d{4}\]$/.test(lua.value.trim())) ctx.warn('bad_lua_profiles', lua.value);
  const moebius = ctx.first('moebius');
  if (moebius !== undefined && !/^\d{1,15}(?:, ?\d{1,15}){0,7}$/.test(moebius.value.trim())) ctx.warn('bad_moebius_timestamps', moebius.value);
  if (info?.unbalanced) ctx.warn('unbalanced_braces');
  if (info?.truncated) ctx.warn('info_truncated');
}

function hostname(ctx: Context): string | undefined {
  // KSE `X-KSE-ServerInfo: <host>, 9`
  const field = ctx.first('serverInfo');
  if (field === undefined) return undefined;
  const host = splitFirstComma(field.value)[0];
  return host === '' ? undefined : clip(host);
}

export function buildGateway(headers: FamilyHeaders, fallbackPosition: number): GatewayResult {
  const ctx = new Context(headers);
  const family = FAMILIES[headers.family];
  if (headers.aliasNames.length > 0) {
    // Mangled names from the vendor's own example block (§1.5): accepted as X-KLMS-*.
    ctx.warnings.push(`${headers.family}:header_alias_used:${headers.aliasNames.join(',').slice(0, 400)}`);
  }
  for (const name of headers.unknownNames) ctx.warn('unrecognized_header', name);

  const infoFields = ctx.all('info');
  const info = infoFields.length > 0 ? parseAntiSpamInfo(infoFields.map((f) => f.value)) : undefined;
  const avField = ctx.first('antivirus');
  const engine = avField === undefined ? undefined : parseAntiVirusHeader(avField.value);
  for (const p of engine?.problems ?? []) {
    const at = p.indexOf(':');
    ctx.warn(`antivirus_${at < 0 ? p : p.slice(0, at)}`, at < 0 ? undefined : p.slice(at + 1));
  }

  let scl: number | undefined;
  if (headers.scl !== undefined) {
    const text = headers.scl.value.trim();
    if (/^-?\d{1,2}$/.test(text)) scl = Number(text);
    else ctx.warn('bad_scl', text);
  }

  // Where the family's own headers sit; an SCL it stamped counts only when nothing else is there (an SCL above
  // later hops would otherwise move the gateway up the trace and name a later relay as its node).
  let position = Number.MAX_SAFE_INTEGER;
  for (const f of headers.fields) if (f.index < position) position = f.index;
  if (position === Number.MAX_SAFE_INTEGER && headers.scl !== undefined) position = headers.scl.index;
  const gateway: GatewayResult = {
    id: headers.family,
    vendor: 'Kaspersky',
    product: family.product,
    position: position === Number.MAX_SAFE_INTEGER ? fallbackPosition : position,
    headers: {},
    warnings: ctx.warnings,
  };
  if (engine?.version !== undefined) gateway.version = engine.version;
  const host = hostname(ctx);
  if (host !== undefined) gateway.hostname = host;

  const spam = buildSpam(ctx, info, scl);
  if (spam !== undefined) gateway.spam = spam;
  const scan = buildScan(ctx, spam);
  if (scan !== undefined) gateway.scan = scan;
  const av = buildAv(ctx, engine);
  if (av !== undefined) gateway.av = av;
  const phishing = buildThreat(ctx, 'antiphishing', 'phishing', 'antiphishingBases');
  if (phishing !== undefined) gateway.phishing = phishing;
  const links = buildThreat(ctx, 'links', 'links');
  if (links !== undefined) gateway.links = links;
  const sandbox = buildThreat(ctx, 'kata', 'sandbox');
  if (sandbox !== undefined) gateway.sandbox = sandbox;
  const action = buildAction(ctx);
  if (action !== undefined) gateway.action = action;
  const auth = buildAuth(ctx);
  if (auth !== undefined) gateway.auth = auth;
  const rules = ruleIds(ctx);
  if (rules !== undefined) gateway.rule_ids = rules;
  const lists = blocklists(info);
  if (lists !== undefined) gateway.blocklists = lists;
  if (scl !== undefined) gateway.scl = scl;
  const from = envelopeFrom(ctx, info);
  if (from !== undefined) gateway.envelope_from = from;
  validateInformational(ctx, info);

  for (const field of headers.fields) (gateway.headers[field.key] ??= []).push(field.value);
  if (headers.scl !== undefined) (gateway.headers[headers.scl.key] ??= []).push(headers.scl.value);
  for (const part of headers.partStatuses) (gateway.headers[`${part.field.key}@${part.path}`] ??= []).push(part.field.value);
  return gateway;
}
