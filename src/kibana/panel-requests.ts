// Translates what a dashboard panel asks for (Lens layer, saved search, options-list control) into the
// Elasticsearch request Kibana would send, close enough that running it proves the panel works: the same index
// pattern, fields, aggregation nesting, bucket sizes and query strings. Kibana itself cannot run here, so this
// is how the dashboards are checked against the real Elasticsearch. Only the subset the shipped dashboards use is
// supported; anything else throws, so a new kind of panel cannot slip past the checks unnoticed.
import { kqlFields, kqlToDsl } from './kql.js';
import {
  dashboardControls, lensLayers, lensQuery, luceneFields, referencedDataView, searchSource,
  type LensColumn, type SavedObject,
} from './saved-objects.js';

export interface PanelRequest {
  /** "lens:<id>/<layer>", "search:<id>", "control:<dashboard>/<control>". */
  name: string;
  index: string;
  body: Record<string, unknown>;
  /** Every field the panel touches (aggregations, sort, columns, query strings). */
  fields: string[];
  /** Fields that must be aggregatable (aggregations and sort); columns of a saved search only need to exist. */
  aggregatedFields: string[];
  /** Aggregation names whose buckets / doc counts must be non-empty for the panel to show data. */
  expectBuckets: string[];
  expectFilteredCounts: string[];
}

export interface PanelRequestOptions {
  timeRange: { from: string; to: string };
  /** Lens "histogram" range columns: Kibana derives the interval from the data; the caller does the same. */
  histogramInterval?: (field: string) => number;
  /** Rewrites a data view title (`mailverdict-2*` → `<prefix>-2*`), for checks on a private index prefix. */
  indexFor?: (title: string) => string;
}

const RECORDS = '___records___';

const INTERVALS: [string, number][] = [
  ['1m', 60e3], ['5m', 300e3], ['10m', 600e3], ['30m', 1800e3], ['1h', 3600e3], ['3h', 10800e3], ['12h', 43200e3],
  ['1d', 86400e3], ['7d', 604800e3], ['30d', 2592000e3], ['365d', 31536000e3],
];

/** The smallest of Kibana's usual intervals that gives at most ~100 buckets (absolute ISO times only). */
export function autoInterval(range: { from: string; to: string }): string {
  const span = Date.parse(range.to) - Date.parse(range.from);
  if (!Number.isFinite(span) || span <= 0) return '1h';
  return (INTERVALS.find(([, ms]) => span / ms <= 100) ?? INTERVALS[INTERVALS.length - 1] ?? ['365d'])[0];
}

function queryClause(q: { language: string; query: string }, where: string): Record<string, unknown> | undefined {
  if (q.query.trim() === '') return undefined;
  if (q.language === 'kuery') return kqlToDsl(q.query);
  if (q.language !== 'lucene') throw new Error(`${where}: only KQL and Lucene queries are checked, got ${q.language} "${q.query}"`);
  return { query_string: { query: q.query, analyze_wildcard: true } };
}

/** Field names a saved query mentions, in its own language. */
export function queryFields(q: { language: string; query: string }): string[] {
  return q.language === 'kuery' ? kqlFields(q.query) : luceneFields(q.query);
}

/**
 * The request as the dashboard sends it while a control has values selected: Kibana adds the options list's
 * selection as a phrase filter (one value) or a should of phrase filters (several) to every panel.
 */
export function withControlFilter(request: PanelRequest, field: string, values: readonly string[]): PanelRequest {
  const phrase = (v: string): Record<string, unknown> => ({ match_phrase: { [field]: v } });
  const clause = values.length === 1 ? phrase(values[0] as string) : { bool: { should: values.map(phrase), minimum_should_match: 1 } };
  const body = structuredClone(request.body) as { query: { bool: { filter: unknown[] } } };
  body.query.bool.filter.push(clause);
  return { ...request, body: body as unknown as Record<string, unknown> };
}

function dataViewOf(objects: readonly SavedObject[], o: SavedObject, refName: string, options: PanelRequestOptions): { index: string; timeField: string } {
  const dv = referencedDataView(objects, o, refName);
  if (dv === undefined) throw new Error(`${o.type}:${o.id}: reference ${refName} does not resolve to a data view`);
  const title = String(dv.attributes['title']);
  return { index: options.indexFor?.(title) ?? title, timeField: String(dv.attributes['timeFieldName'] ?? '@timestamp') };
}

function baseQuery(timeField: string, options: PanelRequestOptions, clauses: (Record<string, unknown> | undefined)[]): Record<string, unknown> {
  const filter: Record<string, unknown>[] = [{ range: { [timeField]: { gte: options.timeRange.from, lte: options.timeRange.to, format: 'strict_date_optional_time' } } }];
  for (const c of clauses) if (c !== undefined) filter.push(c);
  return { bool: { filter } };
}

