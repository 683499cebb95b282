// Reads Kibana saved-object NDJSON (what dashboards/ ships and `_import` takes) and answers the structural
// questions the checks need: does every line parse, does every reference resolve, which data view does a panel
// query, which fields does it touch. Pure: the caller reads the file.

export interface SavedObjectReference {
  type: string;
  id: string;
  name: string;
}

export interface SavedObject {
  id: string;
  type: string;
  attributes: Record<string, unknown>;
  references: SavedObjectReference[];
}

/** One object per non-empty line; throws naming the line that is not a saved object. */
export function parseNdjson(text: string): SavedObject[] {
  const out: SavedObject[] = [];
  text.split('\n').forEach((line, i) => {
    if (line.trim() === '') return;
    let value: unknown;
    try {
      value = JSON.parse(line);
    } catch (err) {
      throw new Error(`line ${i + 1}: not JSON (${(err as Error).message})`);
    }
    const o = value as Partial<SavedObject>;
    if (typeof o.id !== 'string' || typeof o.type !== 'string' || typeof o.attributes !== 'object' || o.attributes === null || !Array.isArray(o.references)) {
      throw new Error(`line ${i + 1}: expected a saved object with id, type, attributes and references`);
    }
    out.push(o as SavedObject);
  });
  return out;
}

/** References that point at no object in the set, duplicate ids, and panel/reference names that do not match. */
export function referenceProblems(objects: readonly SavedObject[]): string[] {
  const problems: string[] = [];
  const known = new Set<string>();
  for (const o of objects) {
    const key = `${normalizeType(o.type)}:${o.id}`;
    if (known.has(key)) problems.push(`${key}: duplicate id`);
    known.add(key);
  }
  for (const o of objects) {
    for (const r of o.references) {
      if (!known.has(`${normalizeType(r.type)}:${r.id}`)) problems.push(`${o.type}:${o.id}: reference ${r.name} → ${r.type}:${r.id} does not exist`);
    }
    const names = new Set(o.references.map((r) => r.name));
    if (o.type === 'dashboard') {
      for (const p of dashboardPanels(o)) {
        if (p.panelRefName === undefined || !names.has(`${p.panelIndex}:${p.panelRefName}`)) {
          problems.push(`dashboard:${o.id}: panel ${p.panelIndex} has no matching reference`);
        }
      }
      for (const c of dashboardControls(o)) {
        if (!names.has(`controlGroup_${c.id}:optionsListDataView`)) problems.push(`dashboard:${o.id}: control ${c.id} has no data view reference`);
      }
    }
    if (o.type === 'lens') {
      for (const layerId of Object.keys(lensLayers(o))) {
        if (!names.has(`indexpattern-datasource-layer-${layerId}`)) problems.push(`lens:${o.id}: layer ${layerId} has no data view reference`);
      }
    }
    if (o.type === 'search' && !names.has('kibanaSavedObjectMeta.searchSourceJSON.index')) {
      problems.push(`search:${o.id}: no data view reference`);
    }
  }
  return problems;
}

function normalizeType(type: string): string {
  return type === 'indexpattern' ? 'index-pattern' : type;
}

export interface DashboardPanel {
  panelIndex: string;
  type: string;
  panelRefName?: string;
}

export function dashboardPanels(o: SavedObject): DashboardPanel[] {
  const json = o.attributes['panelsJSON'];
  return typeof json === 'string' ? (JSON.parse(json) as DashboardPanel[]) : [];
}

export interface DashboardControl {
  id: string;
  type: string;
  fieldName: string;
}

export function dashboardControls(o: SavedObject): DashboardControl[] {
  const input = o.attributes['controlGroupInput'] as { panelsJSON?: string } | undefined;
  if (input?.panelsJSON === undefined) return [];
  const panels = JSON.parse(input.panelsJSON) as Record<string, { type: string; explicitInput: { fieldName: string } }>;
  return Object.entries(panels).map(([id, p]) => ({ id, type: p.type, fieldName: p.explicitInput.fieldName }));
}

export interface LensColumn {
  label?: string;
  operationType: string;
  sourceField?: string;
  isBucketed: boolean;
  params?: Record<string, unknown>;
  filter?: { language: string; query: string };
  /** Formula and math columns: the columns they are computed from. */
  references?: string[];
}

export interface LensLayer {
  columns: Record<string, LensColumn>;
  columnOrder: string[];
}

export function lensLayers(o: SavedObject): Record<string, LensLayer> {
  const state = o.attributes['state'] as { datasourceStates?: { formBased?: { layers?: Record<string, LensLayer> } } } | undefined;
  return state?.datasourceStates?.formBased?.layers ?? {};
}

export function lensQuery(o: SavedObject): { language: string; query: string } {
  const state = o.attributes['state'] as { query?: { language: string; query: string } } | undefined;
  return state?.query ?? { language: 'kuery', query: '' };
}

export interface SearchSource {
  query: { language: string; query: string };
}

export function searchSource(o: SavedObject): SearchSource {
  const meta = o.attributes['kibanaSavedObjectMeta'] as { searchSourceJSON?: string } | undefined;
  const parsed = JSON.parse(meta?.searchSourceJSON ?? '{}') as Partial<SearchSource>;
  return { query: parsed.query ?? { language: 'kuery', query: '' } };
}

/** The data view object a layer / saved search / control refers to. */
export function referencedDataView(objects: readonly SavedObject[], o: SavedObject, refName: string): SavedObject | undefined {
  const ref = o.references.find((r) => r.name === refName);
  if (ref === undefined) return undefined;
  return objects.find((x) => normalizeType(x.type) === 'index-pattern' && x.id === ref.id);
}

/**
 * Field names a Lucene query string mentions (`field:value`, `field:(a OR b)`, `_exists_:field`). Deliberately
 * simple: the dashboards only use this subset, and a field we cannot see is a field a test cannot check.
 */
export function luceneFields(query: string): string[] {
  const out = new Set<string>();
  let token = '';
  for (let i = 0; i <= query.length; i++) {
    const ch = query[i] ?? ' ';
    if (/[A-Za-z0-9_.@]/.test(ch)) {
      token += ch;
      continue;
    }
    if (ch === ':' && token !== '' && query[i - 1] !== '\\') {
      if (token === '_exists_') {
        const m = /^[A-Za-z0-9_.@]+/.exec(query.slice(i + 1));
        if (m !== null) out.add(m[0]);
      } else {
        out.add(token);
      }
    }
    token = '';
  }
  return [...out];
}
