// OpenSearch Dashboards saved objects from the Kibana ones in dashboards/mailverdict.ndjson (the single source of
// what the dashboards show). OpenSearch Dashboards has no Lens: each Lens layer becomes a standard visualization
// (line, histogram, horizontal_bar, pie) with the same aggregations — date histogram, terms, filters, histogram
// and count — on the same data view and query; saved searches and data views carry over without Kibana 8's extra
// attributes; a dashboard keeps its layout and points at the new visualizations. Kibana's options-list controls
// have no counterpart that imports cleanly and are left out (the query bar filters by any field instead).
import {
  dashboardPanels, lensLayers, lensQuery, type LensColumn, type LensLayer, type SavedObject, type SavedObjectReference,
} from '../kibana/saved-objects.js';

/** The OpenSearch Dashboards version the objects are written for (2.x reads them). */
export const OSD_VERSION = '2.19.0';

const RECORDS = '___records___';

interface OsdAgg {
  id: string;
  enabled: true;
  type: string;
  schema: string;
  params: Record<string, unknown>;
}

interface LensXyLayer { layerId: string; seriesType?: string; xAccessor?: string; splitAccessor?: string; accessors?: string[] }

/** Translates every object; throws on a Lens column the translation does not know (a new kind of panel must not vanish). */
export function osdObjectsFromKibana(objects: readonly SavedObject[]): SavedObject[] {
  const out: SavedObject[] = [];
  /** Lens id → the visualization ids that replace it (one per layer). */
  const replaced = new Map<string, string[]>();
  for (const o of objects) {
    if (o.type === 'lens' && usesFormula(o)) {
      // Lens formulas (the per-gateway rate panels) have no counterpart among the standard visualizations:
      // the panel is left out of the OpenSearch dashboard (README, OpenSearch: what differs).
      replaced.set(o.id, []);
    } else if (o.type === 'lens') {
      const visualizations = lensToVisualizations(o);
      replaced.set(o.id, visualizations.map((v) => v.id));
      out.push(...visualizations);
    }
  }
  for (const o of objects) {
    if (o.type === 'index-pattern') out.push(dataView(o));
    else if (o.type === 'search') out.push(savedSearch(o));
    else if (o.type === 'dashboard') out.push(dashboard(o, replaced));
    else if (o.type !== 'lens') throw new Error(`${o.type}:${o.id}: no OpenSearch Dashboards counterpart`);
  }
  return out;
}

/** Whether a Lens panel computes a formula (a ratio of counts), which only Lens can draw. */
export function usesFormula(o: SavedObject): boolean {
  return Object.values(lensLayers(o)).some((layer) => Object.values((layer as LensLayer).columns).some((c) => c.operationType === 'formula' || c.operationType === 'math'));
}

function dataView(o: SavedObject): SavedObject {
  const a = o.attributes;
  return {
    id: o.id, type: 'index-pattern',
    attributes: { title: a['title'], timeFieldName: a['timeFieldName'] ?? '@timestamp' },
    references: [],
  };
}

function savedSearch(o: SavedObject): SavedObject {
  const a = o.attributes;
  return {
    id: o.id, type: 'search',
    attributes: {
      title: a['title'], description: a['description'] ?? '', columns: a['columns'] ?? [], sort: a['sort'] ?? [],
      kibanaSavedObjectMeta: a['kibanaSavedObjectMeta'],
    },
    references: o.references.map((r) => ({ ...r })),
  };
}

function lensToVisualizations(o: SavedObject): SavedObject[] {
  const layers = lensLayers(o);
  const state = o.attributes['state'] as { visualization?: { layers?: LensXyLayer[]; preferredSeriesType?: string } };
  const xyLayers = state.visualization?.layers ?? [];
  const pie = o.attributes['visualizationType'] === 'lnsPie';
  const ids = Object.keys(layers);
  return ids.map((layerId) => {
    const layer = layers[layerId] as LensLayer;
    const where = `lens:${o.id}/${layerId}`;
    const xy = xyLayers.find((l) => l.layerId === layerId);
    const seriesType = xy?.seriesType ?? state.visualization?.preferredSeriesType ?? 'bar_stacked';
    const ref = o.references.find((r) => r.name === `indexpattern-datasource-layer-${layerId}`);
    if (ref === undefined) throw new Error(`${where}: no data view reference`);
    const { aggs, filter } = layerAggs(layer, where, pie ? undefined : xy);
    const query = combineQueries(lensQuery(o), filter, where);
    const type = pie ? 'pie' : visType(seriesType);
    const baseTitle = String(o.attributes['title']);
    const title = ids.length === 1 ? baseTitle : `${baseTitle} (${metricLabel(layer) ?? layerId})`;
    return {
      id: ids.length === 1 ? o.id : `${o.id}-${layerId}`,
      type: 'visualization',
      attributes: {
        title,
        description: String(o.attributes['description'] ?? ''),
        version: 1,
        uiStateJSON: '{}',
        visState: JSON.stringify({ title, type, aggs, params: visParams(type, seriesType) }),
        kibanaSavedObjectMeta: {
          searchSourceJSON: JSON.stringify({ query, filter: [], indexRefName: 'kibanaSavedObjectMeta.searchSourceJSON.index' }),
        },
      },
      references: [{ name: 'kibanaSavedObjectMeta.searchSourceJSON.index', type: 'index-pattern', id: ref.id }],
    };
  });
}

