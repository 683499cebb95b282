// Every dashboard panel's query, translated to the Elasticsearch request Kibana would send, runs against the real
// Elasticsearch on documents parsed from the fixture messages (indexed under the real templates from mappings/)
// and returns data. Kibana is not available here; this is how a panel that would stay empty is caught.
import { readFileSync, readdirSync } from 'node:fs';
import { Client } from '@elastic/elasticsearch';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { NDJSON_PATH } from '../../dashboards/generate.js';
import { defaultAlertConfig } from '../../src/alerts/alert-config.js';
import { gatewayNodeFields } from '../../src/alerts/alert-event.js';
import { AlertStore } from '../../src/alerts/alert-store.js';
import { buildKibanaRules } from '../../src/kibana/alert-rules.js';
import { allPanelRequests, responseProblems, withControlFilter, type PanelRequest, type PanelRequestOptions } from '../../src/kibana/panel-requests.js';
import { dashboardControls, parseNdjson } from '../../src/kibana/saved-objects.js';
import { parseLogInput } from '../../src/parse/parse-log.js';
import { parseMessage } from '../../src/parse/parse-message.js';
import { withContractFields } from '../support/contract-fields.js';
import { serviceSettings, uniqueName } from '../support/services.js';

const FIXTURES = new URL('../fixtures/', import.meta.url);
const LOG_FIXTURES = new URL('../fixtures/logs/', import.meta.url);
/** When the log fixtures are read: resolves their year-less syslog dates. */
const LOGS_READ_AT = new Date('2026-06-02T00:00:00Z');
/** A quarantined fixture message whose KSMG also logged it: its header document and log events form one trail. */
const TRAIL_MESSAGE_ID = 'deck@sender.example.net';
const CEF = 'CEF:0|AO Kaspersky Lab|Kaspersky Secure Mail Gateway|2.1.0.1234';

function trailLines(headerTimestamp: string): string[] {
  const rt = Date.parse(headerTimestamp);
  const who = `cs1Label=MessageId cs1=<${TRAIL_MESSAGE_ID}> src=198.51.100.7 suser=news@sender.example.net duser=user@example.com`;
  return [
    `<134>1 ${new Date(rt + 1000).toISOString()} gw1.example.com KSMG - - - ${CEF}|LMS_EV_SCAN_LOGIC_AS_STATUS|Anti-Spam status|5|${who} rt=${rt + 1000} act=Skipped outcome=NotScanned reason=timeout expired`,
    `<134>1 ${new Date(rt + 2000).toISOString()} gw1.example.com KSMG - - - ${CEF}|LMS_EV_SCAN_LOGIC_AV_STATUS|Anti-Virus status|5|${who} rt=${rt + 2000} act=Skipped outcome=NotDetected`,
  ];
}

function template(file: string, pattern: string): Record<string, unknown> {
  const t = JSON.parse(readFileSync(new URL(`../../mappings/${file}`, import.meta.url), 'utf8')) as Record<string, unknown>;
  return { ...t, index_patterns: [pattern] };
}

