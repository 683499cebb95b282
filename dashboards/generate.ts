// Authoring tool for dashboards/mailverdict.ndjson (the versioned artifact Kibana imports). Lens state is verbose
// and repetitive, so the panels are declared here once and written out; a unit test checks that the committed
// NDJSON is exactly what this produces, so the two cannot drift apart.
//   npx tsx dashboards/generate.ts        (rewrites dashboards/mailverdict.ndjson)
import { writeFileSync } from 'node:fs';
import { fileURLToPath } from 'node:url';

type Json = Record<string, unknown>;

export const DATA_VIEWS = {
  messages: { id: 'mailverdict-messages', title: 'mailverdict-2*', name: 'mailverdict messages' },
  alerts: { id: 'mailverdict-alerts', title: 'mailverdict-alerts*', name: 'mailverdict alerts' },
  deadletter: { id: 'mailverdict-deadletter', title: 'mailverdict-deadletter*', name: 'mailverdict dead letters' },
} as const;
type DataViewKey = keyof typeof DATA_VIEWS;

const INCOMPLETE = 'mailverdict.scan.status:(timeout OR fallback OR error)';
const MIGRATION = { coreMigrationVersion: '8.8.0' };
const LAYER = 'layer1';

// ---- Lens columns ----------------------------------------------------------------------------------------

const count = (label = 'Messages', filter?: string): Json => ({
  label, customLabel: true, dataType: 'number', operationType: 'count', isBucketed: false, scale: 'ratio',
  sourceField: '___records___', params: { emptyAsNull: false },
  ...(filter === undefined ? {} : { filter: { language: 'lucene', query: filter } }),
});
const dateHistogram = (field = '@timestamp'): Json => ({
  label: field, dataType: 'date', operationType: 'date_histogram', sourceField: field, isBucketed: true, scale: 'interval',
  params: { interval: 'auto', includeEmptyRows: true, dropPartials: false },
});
const terms = (field: string, label: string, size: number, orderColumn: string): Json => ({
  label, customLabel: true, dataType: 'string', operationType: 'terms', sourceField: field, isBucketed: true, scale: 'ordinal',
  params: { size, orderBy: { type: 'column', columnId: orderColumn }, orderDirection: 'desc', otherBucket: true, missingBucket: false, parentFormat: { id: 'terms' } },
});
const filtersColumn = (label: string, filters: { label: string; query: string }[]): Json => ({
  label, customLabel: true, dataType: 'string', operationType: 'filters', isBucketed: true, scale: 'ordinal',
  params: { filters: filters.map((f) => ({ label: f.label, input: { language: 'lucene', query: f.query } })) },
});
const histogram = (field: string, label: string): Json => ({
  label, customLabel: true, dataType: 'number', operationType: 'range', sourceField: field, isBucketed: true, scale: 'interval',
  params: { type: 'histogram', maxBars: 'auto', ranges: [{ from: 0, to: 1000, label: '' }], includeEmptyRows: true },
});

// ---- Lens visualizations ---------------------------------------------------------------------------------

interface LensSpec {
  id: string;
  title: string;
  dataView?: DataViewKey;
  query?: string;
  /** Columns in nesting order: bucket columns first, then metrics. */
  columns: Record<string, Json>;
  visualizationType: 'lnsXY' | 'lnsPie';
  visualization: Json;
  /** Extra layers (XY overlays), each with its own columns. */
  extraLayers?: Record<string, Record<string, Json>>;
}

function lens(spec: LensSpec): Json {
  const dv = DATA_VIEWS[spec.dataView ?? 'messages'];
  const layers: Record<string, Json> = {
    [LAYER]: { columns: spec.columns, columnOrder: Object.keys(spec.columns), incompleteColumns: {}, sampling: 1 },
  };
  for (const [id, columns] of Object.entries(spec.extraLayers ?? {})) {
    layers[id] = { columns, columnOrder: Object.keys(columns), incompleteColumns: {}, sampling: 1 };
  }
  return {
    id: spec.id,
    type: 'lens',
    attributes: {
      title: spec.title,
      description: '',
      visualizationType: spec.visualizationType,
      state: {
        visualization: spec.visualization,
        query: { language: 'lucene', query: spec.query ?? '' },
        filters: [],
        datasourceStates: { formBased: { layers } },
        internalReferences: [],
        adHocDataViews: {},
      },
    },
    references: Object.keys(layers).map((id) => ({ type: 'index-pattern', id: dv.id, name: `indexpattern-datasource-layer-${id}` })),
    ...MIGRATION,
    typeMigrationVersion: '8.9.0',
  };
}

