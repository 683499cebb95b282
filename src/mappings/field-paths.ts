// Walks the JSON index templates in mappings/ (the single source of field types) so tests and dashboard checks
// can ask "is this field mapped, and as what?" without Elasticsearch. Pure: the caller loads the JSON.

/** The part of an Elasticsearch field mapping we look at. */
export interface FieldMapping {
  type?: string;
  enabled?: boolean;
  index?: boolean;
  doc_values?: boolean;
  properties?: Record<string, FieldMapping>;
  fields?: Record<string, FieldMapping>;
}

/** Type reported for an object mapped with `enabled: false`: kept in _source, not indexed, anything goes below it. */
export const DISABLED_OBJECT = 'object:disabled';

const NUMERIC_TYPES = new Set(['long', 'integer', 'short', 'byte', 'double', 'float', 'half_float', 'scaled_float', 'unsigned_long']);
const STRING_TYPES = new Set(['keyword', 'constant_keyword', 'wildcard', 'text', 'match_only_text', 'date', 'date_nanos', 'ip', 'version']);

/** Accepts a composable template body (`{ template: { mappings } }`), a `{ mappings }` object, or the mappings themselves. */
export function rootProperties(template: unknown): Record<string, FieldMapping> {
  const t = template as { template?: { mappings?: FieldMapping }; mappings?: FieldMapping; properties?: Record<string, FieldMapping> };
  const props = t.template?.mappings?.properties ?? t.mappings?.properties ?? t.properties;
  if (props === undefined || typeof props !== 'object') throw new Error('not an index template: no mappings.properties found');
  return props;
}

/**
 * Dotted path → type for every leaf field, multi-fields included (`email.subject.text` → `text`).
 * Objects with properties are walked (their own path is not a leaf); a disabled object is a leaf
 * of type {@link DISABLED_OBJECT}.
 */
export function mappedLeafFields(template: unknown): Map<string, string> {
  const out = new Map<string, string>();
  const walk = (props: Record<string, FieldMapping>, prefix: string): void => {
    for (const [name, m] of Object.entries(props)) {
      const path = prefix + name;
      if (m.enabled === false) out.set(path, DISABLED_OBJECT);
      else if (m.properties !== undefined) walk(m.properties, `${path}.`);
      else {
        out.set(path, m.type ?? 'object');
        for (const [sub, sm] of Object.entries(m.fields ?? {})) out.set(`${path}.${sub}`, sm.type ?? 'object');
      }
    }
  };
  walk(rootProperties(template), '');
  return out;
}

/** True when a field of this type can be used in terms aggregations and sorting (dashboards need it). */
export function isAggregatable(mapping: Map<string, string>, path: string): boolean {
  const type = mapping.get(path);
  return type !== undefined && type !== 'text' && type !== 'match_only_text' && type !== DISABLED_OBJECT && type !== 'object';
}

/**
 * Every leaf path of a document (arrays of objects walk into their elements, arrays of scalars are one leaf).
 * Empty objects and empty arrays contribute nothing: they carry no field.
 */
export function documentLeafPaths(doc: unknown): string[] {
  const out = new Set<string>();
  const walk = (value: unknown, path: string): void => {
    if (Array.isArray(value)) {
      for (const v of value) walk(v, path);
    } else if (value !== null && typeof value === 'object') {
      for (const [k, v] of Object.entries(value)) walk(v, path === '' ? k : `${path}.${k}`);
    } else if (value !== undefined && path !== '') {
      out.add(path);
    }
  };
  walk(doc, '');
  return [...out].sort();
}

/**
 * What Elasticsearch would reject or mangle under a strict template: fields that are not mapped, objects where
 * the mapping has a leaf (or the reverse), and scalars whose JSON type cannot go into the mapped type.
 * Nothing below a disabled object is checked. Returns one line per problem, empty when the document fits.
 */
export function mappingProblems(doc: unknown, template: unknown): string[] {
  const problems: string[] = [];
  const walk = (value: unknown, m: FieldMapping, path: string): void => {
    if (m.enabled === false || value === null || value === undefined) return;
    if (Array.isArray(value)) {
      for (const v of value) walk(v, m, path);
      return;
    }
    if (typeof value === 'object') {
      if (m.properties === undefined) {
        problems.push(`${path}: object in the document, mapped as ${m.type ?? 'object'}`);
        return;
      }
      walkProps(value as Record<string, unknown>, m.properties, `${path}.`);
      return;
    }
    if (m.properties !== undefined) {
      problems.push(`${path}: ${typeof value} in the document, mapped as an object`);
      return;
    }
    const type = m.type ?? 'object';
    const fits =
      typeof value === 'number' ? NUMERIC_TYPES.has(type) || type === 'keyword' || type === 'date'
      : typeof value === 'boolean' ? type === 'boolean' || type === 'keyword'
      : typeof value === 'string' ? STRING_TYPES.has(type) || (NUMERIC_TYPES.has(type) && value.trim() !== '' && Number.isFinite(Number(value)))
      : false;
    if (!fits) problems.push(`${path}: ${typeof value} ${JSON.stringify(value).slice(0, 40)} does not fit mapped type ${type}`);
  };
  const walkProps = (obj: Record<string, unknown>, props: Record<string, FieldMapping>, prefix: string): void => {
    for (const [k, v] of Object.entries(obj)) {
      if (v === undefined) continue;
      const m = props[k];
      if (m === undefined) problems.push(`${prefix}${k}: not mapped`);
      else walk(v, m, prefix + k);
    }
  };
  walkProps(doc as Record<string, unknown>, rootProperties(template), '');
  return problems;
}
