// Authoring tool for dashboards/mailverdict.ndjson (the versioned artifact Kibana imports). Lens state is verbose
// and repetitive, so the panels are declared here once and written out; a unit test checks that the committed
// NDJSON is exactly what this produces, so the two cannot drift apart.
//   npx tsx dashboards/generate.ts        (rewrites dashboards/mailverdict.ndjson)
import { writeFileSync } from 'node:fs';
import { fileURLToPath } from 'node:url';
import { SPAM_VERDICTS } from '../src/document/enums.js';

type Json = Record<string, unknown>;

export const DATA_VIEWS = {
  messages: { id: 'mailverdict-messages', title: 'mailverdict-2*', name: 'mailverdict messages' },
  alerts: { id: 'mailverdict-alerts', title: 'mailverdict-alerts*', name: 'mailverdict alerts' },
  deadletter: { id: 'mailverdict-deadletter', title: 'mailverdict-deadletter*', name: 'mailverdict dead letters' },
} as const;
type DataViewKey = keyof typeof DATA_VIEWS;

const INCOMPLETE = 'mailverdict.scan.status : (timeout or fallback or error)';
/** The two sources of documents: message headers (quarantine, replay) and gateway logs (listen, replay --log). */
const HEADERS = 'event.dataset : "mailverdict.message"';
const LOGS = 'event.dataset : "mailverdict.log"';
const SOURCES = [{ label: 'message headers', query: HEADERS }, { label: 'gateway logs', query: LOGS }];
/** Where a message came from (mailbox of the quarantine account); the alert documents of a silent collector too. */
const MAILBOX_FIELD = 'mailverdict.origin.mailbox';

/**
 * Gateway ids (parser ids) that give a spam verdict or a scan status. Lens cannot filter a bucket by its own key,
 * so the per-gateway rates are one formula per gateway: this gateway's entries in the per-gateway arrays over
 * the messages it gave a result for. A gateway that is not in the data draws no line.
 */
export const RATE_GATEWAYS = [
  'ksmg', 'klms', 'kse', 'spamtest', 'imail', 'ctch', 'exchange', 'eop', 'spamassassin', 'rspamd', 'amavis', 'trendmicro',
  'proofpoint', 'sophos', 'mimecast', 'ironport', 'barracuda', 'bess', 'fortimail', 'declude', 'symantec', 'cloudmark',
  'bogofilter', 'messagesniffer',
] as const;
/** Spam scales common enough for their own score panel: one axis never mixes two vendors' scales. */
export const SCORE_SCALES = [
  { scale: 'kaspersky_rate_0_100', title: 'Kaspersky spam rate (0–100)' },
  { scale: 'scl_-1_9', title: 'Microsoft SCL (−1–9)' },
  { scale: 'sa_points', title: 'SpamAssassin points' },
  { scale: 'rspamd_points', title: 'rspamd points' },
] as const;
const MIGRATION = { coreMigrationVersion: '8.8.0' };
const LAYER = 'layer1';

// ---- Lens columns ----------------------------------------------------------------------------------------

const count = (label = 'Messages', filter?: string): Json => ({
  label, customLabel: true, dataType: 'number', operationType: 'count', isBucketed: false, scale: 'ratio',
  sourceField: '___records___', params: { emptyAsNull: false },
  ...(filter === undefined ? {} : { filter: { language: 'kuery', query: filter } }),
});
/** A Lens formula `count(kql=numerator) / count(kql=denominator)` as Lens stores it: the formula column, its two
 * filtered counts and the math column that divides them (ids `<id>X0`, `<id>X1`, `<id>X2`). */
