// The search store from the `elasticsearch` config section: the engine's own official client (Elasticsearch or
// OpenSearch) with the nodes, basic auth or API key, CA file, certificate verification and request timeout.
// Neither client calls GET / on its own. Every configured node is in the client's pool (requests rotate over
// them; a node that fails is set aside and tried again later) and sniffing stays off: the addresses a cluster
// publishes are often not the ones mailverdict can reach (containers, proxies, cloud endpoints), so the
// configured list is the whole truth.
import { readFileSync } from 'node:fs';
import { Client, type ClientOptions } from '@elastic/elasticsearch';
import { SinkError } from './errors.js';
import { createOpenSearchStore } from './opensearch-store.js';
import type { SearchStore } from './search-store.js';
import { sinkConfig, type SinkConfig, type SinkConfigInput } from './sink-config.js';

/** Both clients' defaults, stated here so that a change of default upstream cannot turn sniffing on. */
const NO_SNIFFING = { sniffOnStart: false, sniffInterval: false, sniffOnConnectionFault: false } as const;

export function createSearchStore(input: SinkConfigInput): SearchStore {
  const config = sinkConfig(input);
  if (config.nodes.length === 0) {
    throw new SinkError('invalid_config', 'elasticsearch.nodes: expected at least one node URL');
  }
  const ca = readCa(config);
  if ((config.engine ?? 'elasticsearch') === 'opensearch') {
    // OpenSearch's security plugin has no API keys (it has basic auth, certificates, JWT).
    if (config.apiKey !== undefined) {
      throw new SinkError('invalid_config', 'elasticsearch.apiKey: OpenSearch has no API keys; expected username and password with engine opensearch');
    }
    return createOpenSearchStore({
      nodes: config.nodes,
      ...NO_SNIFFING,
      name: 'mailverdict',
      requestTimeout: config.requestTimeoutMs,
      maxRetries: config.maxRetries,
      ...(config.username === undefined ? {} : { auth: { username: config.username, password: config.password ?? '' } }),
      ssl: { rejectUnauthorized: config.rejectUnauthorized, ...(ca === undefined ? {} : { ca }) },
    });
  }
  const options: ClientOptions = {
    nodes: config.nodes,
    ...NO_SNIFFING,
    name: 'mailverdict',
    requestTimeout: config.requestTimeoutMs,
    // Transport-level retries are immediate and go to the next node; BulkSink turns them off per request
    // and retries with backoff itself. Other callers (setup, retention, status) keep them.
    maxRetries: config.maxRetries,
  };
  if (config.apiKey !== undefined) options.auth = { apiKey: config.apiKey };
  else if (config.username !== undefined) options.auth = { username: config.username, password: config.password ?? '' };
  options.tls = { rejectUnauthorized: config.rejectUnauthorized, ...(ca === undefined ? {} : { ca }) };
  const store: SearchStore = new Client(options);
  return store;
}

function readCa(config: SinkConfig): Buffer | undefined {
  if (config.caFile === undefined) return undefined;
  try {
    return readFileSync(config.caFile);
  } catch (err) {
    throw new SinkError('ca_file_unreadable', `elasticsearch.caFile: cannot read ${config.caFile}`, { cause: err });
  }
}