function metricLabel(layer: LensLayer): string | undefined {
  return Object.values(layer.columns).find((c) => !c.isBucketed)?.label;
}

/** Lens series type → the vislib visualization that draws it. */
function visType(seriesType: string): string {
  if (seriesType.startsWith('bar_horizontal')) return 'horizontal_bar';
  if (seriesType.startsWith('bar')) return 'histogram';
  if (seriesType.startsWith('area')) return 'area';
  if (seriesType === 'line') return 'line';
  throw new Error(`Lens series type ${seriesType} has no OpenSearch Dashboards visualization here`);
}

function layerAggs(layer: LensLayer, where: string, xy: LensXyLayer | undefined): { aggs: OsdAgg[]; filter?: { language: string; query: string } } {
  const aggs: OsdAgg[] = [];
  let filter: { language: string; query: string } | undefined;
  const order = layer.columnOrder.filter((id) => layer.columns[id] !== undefined);
  const metrics = order.filter((id) => layer.columns[id]?.isBucketed === false);
  if (metrics.length !== 1) throw new Error(`${where}: expected one metric column, got ${metrics.length}`);
  const metric = layer.columns[metrics[0] as string] as LensColumn;
  if (metric.operationType !== 'count' || (metric.sourceField !== undefined && metric.sourceField !== RECORDS)) {
    throw new Error(`${where}: only a count of records translates, got ${metric.operationType}`);
  }
  // A metric filter (count where …) becomes the visualization's query: one metric per layer, so it is equivalent.
  if (metric.filter !== undefined && metric.filter.query.trim() !== '') filter = metric.filter;
  aggs.push({ id: '1', enabled: true, type: 'count', schema: 'metric', params: {} });
  let next = 2;
  for (const id of order) {
    const c = layer.columns[id] as LensColumn;
    if (!c.isBucketed) continue;
    // The x axis (or a pie's slices) is the segment; the split accessor becomes the series group.
    const schema = xy === undefined ? 'segment' : id === xy.splitAccessor ? 'group' : 'segment';
    aggs.push({ id: String(next++), enabled: true, type: bucketType(c, `${where}: ${id}`), schema, params: bucketParams(c, `${where}: ${id}`) });
  }
  return filter === undefined ? { aggs } : { aggs, filter };
}

function bucketType(c: LensColumn, where: string): string {
  switch (c.operationType) {
    case 'date_histogram': return 'date_histogram';
    case 'terms': return 'terms';
    case 'filters': return 'filters';
    case 'range':
      if (c.params?.['type'] !== 'histogram') throw new Error(`${where}: only histogram ranges translate`);
      return 'histogram';
    default: throw new Error(`${where}: bucket operation ${c.operationType} does not translate`);
  }
}

function bucketParams(c: LensColumn, where: string): Record<string, unknown> {
  const p = c.params ?? {};
  const field = c.sourceField;
  switch (c.operationType) {
    case 'date_histogram':
      return { field, interval: 'auto', min_doc_count: 1, extended_bounds: {}, customLabel: c.label ?? '' };
    case 'terms':
      return {
        field, size: Number(p['size'] ?? 5), order: p['orderDirection'] === 'asc' ? 'asc' : 'desc', orderBy: '1',
        otherBucket: p['otherBucket'] === true, otherBucketLabel: 'Other', missingBucket: false, missingBucketLabel: 'Missing',
        customLabel: c.label ?? '',
      };
    case 'filters':
      return {
        filters: ((p['filters'] as { label: string; input: { language: string; query: string } }[] | undefined) ?? [])
          .map((f) => ({ label: f.label, input: { language: f.input.language, query: f.input.query } })),
      };
    case 'range':
      // Like Lens' "auto" bars: the interval follows the data (maxBars), so each product keeps its own scale.
      return { field, interval: 'auto', maxBars: 50, min_doc_count: true, has_extended_bounds: false, extended_bounds: {}, customLabel: c.label ?? '' };
    default:
      throw new Error(`${where}: no parameters for ${c.operationType}`);
  }
}

