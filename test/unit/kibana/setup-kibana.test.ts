// `setup --kibana` against a local stand-in that records what a Kibana 8.x would receive (Kibana itself cannot
// run here): the import API call (multipart, overwrite, kbn-xsrf, credentials) and the rule create/update calls.
import { readFileSync } from 'node:fs';
import { createServer, type IncomingHttpHeaders, type Server } from 'node:http';
import type { AddressInfo } from 'node:net';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { defaultAlertConfig } from '../../../src/alerts/alert-config.js';
import { buildKibanaRules, ruleId, serverLogConnectorId } from '../../../src/kibana/alert-rules.js';
import { withIndexPrefix } from '../../../src/kibana/import-saved-objects.js';
import { KibanaError } from '../../../src/kibana/kibana-client.js';
import { parseNdjson } from '../../../src/kibana/saved-objects.js';
import { DASHBOARDS_FILE, setupKibana } from '../../../src/kibana/setup-kibana.js';

interface Seen { method: string; url: string; headers: IncomingHttpHeaders; body: string }

describe('setupKibana (against a recording stand-in for the Kibana API)', () => {
  const seen: Seen[] = [];
  const rules = new Set<string>();
  const connectors = new Set<string>();
  let failImport = false;
  let server: Server;
  let url = '';

  beforeAll(async () => {
    server = createServer((req, res) => {
      const chunks: Buffer[] = [];
      req.on('data', (c: Buffer) => chunks.push(c));
      req.on('end', () => {
        const body = Buffer.concat(chunks).toString('utf8');
        seen.push({ method: req.method ?? '', url: req.url ?? '', headers: req.headers, body });
        res.setHeader('content-type', 'application/json');
        if (req.headers['kbn-xsrf'] === undefined) {
          res.statusCode = 400;
          res.end(JSON.stringify({ statusCode: 400, error: 'Bad Request', message: 'Request must contain a kbn-xsrf header.' }));
          return;
        }
        if (req.url?.startsWith('/s/ops/api/saved_objects/_import')) {
          const lines = body.split('\r\n\r\n')[1]?.split('\r\n--')[0]?.split('\n').filter((l) => l.trim() !== '') ?? [];
          res.end(JSON.stringify(failImport
            ? { success: false, successCount: 0, errors: [{ id: 'x', type: 'lens', error: { type: 'missing_references' } }] }
            : { success: true, successCount: lines.length, errors: [] }));
          return;
        }
        const connector = /^\/s\/ops\/api\/actions\/connector\/([^/?]+)$/.exec(req.url ?? '');
        if (connector?.[1] !== undefined && req.method === 'POST') {
          if (connectors.has(connector[1])) res.statusCode = 409;
          connectors.add(connector[1]);
          res.end(JSON.stringify({ id: connector[1] }));
          return;
        }
        const m = /^\/s\/ops\/api\/alerting\/rule\/([^/?]+)$/.exec(req.url ?? '');
        if (m?.[1] !== undefined) {
          const exists = rules.has(m[1]);
          if (req.method === 'POST' && exists) res.statusCode = 409;
          if (req.method === 'PUT' && !exists) res.statusCode = 404;
          rules.add(m[1]);
          res.end(JSON.stringify({ id: m[1] }));
          return;
        }
        res.statusCode = 404;
        res.end(JSON.stringify({ statusCode: 404, error: 'Not Found', message: 'no route' }));
      });
    });
    await new Promise<void>((resolve) => server.listen(0, '127.0.0.1', resolve));
    url = `http://127.0.0.1:${(server.address() as AddressInfo).port}`;
  });

  afterAll(() => {
    server.close();
  });

  const kibana = (): { url: string; apiKey: string; spaceId: string } => ({ url, apiKey: 'aWQ6a2V5', spaceId: 'ops' });

  it('imports every shipped object with overwrite, as multipart NDJSON, with kbn-xsrf and the API key', async () => {
    const result = await setupKibana({ kibana: kibana(), indexPrefix: 'mail' });
    const objects = parseNdjson(readFileSync(DASHBOARDS_FILE, 'utf8'));
    expect(result).toEqual({ importedObjects: objects.length, rulesCreated: [], rulesUpdated: [] });
    const call = seen.at(-1);
    expect(call?.method).toBe('POST');
    expect(call?.url).toBe('/s/ops/api/saved_objects/_import?overwrite=true');
    expect(call?.headers['kbn-xsrf']).toBeDefined();
    expect(call?.headers['authorization']).toBe('ApiKey aWQ6a2V5');
    expect(call?.headers['content-type']).toMatch(/^multipart\/form-data; boundary=/);
    expect(call?.body).toContain('Content-Disposition: form-data; name="file"; filename="mailverdict.ndjson"');
    // The data views follow the configured index prefix.
    expect(call?.body).toContain('"title":"mail-2*"');
    expect(call?.body).toContain('"id":"mail-overview"');
    expect(call?.body).not.toContain('"id":"mailverdict-');
    expect(call?.body).not.toContain('"title":"mailverdict-2*"');
  });

  it('creates the .es-query rules, and updates them (PUT) when run again', async () => {
    const alerts = defaultAlertConfig();
    const first = await setupKibana({ kibana: kibana(), indexPrefix: 'mailverdict', rulesFrom: alerts });
    const id = ruleId('mailverdict', 'scan-incomplete');
    expect(first.rulesCreated).toEqual([id]);
    // The default connector: a server log, created once under a fixed id per prefix.
    const connectorId = serverLogConnectorId('mailverdict');
    expect(first.connectorId).toBe(connectorId);
    const connectorCall = seen.find((s) => s.method === 'POST' && s.url === `/s/ops/api/actions/connector/${connectorId}`);
    expect(JSON.parse(connectorCall?.body ?? '{}')).toMatchObject({ connector_type_id: '.server-log' });
    const create = seen.find((s) => s.method === 'POST' && s.url.endsWith(id));
    const body = JSON.parse(create?.body ?? '{}') as { rule_type_id: string; params: Record<string, unknown>; schedule: unknown };
    expect(body.rule_type_id).toBe('.es-query');
    expect(body.schedule).toEqual({ interval: '1m' });
    expect(body.params).toMatchObject({
      searchType: 'esQuery', index: ['mailverdict-2*'], timeField: '@timestamp', threshold: [10], thresholdComparator: '>=',
      timeWindowSize: 15, timeWindowUnit: 'm', groupBy: 'top', aggType: 'count',
    });
    // Grouped like the built-in alerter: gateway and host (issue 17.4), not the gateway alone.
    expect(body.params['termField']).toEqual(['mailverdict.gateway', 'observer.hostname']);
    // Fires and recoveries reach the connector (issue 10.6), once per change of state.
    const actions = (body as unknown as { actions: { id: string; group: string; params: { level?: string; message: string }; frequency: { notify_when: string } }[] }).actions;
    expect(actions.map((a) => [a.id, a.group, a.params.level, a.frequency.notify_when])).toEqual([
      [connectorId, 'query matched', 'warn', 'onActionGroupChange'], [connectorId, 'recovered', 'info', 'onActionGroupChange'],
    ]);
    expect(actions[0]?.params.message).toContain('{{context.message}}');
    expect(JSON.parse(String(body.params['esQuery']))).toEqual({ query: { bool: { filter: [{ terms: { 'mailverdict.scan.status': ['timeout', 'fallback', 'error'] } }] } } });
    const second = await setupKibana({
      kibana: { url, username: 'elastic', password: 'pw', spaceId: 'ops' }, indexPrefix: 'mailverdict', rulesFrom: alerts,
      ruleConnector: { id: 'slack-ops', params: { text: '{{context.message}}' } },
    });
    expect(second.rulesUpdated).toEqual([id]);
    expect(second.connectorId).toBe('slack-ops');
    expect((JSON.parse(seen.at(-1)?.body ?? '{}') as { actions: { id: string; params: unknown }[] }).actions.map((a) => [a.id, a.params]))
      .toEqual([['slack-ops', { text: '{{context.message}}' }], ['slack-ops', { text: '{{context.message}}' }]]);
    const put = seen.at(-1);
    expect(put?.method).toBe('PUT');
    expect(put?.headers['authorization']).toBe(`Basic ${Buffer.from('elastic:pw').toString('base64')}`);
    expect(Object.keys(JSON.parse(put?.body ?? '{}') as object).sort()).toEqual(['actions', 'name', 'params', 'schedule', 'tags']);
  });

  it('fails loudly when Kibana reports import errors', async () => {
    failImport = true;
    await expect(setupKibana({ kibana: kibana(), indexPrefix: 'mailverdict' })).rejects.toThrow(KibanaError);
    failImport = false;
  });

  it('rule ids are stable UUIDs per prefix and rule; data view titles are rewritten only for other prefixes', () => {
    expect(ruleId('mailverdict', 'a')).toMatch(/^[0-9a-f]{8}-[0-9a-f]{4}-4[0-9a-f]{3}-[89ab][0-9a-f]{3}-[0-9a-f]{12}$/);
    expect(ruleId('mailverdict', 'a')).toBe(ruleId('mailverdict', 'a'));
    expect(ruleId('mailverdict', 'a')).not.toBe(ruleId('other', 'a'));
    expect(buildKibanaRules(defaultAlertConfig(), 'x')).toHaveLength(1);
    const text = readFileSync(DASHBOARDS_FILE, 'utf8');
    expect(withIndexPrefix(text, 'mailverdict')).toBe(text);
    expect(parseNdjson(withIndexPrefix(text, 'x')).filter((o) => o.type === 'index-pattern').map((o) => o.attributes['title'])).toEqual(['x-2*', 'x-alerts*', 'x-deadletter*']);
  });
});
