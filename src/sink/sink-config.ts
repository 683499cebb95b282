// The Elasticsearch settings the sink needs: the `elasticsearch` section of the config (src/config/schema.ts),
// written out here so src/sink compiles on its own. Optional fields allow `undefined` so the zod output type
// (which has `?: T | undefined` under exactOptionalPropertyTypes) is assignable to it.

export type SearchEngine = 'elasticsearch' | 'opensearch';

export interface SinkConfig {
  /** Which engine the nodes run. Default elasticsearch (configs written before OpenSearch support). */
  engine?: SearchEngine | undefined;
  nodes: string[];
  apiKey?: string | undefined;
  username?: string | undefined;
  password?: string | undefined;
  caFile?: string | undefined;
  rejectUnauthorized: boolean;
  /** Replica shards per primary in the templates and existing indices; undefined = as mappings/ says (auto-expand 0-1). */
  replicas?: number | undefined;
  /** Monthly indices are `<indexPrefix>-YYYY.MM`; dead letters `<indexPrefix>-deadletter`. */
  indexPrefix: string;
  retentionMonths: number;
  bulkMaxDocs: number;
  bulkMaxBytes: number;
  requestTimeoutMs: number;
  /** Retries after the first attempt, for transient failures (connection, 429, 5xx). */
  maxRetries: number;
  /** First backoff delay; doubled per retry, with jitter. Default 500. */
  retryBaseDelayMs?: number | undefined;
  /** Upper bound of one backoff delay. Default 30000. */
  retryMaxDelayMs?: number | undefined;
}

/** Callers may hand over the whole config or just its `elasticsearch` section. */
export type SinkConfigInput = SinkConfig | { elasticsearch: SinkConfig };

export function sinkConfig(config: SinkConfigInput): SinkConfig {
  return 'elasticsearch' in config ? config.elasticsearch : config;
}
