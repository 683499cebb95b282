// Ipswitch/Progress IMail Server anti-spam headers (docs/gateways.md §4, IMail help "Spam X-Header Explanations"). IMail writes a header
// only when a filter trapped the message, so every X-IMAIL-SPAM-<test> present is a test that fired:
//   X-IMAIL-SPAM-DNSBL: (v6net,514313bf02441ffa,65.77.130.111)
// The SPF result sits in the header NAME (X-IMail-SPAM-SPF-Softfail, no value); Premium classes are
// X-IMAIL-SPAM-CONFIRMED / BULK / SUSPECTED / UNKNOWN.
import type { SpamVerdict } from '../document/enums.js';
import type { AuthResult, GatewayResult, SpamResult } from '../document/types.js';
import type { HeaderBlock, HeaderField } from '../headers/types.js';
import { toAuthResult } from './canonical/auth-result.js';
import { toCommtouchVerdict } from './imail/commtouch-class.js';
import { isImailMessageId, splitTuple } from './imail/split-tuple.js';
import { findImailTest, IMAIL_CLASS_HEADERS, type ImailTest } from './imail/test-catalog.js';
import type { ParserOutput, VendorParser } from './types.js';

const PREFIX = 'x-imail-';
const SPAM_PREFIX = 'x-imail-spam-';
const SPF_PREFIX = 'spf-';
const MAX_PER_NAME = 20;
const MAX_DETAIL = 80;
const BROKEN_MIME = new Set(['broken-mime-header', 'broken-mime-headers']);
/** Stronger verdicts win when several IMail headers disagree. */
const RANK: Record<SpamVerdict, number> = {
  spam: 6, blocklisted: 5, bulk: 4, suspect: 3, allowlisted: 2, clean: 1, formal: 1, none: 0, unknown: 0,
};

interface State {
  verdict: SpamVerdict;
  verdictRaw?: string;
  score?: number;
  rules: string[];
  blocklists: string[];
  spf?: AuthResult;
  attachmentBlocked?: string;
  warnings: string[];
}

function addUnique(list: string[], value: string): void {
  if (!list.includes(value)) list.push(value);
}

function raise(state: State, verdict: SpamVerdict, raw: string): void {
  if (state.verdictRaw === undefined || RANK[verdict] > RANK[state.verdict]) {
    state.verdict = verdict;
    state.verdictRaw = raw;
  }
}

/** `99`, `0.99`, `99%` — the docs give no format for the statistical filter's probability. */
function parseProbability(raw: string): number | undefined {
  const text = raw.endsWith('%') ? raw.slice(0, -1).trim() : raw;
  if (text === '' || text.length > 32) return undefined;
  const n = Number(text);
  return Number.isFinite(n) ? n : undefined;
}

function readTest(state: State, field: HeaderField, test: ImailTest): void {
  const tuple = splitTuple(field.value, test.maxFields);
  const { fields } = tuple;
  const detail = `${test.rule}:${field.value.slice(0, MAX_DETAIL)}`;
  if (tuple.unbalanced) state.warnings.push(`imail:unbalanced_tuple:${detail}`);
  if (!test.arities.includes(fields.length)) state.warnings.push(`imail:unexpected_arity:${test.rule}:${fields.length}`);
  addUnique(state.rules, test.rule);
  raise(state, 'suspect', field.originalKey);

  // Check the msg id looks like one (decimal, or 16 hex digits); a mismatch hints at an unseen layout.
  const idIndex = test.idAt === 'first' ? 0 : test.idAt === 'second' ? 1 : test.idAt === 'first-of-2' && fields.length >= 2 ? 0 : -1;
  const idField = idIndex >= 0 ? fields[idIndex] : undefined;
  if (idField !== undefined && !isImailMessageId(idField)) state.warnings.push(`imail:bad_msg_id:${detail}`);

  if (test.blocklist !== undefined && test.serviceField !== undefined) {
    const service = test.serviceField === 0 ? fields[0] : fields[fields.length - 1];
    if (service !== undefined && service !== '') addUnique(state.blocklists, `${test.blocklist}:${service.toLowerCase().slice(0, 253)}`);
    else addUnique(state.blocklists, test.blocklist);
  }
  if (test.rule === 'URL-DBL') addUnique(state.blocklists, 'url-dbl');
  if (test.rule === 'STATISTICS' && state.score === undefined) {
    const prob = fields[1] === undefined ? undefined : parseProbability(fields[1]);
    if (prob !== undefined) state.score = prob;
    else state.warnings.push(`imail:bad_probability:${detail}`);
  }
}

