// rspamd milter headers (docs/gateways.md §5.4, §7.1, §7.3, §7.6):
//   X-Spamd-Result: default: False [-2.20 / 15.00]; ARC_ALLOW(-1.00)[lists.ozlabs.org:s=201707:i=1]; …
//   X-Rspamd-Action: no action
// The action decides the verdict when present: the boolean is known to disagree with it (rspamd #4412).
// With rspamd present, X-Spam, X-Spam-Status/-Level/-Flag and X-Virus are rspamd's routines and are read here.
import type { AuthResult, AuthResults, GatewayResult, SpamResult } from '../document/types.js';
import type { HeaderBlock } from '../headers/types.js';
import { toActionType } from './canonical/action.js';
import { toAuthResult } from './canonical/auth-result.js';
import { toSpamVerdict } from './canonical/spam-verdict.js';
import { clip, collectFamily, first, MAX_RAW } from './kit/collect-headers.js';
import { parseDecimal } from './kit/parse-number.js';
import { parseSpamdResult, type RspamdSymbol } from './rspamd/parse-spamd-result.js';
import type { ParserOutput, VendorParser } from './types.js';

const RESULT = 'x-spamd-result';
const BAR = 'x-spamd-bar';
const PREFIX = 'x-rspamd-';
const OWN = new Set([RESULT, BAR]);
/** Optional routines whose names other tools share; taken only next to an rspamd-specific header. */
const SHARED = ['x-spam', 'x-spam-status', 'x-spam-level', 'x-spam-flag', 'x-virus'];

const AUTH_PREFIXES: readonly (readonly [keyof AuthResults, readonly string[]])[] = [
  ['spf', ['R_SPF_']],
  ['dkim', ['R_DKIM_']],
  ['dmarc', ['DMARC_POLICY_', 'DMARC_NA', 'DMARC_BAD_POLICY', 'DMARC_DNSFAIL']],
];
/** Informational symbols that share an auth prefix but carry no result. */
const NOT_RESULTS = new Set(['R_DKIM_MULTIPLE', 'R_SPF_NA_HELO']);

function authFromSymbols(symbols: readonly RspamdSymbol[], warnings: string[]): AuthResults {
  const auth: AuthResults = {};
  for (const [method, prefixes] of AUTH_PREFIXES) {
    for (const sym of symbols) {
      if (NOT_RESULTS.has(sym.name) || !prefixes.some((p) => sym.name.startsWith(p))) continue;
      const mapped = toAuthResult(sym.name, method);
      if (mapped === undefined) warnings.push(`rspamd:unknown_auth_symbol:${clip(sym.name)}`);
      const result: AuthResult = {
        result: mapped?.result ?? 'unknown',
        raw: clip(sym.options === undefined ? sym.name : `${sym.name}[${sym.options}]`, MAX_RAW),
        source: RESULT,
      };
      if (mapped?.qualifier !== undefined) result.qualifier = mapped.qualifier;
      // DMARC_POLICY_ALLOW[example.com,none]: the second option is the published policy.
      if (method === 'dmarc' && sym.options !== undefined) {
        const [domain, policy] = sym.options.split(',');
        if (policy !== undefined && policy.trim() !== '' && policy.length <= 32) result.policy = policy.trim().toLowerCase();
        const from = domain?.trim().split(' ')[0];
        if (from !== undefined && from !== '' && from !== ':') result.props = { 'header.from': clip(from, 253) };
      }
      auth[method] = result;
      break;
    }
  }
  return auth;
}

export const rspamdParser: VendorParser = {
  id: 'rspamd',
  headerNames: [RESULT, BAR],
  headerPrefixes: [PREFIX],
  parse(block: HeaderBlock): ParserOutput {
    const own = collectFamily(block, OWN, [PREFIX]);
    if (own.byName.size === 0) return { gateways: [], warnings: [] };
    const fam = collectFamily(block, new Set([...OWN, ...SHARED]), [PREFIX]);
    const warnings: string[] = [];
    const spam: SpamResult = { verdict: 'none' };
    const gateway: GatewayResult = { id: 'rspamd', vendor: 'rspamd', product: 'rspamd', position: fam.position, headers: fam.headers, warnings };

    const resultField = first(fam, RESULT);
    const parsed = resultField === undefined ? undefined : parseSpamdResult(resultField.value);
    if (parsed !== undefined) {
      for (const p of parsed.problems) warnings.push(`rspamd:${clip(p)}`);
      if (parsed.score !== undefined) spam.score = parsed.score;
      if (parsed.threshold !== undefined) spam.threshold = parsed.threshold;
      if (parsed.symbols.length > 0) spam.rules = parsed.symbols.map((s) => s.name);
      const auth = authFromSymbols(parsed.symbols, warnings);
      if (Object.keys(auth).length > 0) gateway.auth = auth;
    }
    const scoreField = first(fam, 'x-rspamd-score');
    if (scoreField !== undefined) {
      const n = parseDecimal(scoreField.value);
      if (n === undefined) warnings.push(`rspamd:bad_score:${clip(scoreField.value)}`);
      else spam.score ??= n;
    }
    if (spam.score !== undefined) spam.scale = 'rspamd_points';

    const actionField = first(fam, 'x-rspamd-action');
    const spamField = first(fam, 'x-spam');
    if (actionField !== undefined) {
      const raw = actionField.value.trim();
      const type = toActionType(raw);
      gateway.action = { type: type ?? 'unknown', raw: clip(raw, MAX_RAW) };
      const verdict = toSpamVerdict(raw);
      spam.verdict = verdict ?? 'unknown';
      spam.raw = clip(raw, MAX_RAW);
      if (type === undefined || verdict === undefined) warnings.push(`rspamd:unknown_action:${clip(raw)}`);
      if (parsed?.isSpam !== undefined && verdict !== undefined && (verdict === 'spam') !== parsed.isSpam && verdict !== 'suspect') {
        warnings.push(`rspamd:action_disagrees_with_result:${clip(raw)}`);
      }
    } else if (spamField !== undefined) {
      const yes = spamField.value.trim().toLowerCase() === 'yes';
      spam.verdict = yes ? 'spam' : 'unknown';
      spam.raw = clip(spamField.value, MAX_RAW);
      if (!yes) warnings.push(`rspamd:unknown_x_spam:${clip(spamField.value)}`);
    } else if (parsed?.isSpam !== undefined) {
      spam.verdict = parsed.isSpam ? 'spam' : 'clean';
      spam.raw = clip(`${parsed.metric ?? ''}: ${parsed.flagRaw ?? ''}`, MAX_RAW);
    } else if (parsed !== undefined) {
      spam.verdict = 'unknown';
      spam.raw = clip((resultField?.value ?? ''), MAX_RAW);
    }
    gateway.spam = spam;
    if (spam.verdict !== 'unknown' && spam.verdict !== 'none') gateway.scan = { status: 'complete' };

    const server = first(fam, 'x-rspamd-server')?.value.trim();
    if (server !== undefined && server !== '' && server.length <= 253 && !server.includes(' ')) gateway.hostname = server;

    const virus = first(fam, 'x-virus');
    if (virus !== undefined && virus.value.trim() !== '') {
      const threats = virus.value.split(',').map((s) => s.trim()).filter((s) => s !== '').slice(0, 20).map((s) => clip(s, 200));
      gateway.av = { status: 'infected', raw: clip(virus.value, MAX_RAW), threats };
    }
    return { gateways: [gateway], warnings: [] };
  },
};
