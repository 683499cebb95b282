// The document type, the index template and the value types must not drift apart: a field added to
// src/document/types.ts without a mapping (or with a mapping that would reject its values) fails here.
import { readFileSync } from 'node:fs';
import { fileURLToPath } from 'node:url';
import ts from 'typescript';
import { describe, expect, it } from 'vitest';
import type { MailverdictDocument } from '../../../src/document/types.js';
import {
  DISABLED_OBJECT, documentLeafPaths, isAggregatable, mappedLeafFields, mappingProblems, type FieldMapping,
} from '../../../src/mappings/field-paths.js';

const root = fileURLToPath(new URL('../../../', import.meta.url));
const load = (name: string): { index_patterns: string[]; priority: number; template: { settings: unknown; mappings: FieldMapping & { dynamic?: string } } } =>
  JSON.parse(readFileSync(`${root}mappings/${name}`, 'utf8'));
const main = load('mailverdict-template.json');
const deadLetter = load('dead-letter-template.json');
const alerts = load('alerts-template.json');

type DeepRequired<T> = T extends (infer U)[] ? DeepRequired<U>[] : T extends object ? { [K in keyof T]-?: DeepRequired<T[K]> } : T;

const auth = (source: string) => ({
  result: 'pass' as const, raw: 'pass', source, qualifier: '+', policy: 'reject',
  props: { 'smtp.mailfrom': 'a@example.com', 'header.from': 'example.com', 'header.d': 'example.com' },
});
const verdicts = {
  spam: { verdict: 'spam', raw: 'spam', score: 97.5, scale: 'kaspersky_rate_0_100', threshold: 50, confidence: 'high', method: 'content', rules: ['bulk_rule', 'url_rule'] },
  scan: { status: 'timeout', reason: 'other', raw: 'timeout expired' },
  auth: { spf: auth('x-ksmg-antispam-auth'), dkim: auth('x-ksmg-antispam-auth'), dmarc: auth('authentication-results (mx.example.com)') },
  av: { status: 'infected', raw: 'infected', threats: ['EICAR-Test-File'], engine: 'KAV', engine_version: '8.0', bases_date: '2024/05/01 10:00:00', bases_records: 123456, action: 'deleted' },
  phishing: { status: 'clean', raw: 'Clean', bases_date: '2024/05/01 10:00:00' },
  links: { status: 'malicious', raw: 'Malware', bases_date: '2024/05/01' },
  sandbox: { status: 'not_scanned', raw: 'NotScanned', bases_date: '2024-05-01' },
  action: { type: 'quarantine', module: 'antispam', raw: 'Quarantine' },
  rule_ids: ['7', '12'],
  blocklists: ['dnsbl:zen.spamhaus.org'],
  scl: 5,
} as const;

