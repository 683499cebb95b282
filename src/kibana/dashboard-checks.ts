// Static checks of the shipped saved objects against the index templates in mappings/: every field a panel uses
// is mapped in the template of the index pattern its data view covers, and aggregations and sorts only use
// aggregatable fields. Pure: templates and objects are passed in.
import { isAggregatable, mappedLeafFields } from '../mappings/field-paths.js';
import { kqlToDsl } from './kql.js';
import { allPanelRequests, type PanelRequestOptions } from './panel-requests.js';
import { lensLayers, lensQuery, type SavedObject } from './saved-objects.js';

export interface NamedTemplate {
  name: string;
  body: { index_patterns: string[] } & Record<string, unknown>;
}

/** The template whose index pattern covers a data view title ("mailverdict-2*" ← "mailverdict-2*"). */
export function templateForTitle(templates: readonly NamedTemplate[], title: string): NamedTemplate | undefined {
  const probe = title.replace(/\*+$/, '');
  return templates.find((t) => t.body.index_patterns.some((p) => {
    const prefix = p.replace(/\*+$/, '');
    return probe.startsWith(prefix) || (p.endsWith('*') && prefix.startsWith(probe) && probe !== '');
  }));
}

export function fieldProblems(objects: readonly SavedObject[], templates: readonly NamedTemplate[]): string[] {
  const options: PanelRequestOptions = { timeRange: { from: '2000-01-01T00:00:00Z', to: '2100-01-01T00:00:00Z' } };
  const problems: string[] = [];
  for (const req of allPanelRequests(objects, options)) {
    const template = templateForTitle(templates, req.index);
    if (template === undefined) {
      problems.push(`${req.name}: no index template covers ${req.index}`);
      continue;
    }
    const fields = mappedLeafFields(template.body);
    for (const f of req.fields) {
      if (!fields.has(f)) problems.push(`${req.name}: field ${f} is not mapped in ${template.name}`);
    }
    for (const f of req.aggregatedFields) {
      if (fields.has(f) && !isAggregatable(fields, f)) problems.push(`${req.name}: field ${f} (${fields.get(f)}) is not aggregatable`);
    }
  }
  return problems;
}

/** Every query string the objects save (panel queries, column filters, filters buckets, saved searches, dashboards). */
export function savedQueries(objects: readonly SavedObject[]): { where: string; language: string; query: string }[] {
  const out: { where: string; language: string; query: string }[] = [];
  for (const o of objects) {
    if (o.type === 'lens') {
      const q = lensQuery(o);
      out.push({ where: `lens:${o.id}`, ...q });
      for (const [layerId, layer] of Object.entries(lensLayers(o))) {
        for (const [colId, c] of Object.entries(layer.columns)) {
          if (c.filter !== undefined) out.push({ where: `lens:${o.id}/${layerId}/${colId}`, ...c.filter });
          const filters = (c.params?.['filters'] as { input: { language: string; query: string } }[] | undefined) ?? [];
          filters.forEach((f, i) => out.push({ where: `lens:${o.id}/${layerId}/${colId}#${i}`, ...f.input }));
        }
      }
    } else if (o.type === 'search' || o.type === 'dashboard') {
      const meta = o.attributes['kibanaSavedObjectMeta'] as { searchSourceJSON?: string } | undefined;
      const parsed = JSON.parse(meta?.searchSourceJSON ?? '{}') as { query?: { language: string; query: string } };
      if (parsed.query !== undefined) out.push({ where: `${o.type}:${o.id}`, ...parsed.query });
    }
  }
  return out;
}

/** Saved queries not in KQL: Kibana opens such a query bar in Lucene mode, while the README teaches KQL. */
export function nonKqlProblems(objects: readonly SavedObject[]): string[] {
  return savedQueries(objects).filter((q) => q.language !== 'kuery').map((q) => `${q.where}: query saved in ${q.language}, not KQL`);
}

/**
 * Spam scores of different vendors are on different scales (0–1, −1–9, 0–100, points): a chart that buckets
 * `mailverdict.spam.score` must be limited to one scale by its query, or split by `mailverdict.spam.scale`.
 */
export function mixedScaleProblems(objects: readonly SavedObject[]): string[] {
  const problems: string[] = [];
  for (const o of objects.filter((x) => x.type === 'lens')) {
    for (const [layerId, layer] of Object.entries(lensLayers(o))) {
      const columns = Object.values(layer.columns);
      if (!columns.some((c) => c.isBucketed && c.sourceField === SCORE_FIELD)) continue;
      const split = columns.some((c) => c.isBucketed && c.operationType === 'terms' && c.sourceField === SCALE_FIELD);
      if (!split && singleScale(lensQuery(o)) === undefined) {
        problems.push(`lens:${o.id}/${layerId}: charts ${SCORE_FIELD} of every scale on one axis (limit the query to one ${SCALE_FIELD} or split by it)`);
      }
    }
  }
  return problems;
}

const SCORE_FIELD = 'mailverdict.spam.score';
const SCALE_FIELD = 'mailverdict.spam.scale';

/** The one scale a query pins (a top-level `mailverdict.spam.scale : "x"` clause, alone or and-ed). */
function singleScale(q: { language: string; query: string }): string | undefined {
  if (q.language !== 'kuery') return undefined;
  const dsl = kqlToDsl(q.query);
  const clauses = dsl === undefined ? [] : ((dsl['bool'] as { filter?: Record<string, unknown>[] } | undefined)?.filter ?? [dsl]);
  for (const c of clauses) {
    const phrase = (c['match_phrase'] ?? c['match']) as Record<string, unknown> | undefined;
    const value = phrase?.[SCALE_FIELD];
    if (typeof value === 'string') return value;
  }
  return undefined;
}
