// One @elastic/elasticsearch client from the `elasticsearch` config section: nodes, API key or basic auth,
// CA file, certificate verification, request timeout. The client never calls GET / (the test server has no info()).
import { readFileSync } from 'node:fs';
import { Client, type ClientOptions } from '@elastic/elasticsearch';
import { SinkError } from './errors.js';
import { sinkConfig, type SinkConfigInput } from './sink-config.js';

export function createElasticsearchClient(input: SinkConfigInput): Client {
  const config = sinkConfig(input);
  if (config.nodes.length === 0) {
    throw new SinkError('invalid_config', 'elasticsearch.nodes: expected at least one node URL');
  }
  const options: ClientOptions = {
    nodes: config.nodes,
    name: 'mailverdict',
    requestTimeout: config.requestTimeoutMs,
    // Transport-level retries are immediate and go to the next node; BulkSink turns them off per request
    // and retries with backoff itself. Other callers (setup, retention, status) keep them.
    maxRetries: config.maxRetries,
  };
  if (config.apiKey !== undefined) options.auth = { apiKey: config.apiKey };
  else if (config.username !== undefined) options.auth = { username: config.username, password: config.password ?? '' };

  const tls: NonNullable<ClientOptions['tls']> = { rejectUnauthorized: config.rejectUnauthorized };
  if (config.caFile !== undefined) {
    try {
      tls.ca = readFileSync(config.caFile);
    } catch (err) {
      throw new SinkError('ca_file_unreadable', `elasticsearch.caFile: cannot read ${config.caFile}`, { cause: err });
    }
  }
  options.tls = tls;
  return new Client(options);
}
