// The request OpenSearch Dashboards sends for each visualization and saved search of the shipped objects, close
// enough that running it against the real OpenSearch proves the panel shows data (the same checks as for the
// Kibana objects: src/kibana/panel-requests.ts). Aggregations nest in the order of the visualization's bucket
// aggs, the count metric is the doc count. Only the aggregation types the translation writes are supported.
import { autoInterval, searchRequest, type PanelRequest, type PanelRequestOptions } from '../kibana/panel-requests.js';
import { kqlFields, kqlToDsl } from '../kibana/kql.js';
import { luceneFields, referencedDataView, type SavedObject } from '../kibana/saved-objects.js';

interface VisAgg { id: string; type: string; schema: string; params: Record<string, unknown> }

const INDEX_REF = 'kibanaSavedObjectMeta.searchSourceJSON.index';

export function visualizationRequest(objects: readonly SavedObject[], o: SavedObject, options: PanelRequestOptions): PanelRequest {
  const where = `visualization:${o.id}`;
  const vis = JSON.parse(String(o.attributes['visState'])) as { aggs: VisAgg[] };
  const meta = o.attributes['kibanaSavedObjectMeta'] as { searchSourceJSON?: string } | undefined;
  const source = JSON.parse(meta?.searchSourceJSON ?? '{}') as { query?: { language: string; query: string } };
  const query = source.query ?? { language: 'lucene', query: '' };
  const dv = referencedDataView(objects, o, INDEX_REF);
  if (dv === undefined) throw new Error(`${where}: no data view`);
  const title = String(dv.attributes['title']);
  const index = options.indexFor?.(title) ?? title;
  const timeField = String(dv.attributes['timeFieldName'] ?? '@timestamp');

  const fields = new Set<string>(queryFields(query));
  const aggregated = new Set<string>();
  const names: string[] = [];
  const filtered: string[] = [];
  let root: Record<string, unknown> | undefined;
  let parent: Record<string, unknown> | undefined;
  // Segments first, then groups: how the vislib charts nest them (x axis, then series within each x).
  const buckets = [...vis.aggs.filter((a) => a.schema === 'segment'), ...vis.aggs.filter((a) => a.schema === 'group' || a.schema === 'split')];
  for (const a of vis.aggs) {
    if (a.schema === 'metric' && a.type !== 'count') throw new Error(`${where}: metric ${a.type} is not supported by the checks`);
  }
  for (const a of buckets) {
    const agg = bucketAgg(a, `${where}: agg ${a.id}`, options, fields, aggregated);
    const name = `agg${a.id}`;
    if (a.type === 'filters') filtered.push(...Object.keys((agg['filters'] as { filters: object }).filters));
    else names.push(name);
    if (parent === undefined) root = { [name]: agg };
    else parent['aggs'] = { [name]: agg };
    parent = agg;
  }
  const clauses: Record<string, unknown>[] = [
    { range: { [timeField]: { gte: options.timeRange.from, lte: options.timeRange.to, format: 'strict_date_optional_time' } } },
  ];
  if (query.query.trim() !== '') clauses.push(queryDsl(query, where));
  return {
    name: where, index,
    body: { size: 0, track_total_hits: true, query: { bool: { filter: clauses } }, ...(root === undefined ? {} : { aggs: root }) },
    fields: [...fields], aggregatedFields: [...aggregated], expectBuckets: names, expectFilteredCounts: filtered,
  };
}

function bucketAgg(a: VisAgg, where: string, options: PanelRequestOptions, fields: Set<string>, aggregated: Set<string>): Record<string, unknown> {
  const field = typeof a.params['field'] === 'string' ? a.params['field'] : undefined;
  if (field !== undefined) {
    fields.add(field);
    aggregated.add(field);
  }
  switch (a.type) {
    case 'date_histogram':
      return { date_histogram: { field, fixed_interval: autoInterval(options.timeRange), min_doc_count: 1 } };
    case 'terms':
      return { terms: { field, size: Number(a.params['size'] ?? 5), order: { _count: a.params['order'] === 'asc' ? 'asc' : 'desc' } } };
    case 'histogram':
      if (field === undefined) throw new Error(`${where}: histogram without a field`);
      return { histogram: { field, interval: options.histogramInterval?.(field) ?? 1, min_doc_count: 1 } };
    case 'filters': {
      const filters: Record<string, unknown> = {};
      for (const f of (a.params['filters'] as { label: string; input: { language: string; query: string } }[] | undefined) ?? []) {
        for (const name of queryFields(f.input)) fields.add(name);
        filters[f.label] = f.input.query.trim() === '' ? { match_all: {} } : queryDsl(f.input, where);
      }
      return { filters: { filters } };
    }
    default:
      throw new Error(`${where}: bucket aggregation ${a.type} is not supported by the checks`);
  }
}

/** A request per visualization and saved search of the OpenSearch Dashboards objects. */
export function osdPanelRequests(objects: readonly SavedObject[], options: PanelRequestOptions): PanelRequest[] {
  const out: PanelRequest[] = [];
  for (const o of objects) {
    if (o.type === 'visualization') out.push(visualizationRequest(objects, o, options));
    else if (o.type === 'search') out.push(searchRequest(objects, o, options));
  }
  return out;
}

/** The search clause of a saved query: KQL (what the dashboards save) or Lucene. */
function queryDsl(query: { language: string; query: string }, where: string): Record<string, unknown> {
  if (query.language === 'kuery') return kqlToDsl(query.query) ?? { match_all: {} };
  if (query.language === 'lucene') return { query_string: { query: query.query, analyze_wildcard: true } };
  throw new Error(`${where}: query language ${query.language} is not checked`);
}

function queryFields(query: { language: string; query: string }): string[] {
  return query.language === 'kuery' ? kqlFields(query.query) : luceneFields(query.query);
}