function xy(layers: Json[], preferredSeriesType: string): Json {
  return {
    legend: { isVisible: true, position: 'right' }, valueLabels: 'hide', fittingFunction: 'None', preferredSeriesType,
    layers: layers.map((l) => ({ layerType: 'data', ...l })),
  };
}

function xyByTime(id: string, title: string, split: { field: string; label: string; size: number }, dataView: DataViewKey = 'messages', query?: string): Json {
  return lens({
    id, title, dataView, ...(query === undefined ? {} : { query }), visualizationType: 'lnsXY',
    columns: { x: dateHistogram(), split: terms(split.field, split.label, split.size, 'y'), y: count(dataView === 'messages' ? 'Messages' : 'Documents') },
    visualization: xy([{ layerId: LAYER, seriesType: 'bar_stacked', xAccessor: 'x', splitAccessor: 'split', accessors: ['y'] }], 'bar_stacked'),
  });
}

function donut(id: string, title: string, field: string, label: string, query?: string): Json {
  return lens({
    id, title, ...(query === undefined ? {} : { query }), visualizationType: 'lnsPie',
    columns: { group: terms(field, label, 10, 'y'), y: count() },
    visualization: {
      shape: 'donut',
      layers: [{ layerId: LAYER, layerType: 'data', primaryGroups: ['group'], metrics: ['y'], numberDisplay: 'percent', categoryDisplay: 'default', legendDisplay: 'default', nestedLegend: false }],
    },
  });
}

function topBars(id: string, title: string, field: string, label: string, size: number, query?: string): Json {
  return lens({
    id, title, ...(query === undefined ? {} : { query }), visualizationType: 'lnsXY',
    columns: { x: terms(field, label, size, 'y'), y: count() },
    visualization: xy([{ layerId: LAYER, seriesType: 'bar_horizontal', xAccessor: 'x', accessors: ['y'] }], 'bar_horizontal'),
  });
}

// ---- saved searches ----------------------------------------------------------------------------------------

function search(id: string, title: string, dataView: DataViewKey, query: string, columns: string[]): Json {
  return {
    id,
    type: 'search',
    attributes: {
      title, description: '', columns, sort: [['@timestamp', 'desc']], grid: {}, hideChart: true, isTextBasedQuery: false,
      kibanaSavedObjectMeta: {
        searchSourceJSON: JSON.stringify({ query: { language: 'lucene', query }, filter: [], indexRefName: 'kibanaSavedObjectMeta.searchSourceJSON.index' }),
      },
    },
    references: [{ type: 'index-pattern', id: DATA_VIEWS[dataView].id, name: 'kibanaSavedObjectMeta.searchSourceJSON.index' }],
    ...MIGRATION,
    typeMigrationVersion: '8.0.0',
  };
}

// ---- dashboards ----------------------------------------------------------------------------------------------

interface PanelSpec { object: Json; w: number; h: number }

function dashboard(id: string, title: string, description: string, rows: PanelSpec[][], controls: { field: string; title: string }[]): Json {
  const panels: Json[] = [];
  const references: Json[] = [];
  let y = 0;
  rows.forEach((row) => {
    let x = 0;
    for (const p of row) {
      const panelIndex = `p${panels.length + 1}`;
      panels.push({
        version: '8.9.0', type: p.object['type'], gridData: { x, y, w: p.w, h: p.h, i: panelIndex }, panelIndex,
        embeddableConfig: { enhancements: {} }, panelRefName: `panel_${panelIndex}`,
      });
      references.push({ name: `${panelIndex}:panel_${panelIndex}`, type: p.object['type'], id: p.object['id'] });
      x += p.w;
    }
    y += Math.max(...row.map((p) => p.h));
  });
  const controlPanels: Record<string, Json> = {};
  // Controls filter by message fields. Kibana skips a filter on a field a data view does not have only with the
  // advanced setting courier:ignoreFilterIfFieldNotInIndex; without it the alert panels go empty while one is set.
  controls.forEach((c, order) => {
    const cid = `control-${c.field.replace(/[^a-z0-9]+/gi, '-')}`;
    controlPanels[cid] = {
      order, width: 'medium', grow: true, type: 'optionsListControl',
      explicitInput: { id: cid, fieldName: c.field, title: c.title, selectedOptions: [], searchTechnique: 'prefix', sort: { by: '_count', direction: 'desc' } },
    };
    references.push({ name: `controlGroup_${cid}:optionsListDataView`, type: 'index-pattern', id: DATA_VIEWS.messages.id });
  });
  return {
    id,
    type: 'dashboard',
    attributes: {
      title, description, timeRestore: true, timeFrom: 'now-7d', timeTo: 'now', refreshInterval: { pause: false, value: 60_000 },
      optionsJSON: JSON.stringify({ useMargins: true, syncColors: false, syncCursor: true, syncTooltips: false, hidePanelTitles: false }),
      panelsJSON: JSON.stringify(panels),
      controlGroupInput: {
        controlStyle: 'oneLine', chainingSystem: 'HIERARCHICAL', showApplySelections: false,
        ignoreParentSettingsJSON: JSON.stringify({ ignoreFilters: false, ignoreQuery: false, ignoreTimerange: false, ignoreValidations: false }),
        panelsJSON: JSON.stringify(controlPanels),
      },
      kibanaSavedObjectMeta: { searchSourceJSON: JSON.stringify({ query: { language: 'lucene', query: '' }, filter: [] }) },
    },
    references,
    ...MIGRATION,
    typeMigrationVersion: '8.9.0',
  };
}