/** Every optional field set; DeepRequired makes the compiler complain when the type gains a field this lacks. */
const maximal: DeepRequired<MailverdictDocument> = {
  '@timestamp': '2024-05-01T10:00:00.000Z',
  event: {
    kind: 'event', category: ['email'], type: ['info'], dataset: 'mailverdict.message', created: '2024-05-02T00:00:00.000Z', ingested: '2024-05-02T00:00:01.000Z',
    action: 'deliver', outcome: 'failure',
  },
  ecs: { version: '8.17.0' },
  observer: { vendor: 'Kaspersky', product: 'KSMG', version: '2.0.1.6960', hostname: 'ksmg.example.com', ip: '10.0.0.4' },
  source: { ip: '2001:db8::7', domain: 'mx.sender.example' },
  email: {
    message_id: '<1@example.com>', subject: 'Hello', from: { address: ['a@example.com'] }, to: { address: ['b@example.com', 'c@example.com'] },
    cc: { address: ['d@example.com'] },
    sender: { address: 'bounce@example.com' },
    direction: 'inbound',
    attachments: [{ file: { name: 'report.pdf', mime_type: 'application/pdf', size: 20480 } }],
  },
  rule: { id: ['7'], name: ['BAYES_99'] },
  mailverdict: {
    gateway: 'ksmg',
    gateway_ids: ['ksmg', 'amavis'],
    gateway_nodes: ['ksmg@ksmg.example.com', 'amavis'],
    sender_domain: 'example.com',
    ...verdicts,
    spam: { ...verdicts.spam, rules: [...verdicts.spam.rules], by_gateway: ['ksmg:spam'] },
    scan: { ...verdicts.scan, by_gateway: ['ksmg:timeout', 'amavis:unknown'], by_gateway_node: ['ksmg@ksmg.example.com:timeout', 'amavis:unknown'] },
    av: { ...verdicts.av, threats: [...verdicts.av.threats], by_gateway: ['ksmg:infected'] },
    rule_ids: [...verdicts.rule_ids],
    blocklists: [...verdicts.blocklists],
    gateways: [{
      id: 'ksmg', vendor: 'Kaspersky', product: 'KSMG', version: '2.0.1.6960', hostname: 'ksmg.example.com', ip: '10.0.0.4', position: 3,
      ...verdicts,
      spam: { ...verdicts.spam, rules: [...verdicts.spam.rules] },
      av: { ...verdicts.av, threats: [...verdicts.av.threats] },
      rule_ids: [...verdicts.rule_ids],
      blocklists: [...verdicts.blocklists],
      envelope_from: 'bounce@example.com',
      headers: { 'x-ksmg-antispam-status': ['not scanned, timeout expired'] },
      warnings: ['ksmg:unknown_spam_status:weird'],
    }],
    origin: { kind: 'imap', account: 'quarantine', mailbox: 'INBOX', uidvalidity: 1714550400, uid: 42, path: 'archive/1.eml' },
    headers: { 'x-ksmg-antispam-status': ['not scanned, timeout expired'], 'x-imail-spam-value': ['1'] },
    parse: { warnings: ['cap:max_headers'], parser_version: '0.1.0' },
  },
};

/** Leaf paths of MailverdictDocument read from the type itself; `Record<string, …>` fields end in `.*`. */
let typePaths: string[] | undefined;
function typeLeafPaths(): string[] {
  typePaths ??= readTypeLeafPaths();
  return typePaths;
}
function readTypeLeafPaths(): string[] {
  const file = `${root}src/document/types.ts`;
  const program = ts.createProgram([file], { strict: true, exactOptionalPropertyTypes: true, noEmit: true, skipLibCheck: true });
  const checker = program.getTypeChecker();
  const source = program.getSourceFile(file);
  if (source === undefined) throw new Error('types.ts not found');
  const symbol = checker.getSymbolAtLocation(source);
  const decl = symbol && checker.getExportsOfModule(symbol).find((s) => s.name === 'MailverdictDocument');
  if (decl === undefined) throw new Error('MailverdictDocument not exported');
  const out: string[] = [];
  const walk = (type: ts.Type, path: string, depth: number): void => {
    if (depth > 10) throw new Error(`type too deep at ${path}`);
    const t = checker.getNonNullableType(type);
    if (checker.isArrayType(t) || checker.isTupleType(t)) {
      for (const el of checker.getTypeArguments(t as ts.TypeReference)) walk(el, path, depth + 1);
      return;
    }
    const props = t.flags & ts.TypeFlags.Object ? checker.getPropertiesOfType(t) : [];
    if (props.length === 0 && t.flags & ts.TypeFlags.Object && checker.getIndexInfosOfType(t).length > 0) {
      out.push(`${path}.*`);
      return;
    }
    if (props.length === 0) {
      out.push(path);
      return;
    }
    for (const p of props) walk(checker.getTypeOfSymbol(p), path === '' ? p.name : `${path}.${p.name}`, depth + 1);
  };
  walk(checker.getDeclaredTypeOfSymbol(decl), '', 0);
  return [...new Set(out)].sort();
}

function objectMappings(props: Record<string, FieldMapping>, prefix = ''): [string, FieldMapping & { dynamic?: string }][] {
  return Object.entries(props).flatMap(([name, m]) =>
    m.properties === undefined ? [] : [[prefix + name, m] as [string, FieldMapping], ...objectMappings(m.properties, `${prefix}${name}.`)]);
}

