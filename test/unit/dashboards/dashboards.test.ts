import { readFileSync, readdirSync } from 'node:fs';
import { describe, expect, it } from 'vitest';
import { NDJSON_PATH, renderNdjson } from '../../../dashboards/generate.js';
import { fieldProblems, mixedScaleProblems, nonKqlProblems, type NamedTemplate } from '../../../src/kibana/dashboard-checks.js';
import { withIndexPrefix } from '../../../src/kibana/import-saved-objects.js';
import { kqlFields, kqlToDsl } from '../../../src/kibana/kql.js';
import { allPanelRequests } from '../../../src/kibana/panel-requests.js';
import { dashboardControls, dashboardPanels, lensLayers, luceneFields, parseNdjson, referenceProblems } from '../../../src/kibana/saved-objects.js';

const text = readFileSync(NDJSON_PATH, 'utf8');
const mappingsDir = new URL('../../../mappings/', import.meta.url);
const templates: NamedTemplate[] = readdirSync(mappingsDir).filter((f) => f.endsWith('.json'))
  .map((f) => ({ name: f, body: JSON.parse(readFileSync(new URL(f, mappingsDir), 'utf8')) as NamedTemplate['body'] }));

describe('dashboards/mailverdict.ndjson', () => {
  const objects = parseNdjson(text);

  it('is exactly what dashboards/generate.ts produces (run `npx tsx dashboards/generate.ts` after editing it)', () => {
    expect(text).toBe(renderNdjson());
  });

  it('parses: one saved object per line, the data views, the three dashboards', () => {
    expect(objects.length).toBeGreaterThan(20);
    expect(objects.filter((o) => o.type === 'index-pattern').map((o) => o.attributes['title'])).toEqual(['mailverdict-2*', 'mailverdict-alerts*', 'mailverdict-deadletter*']);
    expect(objects.filter((o) => o.type === 'dashboard').map((o) => o.attributes['title'])).toEqual(['Mail gateway verdicts', 'Gateway logs and message trails', 'mailverdict pipeline health']);
    expect(() => parseNdjson('{"id":"x"}\n')).toThrow(/line 1/);
    expect(() => parseNdjson('{not json\n')).toThrow(/line 1: not JSON/);
  });

  it('every reference resolves, and a dangling one is reported', () => {
    expect(referenceProblems(objects)).toEqual([]);
    const broken = parseNdjson(text.replace('"id":"mailverdict-top-rules"', '"id":"mailverdict-top-rulez"'));
    expect(referenceProblems(broken)).toEqual(['dashboard:mailverdict-overview: reference p18:panel_p18 → lens:mailverdict-top-rules does not exist']);
  });

  it('the overview has the panels the issue lists and filters by gateway, gateway host and mailbox', () => {
    const main = objects.find((o) => o.id === 'mailverdict-overview');
    if (main === undefined) throw new Error('no overview dashboard');
    const titles = main.references.filter((r) => r.name.includes(':panel_')).map((r) => objects.find((o) => o.id === r.id)?.attributes['title']);
    expect(titles).toEqual([
      'Messages by spam verdict', 'Scan status over time (line: timeout + fallback + error)',
      'Spam rate (%) per gateway (spam or blocklisted, of the messages it gave a verdict)',
      'Incomplete scans (%) per gateway (timeout, fallback, error, of the messages it stamped)',
      'Messages per gateway (each gateway that stamped them)', 'Scan status per gateway node (each node over the messages it stamped, by its own status)',
      'Incomplete scans per gateway node',
      'Spam score: Kaspersky spam rate (0–100)', 'Spam score: Microsoft SCL (−1–9)', 'Spam score: SpamAssassin points', 'Spam score: rspamd points',
      'SPF results', 'DKIM results', 'DMARC results',
      'Anti-virus status', 'Phishing status', 'Link scanning status', 'Top fired rules', 'Top blocklists',
      'Top envelope-sender domains among spam', 'Recent incomplete scans', 'Alerts fired', 'Alert history',
    ]);
    expect(dashboardPanels(main)).toHaveLength(23);
    expect(dashboardControls(main).map((c) => c.fieldName)).toEqual(['mailverdict.gateway_ids', 'observer.hostname', 'mailverdict.origin.mailbox']);
  });

  it('the gateway-logs dashboard shows both sources, log events per family and kind, incomplete scans from logs and the message trail', () => {
    const logs = objects.find((o) => o.id === 'mailverdict-gateway-logs');
    if (logs === undefined) throw new Error('no gateway-logs dashboard');
    const ids = logs.references.filter((r) => r.name.includes(':panel_')).map((r) => r.id);
    expect(ids).toEqual(['mailverdict-documents-by-source', 'mailverdict-log-incomplete-over-time', 'mailverdict-log-events-by-kind', 'mailverdict-incomplete-by-source', 'mailverdict-message-trail']);
    expect(dashboardControls(logs).map((c) => c.fieldName)).toEqual(['mailverdict.gateway', 'observer.hostname', 'mailverdict.log.family']);
    // The source split: one bucket per dataset, labelled for people.
    const layer = (id: string) => Object.values(lensLayers(objects.find((o) => o.id === id) as never))[0];
    const split = layer('mailverdict-documents-by-source')?.columns['split'] as unknown as { operationType: string; params: { filters: { label: string; input: { query: string } }[] } };
    expect(split.operationType).toBe('filters');
    expect(split.params.filters.map((f) => [f.label, f.input.query])).toEqual([
      ['message headers', 'event.dataset : "mailverdict.message"'], ['gateway logs', 'event.dataset : "mailverdict.log"'],
    ]);
    const requests = allPanelRequests(objects, { timeRange: { from: 'now-1d', to: 'now' } });
    const fields = (name: string): string[] => requests.find((r) => r.name === name)?.fields ?? [];
    expect(fields('lens:mailverdict-log-events-by-kind/layer1')).toEqual(expect.arrayContaining(['mailverdict.log.family', 'mailverdict.log.kind', 'event.dataset']));
    expect(fields('lens:mailverdict-log-incomplete-over-time/layer1')).toEqual(expect.arrayContaining(['event.dataset', 'mailverdict.scan.status']));
    // The trail: every document that has a Message-ID, oldest first, with the columns that tell the steps apart.
    const trail = objects.find((o) => o.id === 'mailverdict-message-trail');
    expect(trail?.attributes['sort']).toEqual([['@timestamp', 'asc']]);
    expect(trail?.attributes['columns']).toEqual(expect.arrayContaining([
      'event.dataset', 'mailverdict.log.family', 'observer.hostname', 'mailverdict.scan.status', 'mailverdict.action.type', 'email.message_id',
    ]));
    expect(fields('search:mailverdict-message-trail')).toContain('email.message_id');
  });

  it('every field a panel or control uses is mapped, and aggregated fields are aggregatable', () => {
    const requests = allPanelRequests(objects, { timeRange: { from: 'now-1d', to: 'now' } });
    expect(requests.length).toBeGreaterThan(20);
    expect(new Set(requests.flatMap((r) => r.fields))).toContain('mailverdict.scan.status');
    expect(fieldProblems(objects, templates)).toEqual([]);
  });

  it('a renamed field fails the check (in an aggregation, in a query string, in a saved-search column)', () => {
    const renamed = parseNdjson(text.replaceAll('mailverdict.scan.status', 'mailverdict.scan.state'));
    const problems = fieldProblems(renamed, templates);
    expect(problems).toContain('lens:mailverdict-scan-status-over-time/layer1: field mailverdict.scan.state is not mapped in mailverdict-template.json');
    expect(problems).toContain('lens:mailverdict-scan-status-over-time/layer2: field mailverdict.scan.state is not mapped in mailverdict-template.json');
    expect(problems).toContain('search:mailverdict-recent-incomplete-scans: field mailverdict.scan.state is not mapped in mailverdict-template.json');
    const subject = fieldProblems(parseNdjson(text.replace('"sourceField":"mailverdict.spam.rules"', '"sourceField":"email.subject.text"')), templates);
    expect(subject).toEqual(['lens:mailverdict-top-rules/layer1: field email.subject.text (text) is not aggregatable']);
  });

  it('reads field names out of Lucene query strings', () => {
    expect(luceneFields('mailverdict.scan.status:(timeout OR fallback) AND NOT observer.product:KSMG _exists_:email.sender.address')).toEqual(
      ['mailverdict.scan.status', 'observer.product', 'email.sender.address']);
  });

  it('saves KQL everywhere, so the query bar opens in KQL like the README and the demo teach (issue 17.3)', () => {
    expect(nonKqlProblems(objects)).toEqual([]);
    const lucene = parseNdjson(text.replaceAll('"language":"kuery"', '"language":"lucene"').replaceAll('\\"language\\":\\"kuery\\"', '\\"language\\":\\"lucene\\"'));
    const problems = nonKqlProblems(lucene);
    expect(problems).toContain('lens:mailverdict-incomplete-by-gateway-node: query saved in lucene, not KQL');
    expect(problems).toContain('search:mailverdict-recent-incomplete-scans: query saved in lucene, not KQL');
    expect(problems).toContain('dashboard:mailverdict-overview: query saved in lucene, not KQL');
  });

  it('never charts spam scores of different scales on one axis (issue 17.2)', () => {
    expect(mixedScaleProblems(objects)).toEqual([]);
    const scorePanels = objects.filter((o) => o.id.startsWith('mailverdict-spam-score-'));
    expect(scorePanels).toHaveLength(4);
    // The pre-17 panel: every product's score on one histogram.
    const mixed = parseNdjson(text.replace('"query":"mailverdict.spam.scale : \\"kaspersky_rate_0_100\\""', '"query":""'));
    expect(mixedScaleProblems(mixed)).toEqual([
      'lens:mailverdict-spam-score-kaspersky-rate-0-100/layer1: charts mailverdict.spam.score of every scale on one axis (limit the query to one mailverdict.spam.scale or split by it)',
    ]);
  });

  it('per-gateway panels bucket on a gateway field and open Discover filtered on the clicked gateway (issue 10.6)', () => {
    const main = objects.find((o) => o.id === 'mailverdict-overview');
    if (main === undefined) throw new Error('no overview dashboard');
    const panels = JSON.parse(String(main.attributes['panelsJSON'])) as { panelIndex: string; embeddableConfig: { enhancements: { dynamicActions?: { events: { triggers: string[]; action: { factoryId: string } }[] } } } }[];
    const withDiscover = panels.filter((p) => p.embeddableConfig.enhancements.dynamicActions?.events.some((e) => e.action.factoryId === 'OPEN_IN_DISCOVER_DRILLDOWN' && e.triggers.includes('FILTER_TRIGGER')));
    const ids = withDiscover.map((p) => main.references.find((r) => r.name === `${p.panelIndex}:panel_${p.panelIndex}`)?.id);
    expect(ids).toEqual(['mailverdict-messages-by-gateway', 'mailverdict-scan-status-by-gateway-node', 'mailverdict-incomplete-by-gateway-node']);
    for (const id of ids) {
      const lens = objects.find((o) => o.id === id);
      const fields = Object.values(lensLayers(lens as never)).flatMap((l) => Object.values(l.columns).filter((c) => c.isBucketed).map((c) => c.sourceField));
      expect(fields.some((f) => f === 'mailverdict.gateway_ids' || f === 'mailverdict.scan.by_gateway_node')).toBe(true);
    }
  });

  it('derives every saved-object id from the index prefix, so two prefixes live in one Kibana space (issue 10.6)', () => {
    const a = parseNdjson(withIndexPrefix(text, 'mail-a'));
    const b = parseNdjson(withIndexPrefix(text, 'mail-b'));
    const ids = (set: typeof a): string[] => set.map((o) => `${o.type}:${o.id}`);
    expect(ids(a).filter((id) => ids(b).includes(id) || ids(objects).includes(id))).toEqual([]);
    expect(referenceProblems(a)).toEqual([]);
    expect(a.every((o) => o.id.startsWith('mail-a-') && o.references.every((r) => r.id.startsWith('mail-a-')))).toBe(true);
    expect(a.filter((o) => o.type === 'dashboard').map((o) => o.attributes['title'])).toEqual(['Mail gateway verdicts (mail-a)', 'Gateway logs and message trails (mail-a)', 'mailverdict pipeline health (mail-a)']);
    expect(withIndexPrefix(text, 'mailverdict')).toBe(text);
  });
});

describe('KQL subset of the dashboards', () => {
  it('translates like Kibana: match, match_phrase, wildcard, exists, and/or/not, grouped values', () => {
    expect(kqlToDsl('mailverdict.scan.status : (timeout or fallback)')).toEqual({ bool: { should: [
      { match: { 'mailverdict.scan.status': 'timeout' } }, { match: { 'mailverdict.scan.status': 'fallback' } }], minimum_should_match: 1 } });
    expect(kqlToDsl('a : "x y" and not b : *')).toEqual({ bool: { filter: [{ match_phrase: { a: 'x y' } }, { bool: { must_not: [{ exists: { field: 'b' } }] } }] } });
    expect(kqlToDsl('n : *\\:timeout')).toEqual({ wildcard: { n: { value: '*:timeout' } } });
    expect(kqlToDsl('')).toBeUndefined();
    expect(kqlFields('a : 1 or (b : 2 and not c : "x")')).toEqual(['a', 'b', 'c']);
    expect(() => kqlToDsl('bytes > 10')).toThrow(/KQL/);
    expect(() => kqlToDsl('a : (x')).toThrow(/KQL/);
  });
});
