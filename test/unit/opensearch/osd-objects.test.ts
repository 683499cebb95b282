import { readFileSync, readdirSync } from 'node:fs';
import { createServer, type IncomingMessage } from 'node:http';
import { describe, expect, it } from 'vitest';
import { KIBANA_NDJSON, OSD_NDJSON, renderOsdNdjson } from '../../../dashboards/opensearch/generate.js';
import { templateForTitle, type NamedTemplate } from '../../../src/kibana/dashboard-checks.js';
import { parseNdjson, type SavedObject } from '../../../src/kibana/saved-objects.js';
import { isAggregatable, mappedLeafFields } from '../../../src/mappings/field-paths.js';
import { osdObjectsFromKibana, usesFormula } from '../../../src/opensearch-dashboards/from-kibana.js';
import { setupOpenSearchDashboards } from '../../../src/opensearch-dashboards/setup-dashboards.js';
import { osdPanelRequests } from '../../../src/opensearch-dashboards/visualization-requests.js';

const text = readFileSync(OSD_NDJSON, 'utf8');
const objects = parseNdjson(text);
const kibana = parseNdjson(readFileSync(KIBANA_NDJSON, 'utf8'));
const mappingsDir = new URL('../../../mappings/', import.meta.url);
const templates: NamedTemplate[] = readdirSync(mappingsDir).filter((f) => f.endsWith('.json'))
  .map((f) => ({ name: f, body: JSON.parse(readFileSync(new URL(f, mappingsDir), 'utf8')) as NamedTemplate['body'] }));

describe('dashboards/opensearch/mailverdict.ndjson', () => {
  it('is exactly what dashboards/opensearch/generate.ts makes of the Kibana objects (run it after changing them)', () => {
    expect(text).toBe(renderOsdNdjson());
  });

  it('has no Lens and no Kibana 8 migration versions; only types OpenSearch Dashboards 2.x imports', () => {
    expect(new Set(objects.map((o) => o.type))).toEqual(new Set(['index-pattern', 'visualization', 'search', 'dashboard']));
    expect(text).not.toContain('coreMigrationVersion');
    expect(text).not.toContain('typeMigrationVersion');
    for (const o of objects.filter((x) => x.type === 'visualization')) {
      const vis = JSON.parse(String(o.attributes['visState'])) as { type: string };
      expect(['line', 'histogram', 'horizontal_bar', 'area', 'pie'], o.id).toContain(vis.type);
    }
  });

  it('keeps every Kibana panel: each Lens layer is a visualization, saved searches and dashboards carry over', () => {
    // Formula panels (per-gateway rates) have no OpenSearch Dashboards counterpart and are left out.
    expect(kibana.filter((o) => o.type === 'lens' && usesFormula(o)).map((o) => o.id).sort()).toEqual(['mailverdict-incomplete-rate-by-gateway', 'mailverdict-spam-rate-by-gateway']);
    const layers = kibana.filter((o) => o.type === 'lens' && !usesFormula(o))
      .reduce((n, o) => n + Object.keys((o.attributes['state'] as { datasourceStates: { formBased: { layers: object } } }).datasourceStates.formBased.layers).length, 0);
    expect(objects.filter((o) => o.type === 'visualization')).toHaveLength(layers);
    expect(objects.filter((o) => o.type === 'search').map((o) => o.id)).toEqual(kibana.filter((o) => o.type === 'search').map((o) => o.id));
    expect(objects.filter((o) => o.type === 'dashboard').map((o) => o.attributes['title'])).toEqual(['Mail gateway verdicts', 'Gateway logs and message trails', 'mailverdict pipeline health']);
  });

  it('every reference and dashboard panel resolves', () => {
    const known = new Set(objects.map((o) => `${o.type}:${o.id}`));
    for (const o of objects) for (const r of o.references) expect(known.has(`${r.type}:${r.id}`), `${o.id} → ${r.type}:${r.id}`).toBe(true);
    for (const d of objects.filter((o) => o.type === 'dashboard')) {
      const names = new Set(d.references.map((r) => r.name));
      for (const p of JSON.parse(String(d.attributes['panelsJSON'])) as { panelRefName: string }[]) expect(names.has(p.panelRefName)).toBe(true);
    }
  });

  it('every panel field is mapped in the template its data view covers, and aggregated fields are aggregatable', () => {
    const requests = osdPanelRequests(objects, { timeRange: { from: '2000-01-01T00:00:00Z', to: '2100-01-01T00:00:00Z' } });
    expect(requests.length).toBeGreaterThan(15);
    const problems: string[] = [];
    for (const req of requests) {
      const template = templateForTitle(templates, req.index);
      if (template === undefined) { problems.push(`${req.name}: no template for ${req.index}`); continue; }
      const fields = mappedLeafFields(template.body);
      for (const f of req.fields) if (!fields.has(f)) problems.push(`${req.name}: ${f} not mapped`);
      for (const f of req.aggregatedFields) if (fields.has(f) && !isAggregatable(fields, f)) problems.push(`${req.name}: ${f} not aggregatable`);
    }
    expect(problems).toEqual([]);
  });

  it('the metric filter of a Lens layer becomes the visualization query', () => {
    const line = objects.find((o) => o.id === 'mailverdict-scan-status-over-time-layer2') as SavedObject;
    const source = JSON.parse((line.attributes['kibanaSavedObjectMeta'] as { searchSourceJSON: string }).searchSourceJSON) as { query: { query: string } };
    expect(source.query.query).toBe('mailverdict.scan.status : (timeout or fallback or error)');
  });

  it('a Lens column it cannot translate is an error, not a panel that silently disappears', () => {
    const broken = parseNdjson(readFileSync(KIBANA_NDJSON, 'utf8').replace('"operationType":"terms"', '"operationType":"significant_terms"'));
    expect(() => osdObjectsFromKibana(broken)).toThrow(/significant_terms does not translate/);
  });
});

