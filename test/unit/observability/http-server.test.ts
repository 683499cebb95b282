import { afterEach, describe, expect, it } from 'vitest';
import { startObservabilityServer, type ObservabilityServer } from '../../../src/observability/http-server.js';
import { PipelineMetrics } from '../../../src/observability/metrics.js';

describe('observability endpoint', () => {
  let server: ObservabilityServer | undefined;
  afterEach(async () => { await server?.close(); server = undefined; });

  it('serves the counters in Prometheus text format', async () => {
    const metrics = new PipelineMetrics({ defaultMetrics: false });
    metrics.messagesIndexed.inc({ outcome: 'created' }, 3);
    metrics.countWarnings(['ksmg:unknown_spam_status:x', 'cap:max_headers', 'no_gateway_headers']);
    server = await startObservabilityServer({ host: '127.0.0.1', port: 0, metrics, checks: {} });
    const text = await (await fetch(`${server.url}/metrics`)).text();
    expect(text).toContain('mailverdict_messages_indexed_total{outcome="created"} 3');
    expect(text).toContain('mailverdict_parse_warnings_total{vendor="ksmg"} 1');
    expect(text).toContain('mailverdict_parse_warnings_total{vendor="general"} 1');
  });

  it('answers /health with 503 and the failing check when one check fails or throws', async () => {
    server = await startObservabilityServer({
      host: '127.0.0.1', port: 0, metrics: new PipelineMetrics({ defaultMetrics: false }),
      checks: { redis: async () => ({ ok: true }), elasticsearch: async () => { throw new Error('connect ECONNREFUSED'); } },
    });
    const res = await fetch(`${server.url}/health`);
    expect(res.status).toBe(503);
    expect(await res.json()).toEqual({
      ok: false,
      checks: { redis: { ok: true }, elasticsearch: { ok: false, detail: 'connect ECONNREFUSED' } },
    });
  });

  it('answers /health with 200 when every check passes', async () => {
    server = await startObservabilityServer({
      host: '127.0.0.1', port: 0, metrics: new PipelineMetrics({ defaultMetrics: false }),
      checks: { redis: async () => ({ ok: true, detail: 'PONG' }) },
    });
    expect((await fetch(`${server.url}/health`)).status).toBe(200);
  });
});