function dataView(key: DataViewKey): Json {
  const dv = DATA_VIEWS[key];
  return {
    id: dv.id, type: 'index-pattern',
    attributes: { title: dv.title, name: dv.name, timeFieldName: '@timestamp', allowNoIndex: true },
    references: [], ...MIGRATION, typeMigrationVersion: '8.0.0',
  };
}

export function savedObjects(): Json[] {
  const verdictsOverTime = xyByTime('mailverdict-verdicts-over-time', 'Messages by spam verdict', { field: 'mailverdict.spam.verdict', label: 'Verdict', size: 10 });
  const scanOverTime = lens({
    id: 'mailverdict-scan-status-over-time', title: 'Scan status over time (line: timeout + fallback + error)', visualizationType: 'lnsXY',
    columns: { x: dateHistogram(), split: terms('mailverdict.scan.status', 'Scan status', 10, 'y'), y: count() },
    extraLayers: { layer2: { x: dateHistogram(), y: count('Incomplete scans', INCOMPLETE) } },
    visualization: xy([
      { layerId: LAYER, seriesType: 'bar_stacked', xAccessor: 'x', splitAccessor: 'split', accessors: ['y'] },
      { layerId: 'layer2', seriesType: 'line', xAccessor: 'x', accessors: ['y'], yConfig: [{ forAccessor: 'y', color: '#E7664C', axisMode: 'left' }] },
    ], 'bar_stacked'),
  });
  const incompleteShare = lens({
    id: 'mailverdict-incomplete-share-by-gateway', title: 'Share of incomplete scans per gateway', visualizationType: 'lnsXY',
    columns: {
      x: terms('mailverdict.gateway', 'Gateway', 20, 'y'),
      split: filtersColumn('Scan', [{ label: 'incomplete (timeout, fallback, error)', query: INCOMPLETE }, { label: 'other', query: `NOT ${INCOMPLETE}` }]),
      y: count(),
    },
    visualization: xy([{ layerId: LAYER, seriesType: 'bar_horizontal_percentage_stacked', xAccessor: 'x', splitAccessor: 'split', accessors: ['y'], yConfig: [{ forAccessor: 'y' }] }], 'bar_horizontal_percentage_stacked'),
  });
  const scoreDistribution = lens({
    id: 'mailverdict-spam-score-distribution', title: 'Spam score distribution per product (each on its own scale)', visualizationType: 'lnsXY',
    columns: { x: histogram('mailverdict.spam.score', 'Spam score'), split: terms('observer.product', 'Product', 10, 'y'), y: count() },
    visualization: xy([{ layerId: LAYER, seriesType: 'bar_stacked', xAccessor: 'x', splitAccessor: 'split', accessors: ['y'] }], 'bar_stacked'),
  });
  const spf = donut('mailverdict-auth-spf', 'SPF results', 'mailverdict.auth.spf.result', 'SPF');
  const dkim = donut('mailverdict-auth-dkim', 'DKIM results', 'mailverdict.auth.dkim.result', 'DKIM');
  const dmarc = donut('mailverdict-auth-dmarc', 'DMARC results', 'mailverdict.auth.dmarc.result', 'DMARC');
  const rules = topBars('mailverdict-top-rules', 'Top fired rules', 'mailverdict.spam.rules', 'Rule', 15);
  const blocklists = topBars('mailverdict-top-blocklists', 'Top blocklists', 'mailverdict.blocklists', 'Blocklist', 15);
  const av = donut('mailverdict-av-status', 'Anti-virus status', 'mailverdict.av.status', 'Anti-virus');
  const phishing = donut('mailverdict-phishing-status', 'Phishing status', 'mailverdict.phishing.status', 'Phishing');
  const links = donut('mailverdict-links-status', 'Link scanning status', 'mailverdict.links.status', 'Links');
  const senders = topBars('mailverdict-top-spam-senders', 'Top envelope-sender domains among spam', 'mailverdict.sender_domain', 'Envelope sender domain', 15,
    'mailverdict.spam.verdict:(spam OR blocklisted)');
  const incompleteTable = search('mailverdict-recent-incomplete-scans', 'Recent incomplete scans', 'messages', INCOMPLETE, [
    'mailverdict.gateway', 'observer.hostname', 'mailverdict.scan.status', 'mailverdict.scan.raw', 'mailverdict.spam.verdict',
    'email.sender.address', 'email.subject', 'mailverdict.origin.mailbox',
  ]);
  const alertsOverTime = xyByTime('mailverdict-alerts-over-time', 'Alerts fired', { field: 'rule', label: 'Rule', size: 10 }, 'alerts', 'state:fired');
  const alertsTable = search('mailverdict-alert-history', 'Alert history', 'alerts', '', ['state', 'rule', 'gateway', 'count', 'total', 'share', 'baseline', 'message']);

  const deadLetters = xyByTime('mailverdict-dead-letters-over-time', 'Dead letters by error type', { field: 'error.type', label: 'Error type', size: 10 }, 'deadletter');
  const warnings = lens({
    id: 'mailverdict-parse-warnings-by-vendor', title: 'Parse warnings by vendor', visualizationType: 'lnsXY',
    columns: { x: terms('mailverdict.parse.warnings', 'Warning', 15, 'y'), split: terms('observer.vendor', 'Vendor', 10, 'y'), y: count() },
    visualization: xy([{ layerId: LAYER, seriesType: 'bar_horizontal_stacked', xAccessor: 'x', splitAccessor: 'split', accessors: ['y'] }], 'bar_horizontal_stacked'),
  });
  const deadLetterTable = search('mailverdict-dead-letter-list', 'Recent dead letters', 'deadletter', '', ['stage', 'error.type', 'reason', 'document_id', 'source.mailbox']);

  const main = dashboard('mailverdict-overview', 'Mail gateway verdicts',
    'Verdicts the mail gateways wrote into message headers; scans that did not complete (timeout, fallback, error) mean mail delivered unscanned.',
    [
      [{ object: verdictsOverTime, w: 24, h: 12 }, { object: scanOverTime, w: 24, h: 12 }],
      [{ object: incompleteShare, w: 24, h: 12 }, { object: scoreDistribution, w: 24, h: 12 }],
      [{ object: spf, w: 16, h: 10 }, { object: dkim, w: 16, h: 10 }, { object: dmarc, w: 16, h: 10 }],
      [{ object: av, w: 16, h: 10 }, { object: phishing, w: 16, h: 10 }, { object: links, w: 16, h: 10 }],
      [{ object: rules, w: 16, h: 14 }, { object: blocklists, w: 16, h: 14 }, { object: senders, w: 16, h: 14 }],
      [{ object: incompleteTable, w: 48, h: 14 }],
      [{ object: alertsOverTime, w: 16, h: 12 }, { object: alertsTable, w: 32, h: 12 }],
    ],
    [
      { field: 'mailverdict.gateway', title: 'Gateway' },
      { field: 'observer.hostname', title: 'Gateway host' },
      { field: 'observer.product', title: 'Product' },
      { field: 'mailverdict.origin.mailbox', title: 'Mailbox' },
    ]);
  const health = dashboard('mailverdict-pipeline-health', 'mailverdict pipeline health',
    'Documents Elasticsearch rejected (dead letters) and headers the parsers could not understand.',
    [
      [{ object: deadLetters, w: 24, h: 12 }, { object: warnings, w: 24, h: 12 }],
      [{ object: deadLetterTable, w: 48, h: 12 }],
    ],
    // No controls: the panels span two data views whose fields differ, a control would blank one of them.
    []);

  return [
    dataView('messages'), dataView('alerts'), dataView('deadletter'),
    verdictsOverTime, scanOverTime, incompleteShare, scoreDistribution, spf, dkim, dmarc, av, phishing, links, rules, blocklists, senders,
    incompleteTable, alertsOverTime, alertsTable, deadLetters, warnings, deadLetterTable, main, health,
  ];
}

export function renderNdjson(): string {
  return savedObjects().map((o) => JSON.stringify(o)).join('\n') + '\n';
}

export const NDJSON_PATH = fileURLToPath(new URL('./mailverdict.ndjson', import.meta.url));

if (process.argv[1] !== undefined && fileURLToPath(import.meta.url) === process.argv[1]) {
  writeFileSync(NDJSON_PATH, renderNdjson());
  process.stdout.write(`wrote ${NDJSON_PATH}\n`);
}