function bucketAgg(id: string, c: LensColumn, where: string, options: PanelRequestOptions, fields: Set<string>): Record<string, unknown> {
  const field = c.sourceField;
  const params = c.params ?? {};
  switch (c.operationType) {
    case 'date_histogram':
      if (field === undefined) throw new Error(`${where}: ${id} has no field`);
      fields.add(field);
      // "auto": Kibana picks an interval that gives about 100 buckets over the time range; so do we.
      return { date_histogram: { field, fixed_interval: autoInterval(options.timeRange), min_doc_count: 1 } };
    case 'terms': {
      if (field === undefined) throw new Error(`${where}: ${id} has no field`);
      fields.add(field);
      const agg: Record<string, unknown> = { field, size: Number(params['size'] ?? 5), order: { _count: params['orderDirection'] === 'asc' ? 'asc' : 'desc' } };
      // Lens sends include/exclude as a regular expression string, or as a list of exact values.
      for (const kind of ['include', 'exclude'] as const) {
        const values = (params[kind] as string[] | undefined) ?? [];
        if (values.length > 0) agg[kind] = params[`${kind}IsRegex`] === true ? values[0] : values;
      }
      return { terms: agg };
    }
    case 'filters': {
      const filters: Record<string, unknown> = {};
      for (const f of (params['filters'] as { label: string; input: { language: string; query: string } }[] | undefined) ?? []) {
        for (const name of queryFields(f.input)) fields.add(name);
        filters[f.label] = queryClause(f.input, `${where}: ${id}`) ?? { match_all: {} };
      }
      return { filters: { filters } };
    }
    case 'range': {
      if (field === undefined) throw new Error(`${where}: ${id} has no field`);
      if (params['type'] !== 'histogram') throw new Error(`${where}: ${id}: only histogram ranges are supported`);
      fields.add(field);
      return { histogram: { field, interval: options.histogramInterval?.(field) ?? 1, min_doc_count: 1 } };
    }
    default:
      throw new Error(`${where}: bucket operation ${c.operationType} is not supported by the checks`);
  }
}

/** One request per Lens layer. */
export function lensRequests(objects: readonly SavedObject[], o: SavedObject, options: PanelRequestOptions): PanelRequest[] {
  const out: PanelRequest[] = [];
  const panelQuery = lensQuery(o);
  for (const [layerId, layer] of Object.entries(lensLayers(o))) {
    const where = `lens:${o.id}/${layerId}`;
    const { index, timeField } = dataViewOf(objects, o, `indexpattern-datasource-layer-${layerId}`, options);
    const fields = new Set<string>(queryFields(panelQuery));
    const aggregated = new Set<string>();
    const order = layer.columnOrder.filter((id) => layer.columns[id] !== undefined);
    const buckets = order.filter((id) => layer.columns[id]?.isBucketed === true);
    const metrics = order.filter((id) => layer.columns[id]?.isBucketed === false);
    const metricAggs: Record<string, unknown> = {};
    const filtered: string[] = [];
    // Parts of a formula may be empty (a gateway with no traffic): only stand-alone filtered counts must match.
    const formulaParts = new Set(metrics.flatMap((id) => layer.columns[id]?.references ?? []));
    for (const id of metrics) {
      const c = layer.columns[id] as LensColumn;
      // A formula is computed by Kibana from its parts (the count columns it references, through a math
      // column); the parts are requested like any other metric.
      if (c.operationType === 'formula' || c.operationType === 'math') {
        for (const ref of c.references ?? []) {
          if (layer.columns[ref] === undefined) throw new Error(`${where}: ${id} references missing column ${ref}`);
        }
        continue;
      }
      if (c.operationType !== 'count') throw new Error(`${where}: metric ${c.operationType} is not supported by the checks`);
      if (c.sourceField !== undefined && c.sourceField !== RECORDS) {
        fields.add(c.sourceField);
        aggregated.add(c.sourceField);
        metricAggs[id] = { value_count: { field: c.sourceField } };
      }
      if (c.filter !== undefined) {
        for (const name of queryFields(c.filter)) fields.add(name);
        metricAggs[id] = { filter: queryClause(c.filter, `${where}: ${id}`) ?? { match_all: {} } };
        if (!formulaParts.has(id)) filtered.push(id);
      }
    }
    // Nest bucket columns in column order, metrics innermost.
    let aggs: Record<string, unknown> = metricAggs;
    for (const id of [...buckets].reverse()) {
      const agg = bucketAgg(id, layer.columns[id] as LensColumn, where, options, aggregated);
      aggs = { [id]: Object.keys(aggs).length > 0 ? { ...agg, aggs } : agg };
    }
    for (const f of aggregated) fields.add(f);
    out.push({
      name: where,
      index,
      body: { size: 0, track_total_hits: true, query: baseQuery(timeField, options, [queryClause(panelQuery, where)]), aggs },
      fields: [...fields],
      aggregatedFields: [...aggregated, timeField],
      expectBuckets: buckets,
      expectFilteredCounts: filtered,
    });
  }
  return out;
}