function globMatches(pattern: string, name: string): boolean {
  const star = pattern.indexOf('*');
  return star < 0 ? pattern === name : name.startsWith(pattern.slice(0, star)) && name.endsWith(pattern.slice(star + 1));
}

describe('mailverdict-template.json', () => {
  const fields = mappedLeafFields(main);

  it('maps every leaf field of the MailverdictDocument type (read from the type by the compiler)', () => {
    const paths = typeLeafPaths();
    expect(paths.length).toBeGreaterThan(100);
    expect(paths).toContain('mailverdict.gateways.auth.dmarc.policy');
    expect(paths).toContain('event.category');
    expect(paths).toContain('mailverdict.headers.*');
    expect(paths).toContain('mailverdict.auth.spf.props.*');
    const missing = paths.filter((p) => (p.endsWith('.*') ? fields.get(p.slice(0, -2)) !== DISABLED_OBJECT : !fields.has(p)));
    expect(missing).toEqual([]);
  });

  it('the maximal document literal sets every field of the type', () => {
    const docPaths = new Set(documentLeafPaths(maximal));
    const unset = typeLeafPaths().filter((p) =>
      p.endsWith('.*') ? ![...docPaths].some((d) => d.startsWith(p.slice(0, -1))) : !docPaths.has(p));
    expect(unset).toEqual([]);
  });

  it('accepts the maximal document: every value fits its mapped type', () => {
    expect(mappingProblems(maximal, main)).toEqual([]);
  });

  it('reports unmapped fields, shape and type mismatches (the check can fail)', () => {
    const bad = structuredClone(maximal) as unknown as Record<string, any>;
    bad.mailverdict.spam.colour = 'red';
    bad.mailverdict.scl = 'five';
    bad.observer.vendor = { name: 'Kaspersky' };
    bad.mailverdict.gateways[0].extra = 1;
    bad.mailverdict.headers.anything = { nested: ['is fine'] };
    expect(mappingProblems(bad, main).sort()).toEqual([
      'mailverdict.gateways.extra: not mapped',
      'mailverdict.scl: string "five" does not fit mapped type integer',
      'mailverdict.spam.colour: not mapped',
      'observer.vendor: object in the document, mapped as keyword',
    ]);
  });

  it('types the contract fields as docs/document.md says', () => {
    expect(fields.get('@timestamp')).toBe('date');
    expect(fields.get('event.created')).toBe('date');
    expect(fields.get('event.ingested')).toBe('date');
    expect(fields.get('email.subject')).toBe('keyword');
    expect(fields.get('email.subject.text')).toBe('text');
    expect(fields.get('mailverdict.spam.score')).toBe('float');
    expect(fields.get('mailverdict.scl')).toBe('integer');
    expect(fields.get('mailverdict.origin.uid')).toBe('long');
    expect(fields.get('mailverdict.origin.uidvalidity')).toBe('long');
    expect(fields.get('mailverdict.headers')).toBe(DISABLED_OBJECT);
    expect(fields.get('mailverdict.gateways.headers')).toBe(DISABLED_OBJECT);
    for (const f of [
      'event.kind', 'event.category', 'event.type', 'event.dataset', 'observer.vendor', 'observer.product', 'observer.version',
      'observer.hostname', 'email.message_id', 'email.subject', 'email.from.address', 'email.to.address', 'email.sender.address',
      'mailverdict.spam.verdict', 'mailverdict.spam.scale', 'mailverdict.spam.method', 'mailverdict.spam.rules', 'mailverdict.scan.status',
      'mailverdict.auth.spf.result', 'mailverdict.auth.dkim.result', 'mailverdict.auth.dmarc.result', 'mailverdict.av.status',
      'mailverdict.phishing.status', 'mailverdict.links.status', 'mailverdict.sandbox.status', 'mailverdict.action.type',
      'mailverdict.action.module', 'mailverdict.rule_ids', 'mailverdict.blocklists', 'mailverdict.scl', 'mailverdict.origin.account',
      'mailverdict.origin.mailbox', 'mailverdict.parse.warnings', 'mailverdict.gateways.id', 'mailverdict.gateways.scan.status',
      // Per-gateway counting (issue 10): keyword arrays Lens can aggregate, never `nested`.
      'mailverdict.gateway_ids', 'mailverdict.gateway_nodes', 'mailverdict.spam.by_gateway', 'mailverdict.scan.by_gateway',
      'mailverdict.scan.by_gateway_node', 'mailverdict.av.by_gateway', 'email.direction', 'email.cc.address', 'event.action',
      'event.outcome', 'rule.id', 'rule.name', 'ecs.version', 'source.domain', 'email.attachments.file.name',
      'email.attachments.file.mime_type',
    ]) expect(isAggregatable(fields, f), f).toBe(true);
    expect(fields.get('observer.ip')).toBe('ip');
    expect(fields.get('source.ip')).toBe('ip');
    expect(fields.get('mailverdict.gateways.ip')).toBe('ip');
    expect(fields.get('email.attachments.file.size')).toBe('long');
    expect(fields.has('mailverdict.source.kind')).toBe(false);
    expect(JSON.stringify(main)).not.toContain('"nested"');
  });

  it('gives every keyword an ignore_above, so an oversized value is not a rejected document', () => {
    const noCap: string[] = [];
    const walk = (props: Record<string, FieldMapping & { ignore_above?: number }>, prefix: string): void => {
      for (const [k, m] of Object.entries(props)) {
        if (m.properties) walk(m.properties, `${prefix}${k}.`);
        else if (m.type === 'keyword' && !(m.ignore_above && m.ignore_above <= 8191)) noCap.push(prefix + k);
      }
    };
    walk(main.template.mappings.properties ?? {}, '');
    expect(noCap).toEqual([]);
    expect(fields.size).toBeGreaterThan(100);
  });
});