function combineQueries(
  panel: { language: string; query: string }, filter: { language: string; query: string } | undefined, where: string,
): { language: string; query: string } {
  if (filter === undefined) return panel;
  if (panel.query.trim() === '') return filter;
  if (panel.language !== filter.language) throw new Error(`${where}: panel query and metric filter use different languages`);
  return { language: panel.language, query: `(${panel.query}) AND (${filter.query})` };
}

/** vislib parameters: one category axis, one value axis, the series drawn as the Lens layer was. */
function visParams(type: string, seriesType: string): Record<string, unknown> {
  if (type === 'pie') {
    return { type: 'pie', addTooltip: true, addLegend: true, legendPosition: 'right', isDonut: true, labels: { show: false, values: true, last_level: true, truncate: 100 } };
  }
  const horizontal = type === 'horizontal_bar';
  const percentage = seriesType.endsWith('percentage_stacked');
  const stacked = seriesType.includes('stacked');
  return {
    type, addTooltip: true, addLegend: true, legendPosition: 'right', times: [], addTimeMarker: false,
    grid: { categoryLines: false },
    categoryAxes: [{ id: 'CategoryAxis-1', type: 'category', position: horizontal ? 'left' : 'bottom', show: true, style: {}, scale: { type: 'linear' }, labels: { show: true, filter: true, truncate: 100 }, title: {} }],
    valueAxes: [{
      id: 'ValueAxis-1', name: 'LeftAxis-1', type: 'value', position: horizontal ? 'bottom' : 'left', show: true, style: {},
      scale: { type: 'linear', mode: percentage ? 'percentage' : 'normal' }, labels: { show: true, rotate: 0, filter: false, truncate: 100 }, title: { text: 'Count' },
    }],
    seriesParams: [{
      show: true, type: type === 'line' ? 'line' : type === 'area' ? 'area' : 'histogram', mode: stacked ? 'stacked' : 'normal',
      data: { label: 'Count', id: '1' }, valueAxis: 'ValueAxis-1', drawLinesBetweenPoints: true, lineWidth: 2, showCircles: true,
    }],
    labels: { show: false },
  };
}

function dashboard(o: SavedObject, replaced: ReadonlyMap<string, string[]>): SavedObject {
  const a = o.attributes;
  const panels: Record<string, unknown>[] = [];
  const references: SavedObjectReference[] = [];
  for (const p of dashboardPanels(o)) {
    const ref = o.references.find((r) => r.name === `${p.panelIndex}:${p.panelRefName}`);
    if (ref === undefined) throw new Error(`dashboard:${o.id}: panel ${p.panelIndex} has no reference`);
    const targets = ref.type === 'lens' ? replaced.get(ref.id) : [ref.id];
    if (targets === undefined) throw new Error(`dashboard:${o.id}: panel ${p.panelIndex} points at ${ref.type}:${ref.id}, which is not translated`);
    // A panel left out on purpose (a Lens formula) leaves its place empty.
    if (targets.length === 0) continue;
    const grid = (p as { gridData?: { x: number; y: number; w: number; h: number } }).gridData ?? { x: 0, y: 0, w: 24, h: 12 };
    // A Lens panel with several layers: its visualizations share the panel's width side by side.
    const width = Math.max(1, Math.floor(grid.w / targets.length));
    targets.forEach((id, i) => {
      const name = `panel_${panels.length}`;
      const panelIndex = targets.length === 1 ? p.panelIndex : `${p.panelIndex}-${i + 1}`;
      panels.push({
        version: OSD_VERSION, panelIndex, embeddableConfig: {}, panelRefName: name,
        gridData: { x: grid.x + i * width, y: grid.y, w: i === targets.length - 1 ? grid.w - i * width : width, h: grid.h, i: panelIndex },
      });
      references.push({ name, type: ref.type === 'lens' ? 'visualization' : ref.type, id });
    });
  }
  return {
    id: o.id, type: 'dashboard',
    attributes: {
      title: a['title'], description: a['description'] ?? '', version: 1,
      timeRestore: a['timeRestore'] ?? false, timeFrom: a['timeFrom'] ?? 'now-7d', timeTo: a['timeTo'] ?? 'now',
      refreshInterval: a['refreshInterval'] ?? { pause: true, value: 0 },
      optionsJSON: JSON.stringify({ useMargins: true, hidePanelTitles: false }),
      panelsJSON: JSON.stringify(panels),
      kibanaSavedObjectMeta: { searchSourceJSON: JSON.stringify({ query: { language: 'lucene', query: '' }, filter: [] }) },
    },
    references,
  };
}