function readSpf(state: State, field: HeaderField, token: string): void {
  // IMail lists Error and TempError separately: Error is the permanent one (docs/gateways.md §7.3 [I]).
  const mapped = token === 'error' ? { result: 'permerror' as const } : toAuthResult(token, 'spf');
  if (mapped === undefined) state.warnings.push(`imail:unknown_spf_result:${token.slice(0, MAX_DETAIL)}`);
  if (state.spf === undefined) {
    state.spf = {
      result: mapped?.result ?? 'unknown',
      raw: field.originalKey,
      source: field.key,
      ...(mapped?.qualifier === undefined ? {} : { qualifier: mapped.qualifier }),
    };
  }
  // Fail/Softfail: the SPF filter trapped the message as forged (a test that fired).
  if (mapped?.result === 'fail' || mapped?.result === 'softfail') {
    addUnique(state.rules, mapped.result === 'fail' ? 'SPF-Fail' : 'SPF-Softfail');
    raise(state, 'suspect', field.originalKey);
  }
}

function readField(state: State, field: HeaderField): void {
  const rest = field.key.slice(PREFIX.length).replaceAll('_', '-');
  if (rest === 'threadid') return;
  if (BROKEN_MIME.has(rest)) {
    // A check that fired, but not evidence of spam: listed in rules, verdict unchanged.
    addUnique(state.rules, 'Broken-MIME-Header');
    return;
  }
  if (rest === 'attachment-blocked') {
    state.attachmentBlocked ??= field.originalKey;
    return;
  }
  if (!field.key.startsWith(SPAM_PREFIX)) {
    state.warnings.push(`imail:unknown_header:${field.key.slice(0, MAX_DETAIL)}`);
    return;
  }
  const name = rest.slice('spam-'.length);
  if (name.startsWith(SPF_PREFIX)) {
    readSpf(state, field, name.slice(SPF_PREFIX.length));
    return;
  }
  if (IMAIL_CLASS_HEADERS.has(name)) {
    const verdict = toCommtouchVerdict(name);
    if (verdict !== undefined) raise(state, verdict, field.originalKey);
    return;
  }
  const test = findImailTest(name);
  if (test !== undefined) {
    readTest(state, field, test);
    return;
  }
  // An unlisted X-IMAIL-SPAM-<test> is still a test that fired.
  state.warnings.push(`imail:unknown_test:${name.slice(0, MAX_DETAIL)}`);
  addUnique(state.rules, name.toUpperCase().slice(0, MAX_DETAIL));
  raise(state, 'suspect', field.originalKey);
}

export const imailParser: VendorParser = {
  id: 'imail',
  headerNames: [],
  headerPrefixes: [PREFIX],
  parse(block: HeaderBlock): ParserOutput {
    const fields: HeaderField[] = [];
    for (const [name, list] of block.byName) {
      if (name.startsWith(PREFIX)) fields.push(...list.slice(0, MAX_PER_NAME));
    }
    if (fields.length === 0) return { gateways: [], warnings: [] };
    fields.sort((a, b) => a.index - b.index);

    const state: State = { verdict: 'none', rules: [], blocklists: [], warnings: [] };
    const headers: Record<string, string[]> = {};
    for (const field of fields) {
      (headers[field.key] ??= []).push(field.value);
      readField(state, field);
    }

    const spam: SpamResult = { verdict: state.verdict };
    if (state.verdictRaw !== undefined) spam.raw = state.verdictRaw;
    if (state.score !== undefined) {
      spam.score = state.score;
      spam.scale = 'imail_probability';
    }
    if (state.rules.length > 0) spam.rules = state.rules;

    const gateway: GatewayResult = {
      id: 'imail',
      vendor: 'Ipswitch',
      product: 'IMail Server',
      position: (fields[0] as HeaderField).index,
      spam,
      headers,
      warnings: state.warnings,
    };
    // Any X-IMAIL-SPAM-* header shows the anti-spam filters ran; ThreadID / Broken-MIME alone do not.
    if (fields.some((f) => f.key.startsWith(SPAM_PREFIX))) gateway.scan = { status: 'complete' };
    if (state.spf !== undefined) gateway.auth = { spf: state.spf };
    if (state.blocklists.length > 0) gateway.blocklists = state.blocklists;
    if (state.attachmentBlocked !== undefined) {
      // The message still reached the mailbox, so the blocked attachment was stripped from it.
      gateway.action = { type: 'modify', module: 'attachment_blocking', raw: state.attachmentBlocked };
    }
    return { gateways: [gateway], warnings: [] };
  },
};