describe.each([
  ['mailverdict-template.json', main],
  ['dead-letter-template.json', deadLetter],
  ['alerts-template.json', alerts],
])('%s', (_name, template) => {
  it('is strict at the root and on every object that is not disabled', () => {
    expect(template.template.mappings.dynamic).toBe('strict');
    const loose = objectMappings(template.template.mappings.properties ?? {}).filter(([, m]) => m.dynamic !== 'strict').map(([p]) => p);
    expect(loose).toEqual([]);
  });

  it('has one shard and a priority above the built-in templates', () => {
    expect(template.template.settings).toMatchObject({ index: { number_of_shards: 1 } });
    expect(template.priority).toBeGreaterThan(100);
  });
});

describe('index patterns', () => {
  const all = { main, deadLetter, alerts };
  const owner = (index: string): string[] =>
    Object.entries(all).filter(([, t]) => t.index_patterns.some((p) => globMatches(p, index))).map(([k]) => k);

  it('route each index to exactly one template', () => {
    expect(owner('mailverdict-2024.05')).toEqual(['main']);
    expect(owner('mailverdict-2031.12')).toEqual(['main']);
    expect(owner('mailverdict-deadletter')).toEqual(['deadLetter']);
    expect(owner('mailverdict-deadletter-2024.05')).toEqual(['deadLetter']);
    expect(owner('mailverdict-alerts')).toEqual(['alerts']);
    expect(owner('mailverdict-alerts-2024.05')).toEqual(['alerts']);
    expect(owner('other-2024.05')).toEqual([]);
  });

  it('maps what the dead-letter and alert writers need', () => {
    const dl = mappedLeafFields(deadLetter);
    expect(dl.get('@timestamp')).toBe('date');
    expect(dl.get('reason')).toBe('keyword');
    expect(dl.get('status')).toBe('integer');
    expect(dl.get('error.type')).toBe('keyword');
    expect(dl.get('document_id')).toBe('keyword');
    expect(dl.get('raw_headers')).toBe('text');
    expect(deadLetter.template.mappings.properties?.raw_headers?.index).toBe(false);
    expect(dl.get('source.path')).toBe('keyword');
    const al = mappedLeafFields(alerts);
    for (const f of ['rule', 'gateway', 'state', 'alert_id']) expect(isAggregatable(al, f), f).toBe(true);
    expect(al.get('share')).toBe('float');
    expect(al.get('baseline')).toBe('float');
    expect(al.get('count')).toBe('long');
    expect(al.get('message')).toBe('text');
  });
});
