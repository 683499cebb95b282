// Replica shards of the indices mailverdict owns: `elasticsearch.replicas` written into the index templates and
// compared with what the cluster holds. Without the option the files in mappings/ decide (auto-expand 0-1: no
// replica on one node, one once there are two), which is how every installation ran before the option existed.

/** A replica setting as both engines report it back: strings, `auto_expand_replicas` "false" when off. */
export interface ReplicaSetting {
  numberOfReplicas: string;
  autoExpandReplicas: string;
}

type Settings = Record<string, unknown>;

/**
 * The template body with `replicas` applied: a fixed count, auto-expansion off (it would override the count).
 * `undefined` leaves the body as the file has it.
 */
export function withReplicas<T extends Record<string, unknown>>(body: T, replicas: number | undefined): T {
  if (replicas === undefined) return body;
  const template = (body['template'] ?? {}) as Settings;
  const settings = (template['settings'] ?? {}) as Settings;
  const index = (settings['index'] ?? {}) as Settings;
  return {
    ...body,
    template: {
      ...template,
      settings: { ...settings, index: { ...index, number_of_replicas: replicas, auto_expand_replicas: false } },
    },
  };
}

/** The replica setting in index or template settings, nested (`{ index: { number_of_replicas } }`) or flat. */
export function replicaSettingOf(settings: unknown): ReplicaSetting {
  const s = (typeof settings === 'object' && settings !== null ? settings : {}) as Settings;
  const index = (typeof s['index'] === 'object' && s['index'] !== null ? s['index'] : {}) as Settings;
  const read = (key: string): unknown => index[key] ?? s[`index.${key}`] ?? s[key];
  const replicas = read('number_of_replicas');
  const autoExpand = read('auto_expand_replicas');
  return {
    // Elasticsearch's own default for an index that does not say.
    numberOfReplicas: replicas === undefined || replicas === null ? '1' : String(replicas),
    autoExpandReplicas: autoExpand === undefined || autoExpand === null ? 'false' : String(autoExpand),
  };
}

/**
 * Whether `actual` is what `wanted` asks for. Under auto-expansion the engine moves the count itself as nodes come
 * and go, so only the range is compared then.
 */
export function replicasMatch(actual: ReplicaSetting, wanted: ReplicaSetting): boolean {
  if (actual.autoExpandReplicas !== wanted.autoExpandReplicas) return false;
  return wanted.autoExpandReplicas !== 'false' || actual.numberOfReplicas === wanted.numberOfReplicas;
}

/** "1 replica", "0 replicas", "auto-expanding replicas 0-1". */
export function describeReplicas(r: ReplicaSetting): string {
  if (r.autoExpandReplicas !== 'false') return `auto-expanding replicas ${r.autoExpandReplicas}`;
  return `${r.numberOfReplicas} ${r.numberOfReplicas === '1' ? 'replica' : 'replicas'}`;
}

/** The settings that make an existing index match `wanted` (for PUT <index>/_settings). */
export function replicaSettingsBody(wanted: ReplicaSetting): Settings {
  return wanted.autoExpandReplicas === 'false'
    ? { index: { auto_expand_replicas: false, number_of_replicas: Number(wanted.numberOfReplicas) } }
    : { index: { auto_expand_replicas: wanted.autoExpandReplicas } };
}
