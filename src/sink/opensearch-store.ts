// The SearchStore on OpenSearch's official client (@opensearch-project/opensearch). The Elasticsearch client
// cannot be used there: it refuses responses without Elasticsearch's product header, and OpenSearch answers its
// compatibility media types with 406. Requests come in Elasticsearch's shape (parameters and body fields side by
// side); OpenSearch's client wants the body fields under `body` and returns `{ body }`, so each call is split and
// unwrapped here. The response bodies are the same JSON in both engines for everything mailverdict asks.
import { Client, type ClientOptions } from '@opensearch-project/opensearch';
import type { SearchStore, StoreRequestOptions } from './search-store.js';

type ApiCall = (params: Record<string, unknown>, options?: StoreRequestOptions) => Promise<{ body: unknown }>;

/** Parameters that travel in the URL for the "everything else is the body" calls (put mapping, templates...). */
const URL_PARAMS = new Set([
  'index', 'name', 'id', 'allow_no_indices', 'ignore_unavailable', 'expand_wildcards', 'timeout', 'master_timeout',
  'cluster_manager_timeout', 'create', 'cause', 'filter_path', 'write_index_only', 'wait_for_active_shards',
]);

const SEARCH_BODY = new Set([
  'query', 'aggs', 'aggregations', 'size', 'from', 'sort', '_source', 'track_total_hits', 'post_filter',
  'search_after', 'collapse', 'highlight', 'fields', 'docvalue_fields', 'script_fields', 'min_score',
]);

/** `bodyKeys`: the request fields that form the body; 'rest' = all but URL_PARAMS; `document`/`operations`/`settings` = that field is the body. */
type BodyRule = ReadonlySet<string> | 'rest' | 'none' | { field: string };

function split(request: object | undefined, rule: BodyRule): Record<string, unknown> {
  const params: Record<string, unknown> = {};
  if (request === undefined) return params;
  if (rule === 'none') return { ...request };
  if (typeof rule === 'object' && 'field' in rule) {
    for (const [key, value] of Object.entries(request)) {
      if (key === rule.field) params['body'] = value;
      else params[key] = value;
    }
    return params;
  }
  const body: Record<string, unknown> = {};
  for (const [key, value] of Object.entries(request)) {
    if (value === undefined) continue;
    const inBody = rule === 'rest' ? !URL_PARAMS.has(key) : rule.has(key);
    if (inBody) body[key] = value;
    else params[key] = value;
  }
  if (Object.keys(body).length > 0) params['body'] = body;
  return params;
}

export class OpenSearchStore implements SearchStore {
  readonly indices: SearchStore['indices'];
  readonly cluster: SearchStore['cluster'];

  constructor(private readonly client: Client) {
    const api = (fn: unknown, rule: BodyRule) => this.caller(fn, rule);
    const indices = client.indices;
    this.indices = {
      refresh: api(indices.refresh.bind(indices), 'none'),
      get: api(indices.get.bind(indices), 'none'),
      getMapping: api(indices.getMapping.bind(indices), 'none'),
      putMapping: api(indices.putMapping.bind(indices), 'rest'),
      putSettings: api(indices.putSettings.bind(indices), { field: 'settings' }),
      create: api(indices.create.bind(indices), 'rest'),
      close: api(indices.close.bind(indices), 'none'),
      delete: api(indices.delete.bind(indices), 'none'),
      putAlias: api(indices.putAlias.bind(indices), 'rest'),
      resolveIndex: api(indices.resolveIndex.bind(indices), 'none'),
      putIndexTemplate: api(indices.putIndexTemplate.bind(indices), 'rest'),
      getIndexTemplate: api(indices.getIndexTemplate.bind(indices), 'none'),
      deleteIndexTemplate: api(indices.deleteIndexTemplate.bind(indices), 'none'),
    } as SearchStore['indices'];
    this.cluster = { health: api(client.cluster.health.bind(client.cluster), 'none') } as SearchStore['cluster'];
    this.search = api(client.search.bind(client), SEARCH_BODY) as SearchStore['search'];
    this.count = api(client.count.bind(client), new Set(['query'])) as SearchStore['count'];
    this.bulk = api(client.bulk.bind(client), { field: 'operations' }) as SearchStore['bulk'];
    this.create = api(client.create.bind(client), { field: 'document' }) as SearchStore['create'];
    this.index = api(client.index.bind(client), { field: 'document' }) as SearchStore['index'];
    this.get = api(client.get.bind(client), 'none') as SearchStore['get'];
  }

  readonly search: SearchStore['search'];
  readonly count: SearchStore['count'];
  readonly bulk: SearchStore['bulk'];
  readonly create: SearchStore['create'];
  readonly index: SearchStore['index'];
  readonly get: SearchStore['get'];

  async close(): Promise<void> {
    await this.client.close();
  }

  private caller(fn: unknown, rule: BodyRule): (request?: object, options?: StoreRequestOptions) => Promise<unknown> {
    const call = fn as ApiCall;
    return async (request, options) => (await call(split(request, rule), options ?? {})).body;
  }
}

export function createOpenSearchStore(options: ClientOptions): OpenSearchStore {
  return new OpenSearchStore(new Client(options));
}