describe('dashboard panels on fixture data (real Elasticsearch)', () => {
  const client = new Client({ node: serviceSettings().esUrl });
  const prefix = uniqueName('it-dash');
  const objects = parseNdjson(readFileSync(NDJSON_PATH, 'utf8'));
  let options: PanelRequestOptions;
  let indexed = 0;
  let logEvents = 0;

  const run = async (requests: PanelRequest[]): Promise<string[]> => {
    const problems: string[] = [];
    for (const req of requests) {
      try {
        const response = await client.search({ index: req.index, ignore_unavailable: false, allow_no_indices: false, ...req.body });
        problems.push(...responseProblems(req, response));
      } catch (err) {
        problems.push(`${req.name}: ${(err as Error).message.slice(0, 300)}`);
      }
    }
    return problems;
  };

  beforeAll(async () => {
    const templates: [string, string][] = [['mailverdict-template.json', '2*'], ['alerts-template.json', 'alerts*'], ['dead-letter-template.json', 'deadletter*']];
    for (const [file, suffix] of templates) {
      await client.indices.putIndexTemplate({ name: `${prefix}-${suffix.replace('*', '')}`, ...template(file, `${prefix}-${suffix}`) } as never);
    }
    const operations: unknown[] = [];
    for (const dir of readdirSync(FIXTURES, { withFileTypes: true }).filter((d) => d.isDirectory())) {
      const files = readdirSync(new URL(`${dir.name}/`, FIXTURES)).filter((f) => f.endsWith('.eml')).sort();
      files.forEach((f, i) => {
        const parsed = parseMessage(readFileSync(new URL(`${dir.name}/${f}`, FIXTURES)), {
          origin: { kind: 'imap', account: 'quarantine', mailbox: dir.name, uidvalidity: 1, uid: i + 1 },
        });
        const month = parsed.document['@timestamp'].slice(0, 7).replace('-', '.');
        operations.push({ index: { _index: `${prefix}-${month}`, _id: parsed.id } }, withContractFields(parsed.document));
      });
    }
    // Gateway log events: every fixture log line that is a per-message event, and the trail message's KSMG events.
    const trailHeader = (operations as { mailverdict?: unknown; email?: { message_id?: string }; '@timestamp'?: string }[])
      .find((d) => d.email?.message_id === TRAIL_MESSAGE_ID)?.['@timestamp'];
    if (trailHeader === undefined) throw new Error(`no fixture message ${TRAIL_MESSAGE_ID}`);
    const logLines = readdirSync(LOG_FIXTURES, { withFileTypes: true }).filter((d) => d.isDirectory()).flatMap((d) =>
      readdirSync(new URL(`${d.name}/`, LOG_FIXTURES)).filter((f) => f.endsWith('.log')).sort()
        .flatMap((f) => readFileSync(new URL(`${d.name}/${f}`, LOG_FIXTURES), 'utf8').split('\n').filter((l) => l !== '' && !l.startsWith('#'))));
    for (const raw of [...logLines, ...trailLines(trailHeader)]) {
      const r = parseLogInput({ raw, now: LOGS_READ_AT });
      if (r.type !== 'event') continue;
      const month = r.parsed.document['@timestamp'].slice(0, 7).replace('-', '.');
      operations.push({ create: { _index: `${prefix}-${month}`, _id: r.parsed.id } }, r.parsed.document);
      logEvents++;
    }
    const bulk = await client.bulk({ operations, refresh: 'wait_for' });
    const rejected = bulk.items.map((i) => i.index ?? i.create).filter((i) => i?.error !== undefined).map((i) => `${i?._id}: ${i?.error?.reason}`);
    expect(rejected).toEqual([]);
    indexed = bulk.items.length;

    const store = new AlertStore(client, `${prefix}-alerts`);
    const alert = {
      '@timestamp': '2025-04-08T08:15:00.000Z', alert_id: 'scan-incomplete:ksmg@gw2.example.com:2025-04-08T08:15:00.000Z', rule: 'scan-incomplete',
      gateway: 'ksmg@gw2.example.com', count: 12, total: 30, share: 0.4, baseline: 0.01, statuses: ['timeout', 'fallback', 'error'], message: 'spike',
      ...gatewayNodeFields('ksmg@gw2.example.com'),
    };
    await store.record({ ...alert, state: 'fired' });
    await store.record({ ...alert, '@timestamp': '2025-04-08T09:00:00.000Z', state: 'resolved' });
    await store.record({
      '@timestamp': '2025-04-08T10:00:00.000Z', alert_id: 'collector-silent:quarantine/kaspersky:never', rule: 'collector-silent', gateway: 'quarantine/kaspersky',
      state: 'fired', account: 'quarantine', mailbox: 'kaspersky', mailverdict: { origin: { account: 'quarantine', mailbox: 'kaspersky' } }, message: 'silent',
    });
    await client.index({
      index: `${prefix}-deadletter`, refresh: 'wait_for',
      document: {
        '@timestamp': '2025-04-08T08:20:00.000Z', reason: 'failed to parse field [mailverdict.scl]', stage: 'indexing', status: 400,
        error: { type: 'document_parsing_exception', message: 'failed to parse field [mailverdict.scl] of type [integer]' },
        document_id: 'abc', index: `${prefix}-2025.04`, source: { kind: 'imap', account: 'quarantine', mailbox: 'INBOX', uidvalidity: 1, uid: 7 },
        raw_headers: 'X-MS-Exchange-Organization-SCL: high\r\n', document: { mailverdict: { scl: 'high' } },
      },
    });

    const stats = await client.search({ index: `${prefix}-2*`, size: 0, aggs: { s: { stats: { field: 'mailverdict.spam.score' } } } });
    const s = (stats.aggregations as { s: { min: number; max: number } }).s;
    options = {
      timeRange: { from: '2000-01-01T00:00:00Z', to: '2100-01-01T00:00:00Z' },
      histogramInterval: () => Math.max((s.max - s.min) / 50, 0.01),
      indexFor: (title) => title.replace(/^mailverdict-/, `${prefix}-`),
    };
  });

  afterAll(async () => {
    await client.indices.delete({ index: `${prefix}-*`, ignore_unavailable: true, allow_no_indices: true });
    for (const suffix of ['2', 'alerts', 'deadletter']) await client.indices.deleteIndexTemplate({ name: `${prefix}-${suffix}` }).catch(() => undefined);
    await client.close();
  });

  it('indexed every fixture message and log event under the strict template', () => {
    expect(indexed - logEvents).toBeGreaterThan(100);
    expect(logEvents).toBeGreaterThan(20);
  });

  it('the source panel splits message headers from gateway logs, and the log panels count the log events', async () => {
    const requests = allPanelRequests(objects, options);
    const aggs = async (name: string): Promise<Record<string, unknown>> => {
      const req = requests.find((r) => r.name === name);
      if (req === undefined) throw new Error(`no panel request ${name}`);
      return (await client.search({ index: req.index, ...req.body })).aggregations as Record<string, unknown>;
    };
    // The date histogram's buckets, each split by the two source filters: summed over time.
    const bySource = (await aggs('lens:mailverdict-documents-by-source/layer1'))['x'] as { buckets: { split: { buckets: Record<string, { doc_count: number }> } }[] };
    const sum = (label: string): number => bySource.buckets.reduce((n, b) => n + (b.split.buckets[label]?.doc_count ?? 0), 0);
    expect([sum('message headers'), sum('gateway logs')]).toEqual([indexed - logEvents, logEvents]);
    const kinds = (await aggs('lens:mailverdict-log-events-by-kind/layer1'))['x'] as { buckets: { doc_count: number }[]; sum_other_doc_count: number };
    expect(kinds.buckets.reduce((n, b) => n + b.doc_count, 0) + kinds.sum_other_doc_count).toBe(logEvents);
  });

  it('the message trail shows the header document of a message and its gateway log events in order', async () => {
    const trail = allPanelRequests(objects, options).find((r) => r.name === 'search:mailverdict-message-trail');
    if (trail === undefined) throw new Error('no message trail search');
    // As the description says: a filter on one Message-ID.
    const one = withControlFilter(trail, 'email.message_id', [TRAIL_MESSAGE_ID]);
    const hits = (await client.search({ index: one.index, ...one.body })).hits.hits;
    const rows = hits.map((h) => {
      const f = h.fields as Record<string, string[]>;
      return [f['event.dataset']?.[0], f['mailverdict.log.kind']?.[0], f['observer.hostname']?.[0], f['mailverdict.scan.status']?.[0]];
    });
    expect(rows).toEqual([
      // This fixture's headers do not name KSMG's host; its log events do.
      ['mailverdict.message', undefined, undefined, 'timeout'],
      ['mailverdict.log', 'LMS_EV_SCAN_LOGIC_AS_STATUS', 'gw1.example.com', 'timeout'],
      ['mailverdict.log', 'LMS_EV_SCAN_LOGIC_AV_STATUS', 'gw1.example.com', undefined],
    ]);
  });

  it('every Lens layer, saved search and control returns buckets / hits', async () => {
    const requests = allPanelRequests(objects, options);
    expect(requests.length).toBeGreaterThan(20);
    expect(await run(requests)).toEqual([]);
  });

  it('the incomplete-scan line and table find the timeout and fallback fixtures', async () => {
    const [line] = allPanelRequests(objects, options).filter((r) => r.name === 'lens:mailverdict-scan-status-over-time/layer2');
    if (line === undefined) throw new Error('no incomplete-scan layer');
    const response = await client.search({ index: line.index, ...line.body });
    expect((response.hits.total as { value: number }).value).toBe(indexed);
    const table = allPanelRequests(objects, options).find((r) => r.name === 'search:mailverdict-recent-incomplete-scans');
    if (table === undefined) throw new Error('no incomplete table');
    const hits = await client.search({ index: table.index, ...table.body });
    const statuses = hits.hits.hits.map((h) => (h.fields as Record<string, string[]>)['mailverdict.scan.status']?.[0]);
    expect(new Set(statuses)).toEqual(new Set(['timeout', 'fallback', 'error']));
  });

  it('the Kibana .es-query rule groups like the alerter, by gateway and host, as Kibana groups several fields (issue 17.4)', async () => {
    const rulePrefix = `${prefix}-k`;
    const [rule] = buildKibanaRules(defaultAlertConfig(), rulePrefix);
    if (rule === undefined) throw new Error('no rule');
    const p = rule.params as { index: string[]; esQuery: string; termField: string[]; termSize: number };
    expect(p.termField).toEqual(['mailverdict.gateway', 'observer.hostname']);
    const mappings = (template('mailverdict-template.json', `${rulePrefix}-2*`) as { template: { mappings: object } }).template.mappings;
    await client.indices.create({ index: `${rulePrefix}-2099.01`, mappings });
    const doc = (host: string, status: string): object => ({
      '@timestamp': '2099-01-01T10:00:00Z', observer: { hostname: host }, mailverdict: { gateway: 'ksmg', scan: { status } },
    });
    const operations = [doc('gw1.example.com', 'timeout'), doc('gw2.example.com', 'timeout'), doc('gw2.example.com', 'fallback'), doc('gw2.example.com', 'complete')]
      .flatMap((d) => [{ index: { _index: `${rulePrefix}-2099.01` } }, d]);
    await client.bulk({ operations, refresh: 'wait_for' });
    // Several group-by fields: Kibana sends a multi_terms aggregation over them. multi_terms belongs to the
    // x-pack analytics module, which the test distribution of Elasticsearch lacks; a composite aggregation without
    // missing buckets groups the same documents under the same keys.
    const response = await client.search({
      index: p.index, ...(JSON.parse(p.esQuery) as object), size: 0,
      aggs: { groupAgg: { composite: { size: p.termSize, sources: p.termField.map((field, i) => ({ [`t${i}`]: { terms: { field } } })) } } },
    });
    const buckets = (response.aggregations as { groupAgg: { buckets: { key: Record<string, string>; doc_count: number }[] } }).groupAgg.buckets;
    expect(buckets.map((b) => [...Object.values(b.key), b.doc_count])).toEqual([['ksmg', 'gw1.example.com', 1], ['ksmg', 'gw2.example.com', 2]]);
  });

  it('a renamed field makes its panels come back empty against the real data', async () => {
    const renamed = parseNdjson(readFileSync(NDJSON_PATH, 'utf8').replaceAll('mailverdict.spam.verdict', 'mailverdict.spam.verdikt'));
    const problems = await run(allPanelRequests(renamed, options).filter((r) => r.fields.includes('mailverdict.spam.verdikt')));
    expect(problems).toContain('lens:mailverdict-verdicts-over-time/layer1: split returned no data');
    expect(problems).toContain('lens:mailverdict-top-spam-senders/layer1: x returned no data');
  });

  it('a value chosen in any overview control keeps the alerts of that gateway, host or mailbox in the alert panels (issue 17.1)', async () => {
    const overview = objects.find((o) => o.id === 'mailverdict-overview');
    if (overview === undefined) throw new Error('no overview');
    const alertPanels = allPanelRequests(objects, options).filter((r) => r.index === `${prefix}-alerts*`);
    expect(alertPanels.map((r) => r.name)).toEqual(['lens:mailverdict-alerts-over-time/layer1', 'search:mailverdict-alert-history']);
    const chosen: Record<string, string> = {
      'mailverdict.gateway_ids': 'ksmg', 'observer.hostname': 'gw2.example.com', 'mailverdict.origin.mailbox': 'kaspersky',
    };
    const controls = dashboardControls(overview).map((c) => c.fieldName);
    expect(controls.sort()).toEqual(Object.keys(chosen).sort());
    for (const field of controls) {
      const problems = await run(alertPanels.map((r) => withControlFilter(r, field, [chosen[field] as string])));
      expect(problems, field).toEqual([]);
    }
    // A value no alert has empties them: the filter is applied, not ignored.
    expect(await run(alertPanels.map((r) => withControlFilter(r, 'observer.hostname', ['gw9.example.com'])))).toEqual([
      'lens:mailverdict-alerts-over-time/layer1: x returned no data', 'lens:mailverdict-alerts-over-time/layer1: split returned no data',
      'search:mailverdict-alert-history: no hits',
    ]);
  });
});