const ratio = (id: string, label: string, numerator: string, denominator: string): Record<string, Json> => {
  if (/['\\]/.test(numerator + denominator)) throw new Error(`${id}: a formula's KQL must not contain quotes or backslashes`);
  const formula = `count(kql='${numerator}') / count(kql='${denominator}')`;
  const part = `Part of ${label}`;
  return {
    [`${id}X0`]: { ...count(part, numerator), customLabel: true },
    [`${id}X1`]: { ...count(part, denominator), customLabel: true },
    [`${id}X2`]: {
      label: part, customLabel: true, dataType: 'number', operationType: 'math', isBucketed: false, scale: 'ratio',
      params: { tinymathAst: { type: 'function', name: 'divide', args: [`${id}X0`, `${id}X1`], location: { min: 0, max: formula.length }, text: formula } },
      references: [`${id}X0`, `${id}X1`],
    },
    [id]: {
      label, customLabel: true, dataType: 'number', operationType: 'formula', isBucketed: false, scale: 'ratio',
      params: { formula, isFormulaBroken: false, format: { id: 'percent', params: { decimals: 1 } } },
      references: [`${id}X2`],
    },
  };
};
const dateHistogram = (field = '@timestamp'): Json => ({
  label: field, dataType: 'date', operationType: 'date_histogram', sourceField: field, isBucketed: true, scale: 'interval',
  params: { interval: 'auto', includeEmptyRows: true, dropPartials: false },
});
/** `includeRegex`: only values matching it become buckets (Lens terms "include values", regular expression). */
const terms = (field: string, label: string, size: number, orderColumn: string, includeRegex?: string): Json => ({
  label, customLabel: true, dataType: 'string', operationType: 'terms', sourceField: field, isBucketed: true, scale: 'ordinal',
  params: {
    size, orderBy: { type: 'column', columnId: orderColumn }, orderDirection: 'desc', otherBucket: true, missingBucket: false, parentFormat: { id: 'terms' },
    ...(includeRegex === undefined ? {} : { include: [includeRegex], includeIsRegex: true, exclude: [], excludeIsRegex: false }),
  },
});
const filtersColumn = (label: string, filters: { label: string; query: string }[]): Json => ({
  label, customLabel: true, dataType: 'string', operationType: 'filters', isBucketed: true, scale: 'ordinal',
  params: { filters: filters.map((f) => ({ label: f.label, input: { language: 'kuery', query: f.query } })) },
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
        query: { language: 'kuery', query: spec.query ?? '' },
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

function search(id: string, title: string, dataView: DataViewKey, query: string, columns: string[], options: { description?: string; sort?: [string, 'asc' | 'desc'][] } = {}): Json {
  return {
    id,
    type: 'search',
    attributes: {
      title, description: options.description ?? '', columns, sort: options.sort ?? [['@timestamp', 'desc']], grid: {}, hideChart: true, isTextBasedQuery: false,
      kibanaSavedObjectMeta: {
        searchSourceJSON: JSON.stringify({ query: { language: 'kuery', query }, filter: [], indexRefName: 'kibanaSavedObjectMeta.searchSourceJSON.index' }),
      },
    },
    references: [{ type: 'index-pattern', id: DATA_VIEWS[dataView].id, name: 'kibanaSavedObjectMeta.searchSourceJSON.index' }],
    ...MIGRATION,
    typeMigrationVersion: '8.0.0',
  };
}

// ---- dashboards ----------------------------------------------------------------------------------------------

interface PanelSpec {
  object: Json;
  w: number;
  h: number;
  /** Clicking a value opens Discover filtered on it (Lens "Open in Discover" drilldown on the filter trigger). */
  discover?: boolean;
}

function discoverDrilldown(panelId: string): Json {
  return {
    dynamicActions: {
      events: [{
        eventId: `${panelId}-open-in-discover`,
        triggers: ['FILTER_TRIGGER'],
        action: { factoryId: 'OPEN_IN_DISCOVER_DRILLDOWN', name: 'Open these messages in Discover', config: { openInNewTab: false } },
      }],
    },
  };
}

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
        embeddableConfig: { enhancements: p.discover === true ? discoverDrilldown(String(p.object['id'])) : {} }, panelRefName: `panel_${panelIndex}`,
      });
      references.push({ name: `${panelIndex}:panel_${panelIndex}`, type: p.object['type'], id: p.object['id'] });
      x += p.w;
    }
    y += Math.max(...row.map((p) => p.h));
  });
  const controlPanels: Record<string, Json> = {};
  // Controls filter every panel, the alert panels too: the alert documents carry the same gateway, host and
  // mailbox fields (mappings/alerts-template.json), so a selection keeps the alerts of that gateway or mailbox.
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
      kibanaSavedObjectMeta: { searchSourceJSON: JSON.stringify({ query: { language: 'kuery', query: '' }, filter: [] }) },
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
  const spamRate = lens({
    id: 'mailverdict-spam-rate-by-gateway', title: 'Spam rate (%) per gateway (spam or blocklisted, of the messages it gave a verdict)', visualizationType: 'lnsXY',
    columns: {
      x: dateHistogram(),
      ...Object.assign({}, ...RATE_GATEWAYS.map((g) => ratio(`spam_${g}`, g,
        `mailverdict.spam.by_gateway : ("${g}:spam" or "${g}:blocklisted")`,
        `mailverdict.spam.by_gateway : (${SPAM_VERDICTS.map((v) => `"${g}:${v}"`).join(' or ')})`))) as Record<string, Json>,
    },
    visualization: xy([{ layerId: LAYER, seriesType: 'line', xAccessor: 'x', accessors: RATE_GATEWAYS.map((g) => `spam_${g}`) }], 'line'),
  });
  const incompleteRate = lens({
    id: 'mailverdict-incomplete-rate-by-gateway', title: 'Incomplete scans (%) per gateway (timeout, fallback, error, of the messages it stamped)', visualizationType: 'lnsXY',
    columns: {
      x: dateHistogram(),
      ...Object.assign({}, ...RATE_GATEWAYS.map((g) => ratio(`scan_${g}`, g,
        `mailverdict.scan.by_gateway : ("${g}:timeout" or "${g}:fallback" or "${g}:error")`, `mailverdict.gateway_ids : "${g}"`))) as Record<string, Json>,
    },
    visualization: xy([{ layerId: LAYER, seriesType: 'line', xAccessor: 'x', accessors: RATE_GATEWAYS.map((g) => `scan_${g}`) }], 'line'),
  });
  const perGateway = topBars('mailverdict-messages-by-gateway', 'Messages per gateway (each gateway that stamped them)', 'mailverdict.gateway_ids', 'Gateway', 30);
  const perNode = lens({
    id: 'mailverdict-scan-status-by-gateway-node', title: 'Scan status per gateway node (each node over the messages it stamped, by its own status)', visualizationType: 'lnsXY',
    columns: { x: terms('mailverdict.scan.by_gateway_node', 'Gateway node : scan status', 40, 'y'), y: count() },
    visualization: xy([{ layerId: LAYER, seriesType: 'bar_horizontal', xAccessor: 'x', accessors: ['y'] }], 'bar_horizontal'),
  });
  // The query picks the messages with an incomplete scan somewhere; the include pattern keeps only the entries that
  // are incomplete, or the other gateways that stamped those messages would show up with their own statuses.
  const incompletePerNode = lens({
    id: 'mailverdict-incomplete-by-gateway-node', title: 'Incomplete scans per gateway node', visualizationType: 'lnsXY',
    query: 'mailverdict.scan.by_gateway_node : (*\\:timeout or *\\:fallback or *\\:error)',
    columns: { x: terms('mailverdict.scan.by_gateway_node', 'Gateway node : scan status', 20, 'y', '.*:(timeout|fallback|error)'), y: count() },
    visualization: xy([{ layerId: LAYER, seriesType: 'bar_horizontal', xAccessor: 'x', accessors: ['y'] }], 'bar_horizontal'),
  });
  const scorePanels = SCORE_SCALES.map((sc) => lens({
    id: `mailverdict-spam-score-${sc.scale.replace(/[^a-z0-9]+/g, '-').replace(/-$/, '')}`, title: `Spam score: ${sc.title}`, visualizationType: 'lnsXY',
    query: `mailverdict.spam.scale : "${sc.scale}"`,
    columns: { x: histogram('mailverdict.spam.score', 'Spam score'), y: count() },
    visualization: xy([{ layerId: LAYER, seriesType: 'bar', xAccessor: 'x', accessors: ['y'] }], 'bar'),
  }));
  const spf = donut('mailverdict-auth-spf', 'SPF results', 'mailverdict.auth.spf.result', 'SPF');
  const dkim = donut('mailverdict-auth-dkim', 'DKIM results', 'mailverdict.auth.dkim.result', 'DKIM');
  const dmarc = donut('mailverdict-auth-dmarc', 'DMARC results', 'mailverdict.auth.dmarc.result', 'DMARC');
  const rules = topBars('mailverdict-top-rules', 'Top fired rules', 'mailverdict.spam.rules', 'Rule', 15);
  const blocklists = topBars('mailverdict-top-blocklists', 'Top blocklists', 'mailverdict.blocklists', 'Blocklist', 15);
  const av = donut('mailverdict-av-status', 'Anti-virus status', 'mailverdict.av.status', 'Anti-virus');
  const phishing = donut('mailverdict-phishing-status', 'Phishing status', 'mailverdict.phishing.status', 'Phishing');
  const links = donut('mailverdict-links-status', 'Link scanning status', 'mailverdict.links.status', 'Links');
  const senders = topBars('mailverdict-top-spam-senders', 'Top envelope-sender domains among spam', 'mailverdict.sender_domain', 'Envelope sender domain', 15,
    'mailverdict.spam.verdict : (spam or blocklisted)');
  const incompleteTable = search('mailverdict-recent-incomplete-scans', 'Recent incomplete scans', 'messages', INCOMPLETE, [
    'mailverdict.gateway', 'observer.hostname', 'mailverdict.scan.status', 'mailverdict.scan.by_gateway_node', 'mailverdict.scan.raw',
    'mailverdict.spam.verdict', 'email.sender.address', 'email.subject', MAILBOX_FIELD,
  ]);
  const alertsOverTime = xyByTime('mailverdict-alerts-over-time', 'Alerts fired', { field: 'rule', label: 'Rule', size: 10 }, 'alerts', 'state : fired');
  const alertsTable = search('mailverdict-alert-history', 'Alert history', 'alerts', '',
    ['state', 'rule', 'gateway', 'observer.hostname', 'count', 'total', 'share', 'baseline', 'message']);

  // Gateway logs beside message headers: a message's header document and its log events meet on email.message_id.
  const bySource = lens({
    id: 'mailverdict-documents-by-source', title: 'Documents by source (message headers vs gateway logs)', visualizationType: 'lnsXY',
    columns: { x: dateHistogram(), split: filtersColumn('Source', SOURCES), y: count('Documents') },
    visualization: xy([{ layerId: LAYER, seriesType: 'bar_stacked', xAccessor: 'x', splitAccessor: 'split', accessors: ['y'] }], 'bar_stacked'),
  });
  const logKinds = lens({
    id: 'mailverdict-log-events-by-kind', title: 'Log events per family and kind', visualizationType: 'lnsXY', query: LOGS,
    columns: { x: terms('mailverdict.log.kind', 'Kind', 20, 'y'), split: terms('mailverdict.log.family', 'Log family', 10, 'y'), y: count('Log events') },
    visualization: xy([{ layerId: LAYER, seriesType: 'bar_horizontal_stacked', xAccessor: 'x', splitAccessor: 'split', accessors: ['y'] }], 'bar_horizontal_stacked'),
  });
  const logIncompleteOverTime = xyByTime('mailverdict-log-incomplete-over-time', 'Incomplete scans in gateway logs (timeout, fallback, error, by status)',
    { field: 'mailverdict.scan.status', label: 'Scan status', size: 5 }, 'messages', `${LOGS} and ${INCOMPLETE}`);
  // Mail delivered after a timeout never reaches a quarantine: the logs see incomplete scans the headers cannot.
  const incompleteBySource = lens({
    id: 'mailverdict-incomplete-by-source', title: 'Incomplete scans per gateway, seen in message headers vs gateway logs', visualizationType: 'lnsXY', query: INCOMPLETE,
    // By gateway, not host: a header document names its gateway's host only when the headers or the trace do.
    columns: { x: terms('mailverdict.gateway', 'Gateway', 20, 'y'), split: filtersColumn('Source', SOURCES), y: count('Incomplete scans') },
    visualization: xy([{ layerId: LAYER, seriesType: 'bar_horizontal', xAccessor: 'x', splitAccessor: 'split', accessors: ['y'] }], 'bar_horizontal'),
  });
  const messageTrail = search('mailverdict-message-trail', 'Message trail (header document and log events of one message)', 'messages', 'email.message_id : *', [
    'event.dataset', 'mailverdict.log.family', 'mailverdict.log.kind', 'observer.hostname', 'mailverdict.gateway', 'mailverdict.spam.verdict',
    'mailverdict.scan.status', 'mailverdict.action.type', 'mailverdict.gateway_mid', 'email.message_id', 'email.subject', MAILBOX_FIELD,
  ], {
    description: 'Add a filter on one email.message_id (the + beside a value) to see its quarantine header document and every gateway log event in order.',
    sort: [['@timestamp', 'asc']],
  });

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
      [{ object: spamRate, w: 24, h: 12 }, { object: incompleteRate, w: 24, h: 12 }],
      [{ object: perGateway, w: 16, h: 12, discover: true }, { object: perNode, w: 16, h: 12, discover: true }, { object: incompletePerNode, w: 16, h: 12, discover: true }],
      scorePanels.map((object) => ({ object, w: 12, h: 10 })),
      [{ object: spf, w: 16, h: 10 }, { object: dkim, w: 16, h: 10 }, { object: dmarc, w: 16, h: 10 }],
      [{ object: av, w: 16, h: 10 }, { object: phishing, w: 16, h: 10 }, { object: links, w: 16, h: 10 }],
      [{ object: rules, w: 16, h: 14 }, { object: blocklists, w: 16, h: 14 }, { object: senders, w: 16, h: 14 }],
      [{ object: incompleteTable, w: 48, h: 14 }],
      [{ object: alertsOverTime, w: 16, h: 12 }, { object: alertsTable, w: 32, h: 12 }],
    ],
    [
      { field: 'mailverdict.gateway_ids', title: 'Gateway' },
      { field: 'observer.hostname', title: 'Gateway host' },
      { field: MAILBOX_FIELD, title: 'Mailbox' },
    ]);
  const logs = dashboard('mailverdict-gateway-logs', 'Gateway logs and message trails',
    'Gateway log events (mailverdict listen, replay --log) beside the quarantine header documents: every message, including mail delivered after a scan timeout that no quarantine sees.',
    [
      [{ object: bySource, w: 24, h: 12 }, { object: logIncompleteOverTime, w: 24, h: 12 }],
      [{ object: logKinds, w: 24, h: 14, discover: true }, { object: incompleteBySource, w: 24, h: 14, discover: true }],
      [{ object: messageTrail, w: 48, h: 16 }],
    ],
    // Log events name their gateway in mailverdict.gateway (they have no per-gateway arrays), so the controls here
    // are those both sources carry, and the log family.
    [
      { field: 'mailverdict.gateway', title: 'Gateway' },
      { field: 'observer.hostname', title: 'Gateway host' },
      { field: 'mailverdict.log.family', title: 'Log family' },
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
    verdictsOverTime, scanOverTime, spamRate, incompleteRate, perGateway, perNode, incompletePerNode, ...scorePanels, spf, dkim, dmarc, av, phishing, links, rules, blocklists, senders,
    incompleteTable, alertsOverTime, alertsTable, bySource, logKinds, logIncompleteOverTime, incompleteBySource, messageTrail,
    deadLetters, warnings, deadLetterTable, main, logs, health,
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
