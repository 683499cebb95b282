import { readFileSync, readdirSync } from 'node:fs';
import { describe, expect, it } from 'vitest';
import { NDJSON_PATH, renderNdjson } from '../../../dashboards/generate.js';
import { fieldProblems, type NamedTemplate } from '../../../src/kibana/dashboard-checks.js';
import { allPanelRequests } from '../../../src/kibana/panel-requests.js';
import { dashboardControls, dashboardPanels, luceneFields, parseNdjson, referenceProblems } from '../../../src/kibana/saved-objects.js';

const text = readFileSync(NDJSON_PATH, 'utf8');
const mappingsDir = new URL('../../../mappings/', import.meta.url);
const templates: NamedTemplate[] = readdirSync(mappingsDir).filter((f) => f.endsWith('.json'))
  .map((f) => ({ name: f, body: JSON.parse(readFileSync(new URL(f, mappingsDir), 'utf8')) as NamedTemplate['body'] }));

describe('dashboards/mailverdict.ndjson', () => {
  const objects = parseNdjson(text);

  it('is exactly what dashboards/generate.ts produces (run `npx tsx dashboards/generate.ts` after editing it)', () => {
    expect(text).toBe(renderNdjson());
  });

  it('parses: one saved object per line, the data views, the two dashboards', () => {
    expect(objects.length).toBeGreaterThan(20);
    expect(objects.filter((o) => o.type === 'index-pattern').map((o) => o.attributes['title'])).toEqual(['mailverdict-2*', 'mailverdict-alerts*', 'mailverdict-deadletter*']);
    expect(objects.filter((o) => o.type === 'dashboard').map((o) => o.attributes['title'])).toEqual(['Mail gateway verdicts', 'mailverdict pipeline health']);
    expect(() => parseNdjson('{"id":"x"}\n')).toThrow(/line 1/);
    expect(() => parseNdjson('{not json\n')).toThrow(/line 1: not JSON/);
  });

  it('every reference resolves, and a dangling one is reported', () => {
    expect(referenceProblems(objects)).toEqual([]);
    const broken = parseNdjson(text.replace('"id":"mailverdict-top-rules"', '"id":"mailverdict-top-rulez"'));
    expect(referenceProblems(broken)).toEqual(['dashboard:mailverdict-overview: reference p11:panel_p11 → lens:mailverdict-top-rules does not exist']);
  });

  it('the overview has the panels the issue lists and filters by gateway, product and mailbox', () => {
    const main = objects.find((o) => o.id === 'mailverdict-overview');
    if (main === undefined) throw new Error('no overview dashboard');
    const titles = main.references.filter((r) => r.name.includes(':panel_')).map((r) => objects.find((o) => o.id === r.id)?.attributes['title']);
    expect(titles).toEqual([
      'Messages by spam verdict', 'Scan status over time (line: timeout + fallback + error)', 'Share of incomplete scans per gateway',
      'Spam score distribution per product (each on its own scale)', 'SPF results', 'DKIM results', 'DMARC results',
      'Anti-virus status', 'Phishing status', 'Link scanning status', 'Top fired rules', 'Top blocklists',
      'Top envelope-sender domains among spam', 'Recent incomplete scans', 'Alerts fired', 'Alert history',
    ]);
    expect(dashboardPanels(main)).toHaveLength(16);
    expect(dashboardControls(main).map((c) => c.fieldName)).toEqual(['mailverdict.gateway', 'observer.hostname', 'observer.product', 'mailverdict.origin.mailbox']);
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
});