/** A saved search: its query, sorted by time, asking for its columns. */
export function searchRequest(objects: readonly SavedObject[], o: SavedObject, options: PanelRequestOptions): PanelRequest {
  const where = `search:${o.id}`;
  const { index, timeField } = dataViewOf(objects, o, 'kibanaSavedObjectMeta.searchSourceJSON.index', options);
  const { query } = searchSource(o);
  const columns = (o.attributes['columns'] as string[] | undefined) ?? [];
  const sort = ((o.attributes['sort'] as [string, string][] | undefined) ?? []).map(([f, dir]) => ({ [f]: { order: dir } }));
  const sortFields = sort.map((s) => Object.keys(s)[0] as string);
  return {
    name: where,
    index,
    body: { size: 20, query: baseQuery(timeField, options, [queryClause(query, where)]), sort, fields: columns, _source: false },
    fields: [...new Set([...columns, ...sortFields, ...queryFields(query)])],
    aggregatedFields: [...new Set([...sortFields, timeField])],
    expectBuckets: [],
    expectFilteredCounts: [],
  };
}

/** The options list of each dashboard control: a terms aggregation on its field. */
export function controlRequests(objects: readonly SavedObject[], dashboard: SavedObject, options: PanelRequestOptions): PanelRequest[] {
  return dashboardControls(dashboard).map((c) => {
    const where = `control:${dashboard.id}/${c.id}`;
    if (c.type !== 'optionsListControl') throw new Error(`${where}: control type ${c.type} is not supported by the checks`);
    const { index, timeField } = dataViewOf(objects, dashboard, `controlGroup_${c.id}:optionsListDataView`, options);
    return {
      name: where,
      index,
      body: { size: 0, query: baseQuery(timeField, options, []), aggs: { options: { terms: { field: c.fieldName, size: 10 } } } },
      fields: [c.fieldName],
      aggregatedFields: [c.fieldName, timeField],
      expectBuckets: ['options'],
      expectFilteredCounts: [],
    };
  });
}

/** Every request of every panel and control in the set. */
export function allPanelRequests(objects: readonly SavedObject[], options: PanelRequestOptions): PanelRequest[] {
  const out: PanelRequest[] = [];
  for (const o of objects) {
    if (o.type === 'lens') out.push(...lensRequests(objects, o, options));
    else if (o.type === 'search') out.push(searchRequest(objects, o, options));
    else if (o.type === 'dashboard') out.push(...controlRequests(objects, o, options));
  }
  return out;
}

/**
 * What is missing from a response: a bucket aggregation that came back without buckets anywhere, or a filtered
 * count that matched nothing anywhere. Empty means the panel would show data.
 */
export function responseProblems(request: PanelRequest, response: unknown): string[] {
  const found = new Map<string, number>();
  const walk = (node: unknown): void => {
    if (node === null || typeof node !== 'object') return;
    for (const [key, value] of Object.entries(node as Record<string, unknown>)) {
      if (value === null || typeof value !== 'object') continue;
      const v = value as { buckets?: unknown; doc_count?: number };
      if (request.expectBuckets.includes(key) && v.buckets !== undefined) {
        const list = Array.isArray(v.buckets) ? v.buckets : Object.values(v.buckets as object);
        const nonEmpty = (list as { doc_count?: number }[]).filter((b) => (b.doc_count ?? 0) > 0).length;
        found.set(key, (found.get(key) ?? 0) + nonEmpty);
        for (const b of list) walk(b);
      } else if (request.expectFilteredCounts.includes(key) && typeof v.doc_count === 'number') {
        found.set(key, (found.get(key) ?? 0) + v.doc_count);
      } else {
        walk(value);
      }
    }
  };
  const r = response as { aggregations?: unknown; hits?: { hits?: unknown[] } };
  walk(r.aggregations);
  const problems: string[] = [];
  for (const k of [...request.expectBuckets, ...request.expectFilteredCounts]) {
    if ((found.get(k) ?? 0) === 0) problems.push(`${request.name}: ${k} returned no data`);
  }
  if (request.name.startsWith('search:') && (r.hits?.hits?.length ?? 0) === 0) problems.push(`${request.name}: no hits`);
  return problems;
}
