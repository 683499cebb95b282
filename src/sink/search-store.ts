// The one interface the rest of mailverdict uses to talk to the search store, whichever engine it is
// (Elasticsearch or OpenSearch). Requests and responses have Elasticsearch's shapes (the query DSL and the
// document APIs the two engines share); src/sink/opensearch-store.ts translates them for OpenSearch's client.
import type { estypes } from '@elastic/elasticsearch';

/** The request/response types of the store (Elasticsearch's type definitions; OpenSearch answers the same shapes). */
export type { estypes as StoreTypes };

export interface StoreRequestOptions {
  requestTimeout?: number;
  /** Transport-level retries (immediate, next node); 0 where the caller retries with backoff itself. */
  maxRetries?: number;
  /** HTTP statuses that resolve instead of throwing (e.g. [404] for a delete of something gone). */
  ignore?: number[];
}

type Aggregates = Record<string, estypes.AggregationsAggregate>;

export interface SearchStore {
  search<TDocument = unknown, TAggregations = Aggregates>(
    request: estypes.SearchRequest,
    options?: StoreRequestOptions,
  ): Promise<estypes.SearchResponse<TDocument, TAggregations>>;
  count(request: estypes.CountRequest, options?: StoreRequestOptions): Promise<estypes.CountResponse>;
  bulk(request: estypes.BulkRequest, options?: StoreRequestOptions): Promise<estypes.BulkResponse>;
  create(request: estypes.CreateRequest, options?: StoreRequestOptions): Promise<estypes.CreateResponse>;
  index(request: estypes.IndexRequest, options?: StoreRequestOptions): Promise<estypes.IndexResponse>;
  get<TDocument = unknown>(request: estypes.GetRequest, options?: StoreRequestOptions): Promise<estypes.GetResponse<TDocument>>;
  indices: {
    refresh(request: estypes.IndicesRefreshRequest, options?: StoreRequestOptions): Promise<unknown>;
    get(request: estypes.IndicesGetRequest, options?: StoreRequestOptions): Promise<estypes.IndicesGetResponse>;
    getMapping(request: estypes.IndicesGetMappingRequest, options?: StoreRequestOptions): Promise<estypes.IndicesGetMappingResponse>;
    putMapping(request: estypes.IndicesPutMappingRequest, options?: StoreRequestOptions): Promise<unknown>;
    putSettings(request: estypes.IndicesPutSettingsRequest, options?: StoreRequestOptions): Promise<unknown>;
    create(request: estypes.IndicesCreateRequest, options?: StoreRequestOptions): Promise<unknown>;
    close(request: estypes.IndicesCloseRequest, options?: StoreRequestOptions): Promise<unknown>;
    delete(request: estypes.IndicesDeleteRequest, options?: StoreRequestOptions): Promise<unknown>;
    putAlias(request: estypes.IndicesPutAliasRequest, options?: StoreRequestOptions): Promise<unknown>;
    resolveIndex(request: estypes.IndicesResolveIndexRequest, options?: StoreRequestOptions): Promise<estypes.IndicesResolveIndexResponse>;
    putIndexTemplate(request: estypes.IndicesPutIndexTemplateRequest, options?: StoreRequestOptions): Promise<unknown>;
    getIndexTemplate(request: estypes.IndicesGetIndexTemplateRequest, options?: StoreRequestOptions): Promise<estypes.IndicesGetIndexTemplateResponse>;
    deleteIndexTemplate(request: estypes.IndicesDeleteIndexTemplateRequest, options?: StoreRequestOptions): Promise<unknown>;
  };
  cluster: {
    health(request?: estypes.ClusterHealthRequest, options?: StoreRequestOptions): Promise<estypes.ClusterHealthResponse>;
  };
  close(): Promise<void>;
}