describe('setupOpenSearchDashboards', () => {
  it('posts the objects as multipart with osd-xsrf, overwrite=true and basic auth, for the configured prefix', async () => {
    const seen: { url?: string; headers?: IncomingMessage['headers']; body?: string } = {};
    const server = createServer((req, res) => {
      const chunks: Buffer[] = [];
      req.on('data', (c: Buffer) => chunks.push(c));
      req.on('end', () => {
        Object.assign(seen, { url: req.url, headers: req.headers, body: Buffer.concat(chunks).toString('utf8') });
        res.writeHead(200, { 'content-type': 'application/json' }).end(JSON.stringify({ success: true, successCount: objects.length }));
      });
    });
    await new Promise<void>((r) => server.listen(0, '127.0.0.1', r));
    const { port } = server.address() as { port: number };
    try {
      const result = await setupOpenSearchDashboards({ url: `http://127.0.0.1:${port}/osd`, username: 'admin', password: 'pw' }, 'acme');
      expect(result.importedObjects).toBe(objects.length);
      expect(seen.url).toBe('/osd/api/saved_objects/_import?overwrite=true');
      expect(seen.headers?.['osd-xsrf']).toBeDefined();
      expect(seen.headers?.['authorization']).toBe(`Basic ${Buffer.from('admin:pw').toString('base64')}`);
      expect(seen.headers?.['content-type']).toMatch(/^multipart\/form-data; boundary=/);
      expect(seen.body).toContain('name="file"; filename="mailverdict.ndjson"');
      expect(seen.body).toContain('"title":"acme-2*"');
    } finally {
      server.close();
    }
  });

  it('reports the objects the import refused', async () => {
    const server = createServer((_req, res) => {
      _req.resume();
      _req.on('end', () => res.writeHead(200, { 'content-type': 'application/json' })
        .end(JSON.stringify({ success: false, successCount: 1, errors: [{ id: 'x', type: 'visualization', error: { type: 'unknown' } }] })));
    });
    await new Promise<void>((r) => server.listen(0, '127.0.0.1', r));
    const { port } = server.address() as { port: number };
    try {
      await expect(setupOpenSearchDashboards({ url: `http://127.0.0.1:${port}` }, 'mailverdict')).rejects.toThrow(/1 objects failed: visualization:x/);
    } finally {
      server.close();
    }
  });
});
