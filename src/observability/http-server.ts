// The HTTP endpoint every process serves: /metrics (Prometheus text) and /health (JSON, 200 when every
// check passes, 503 otherwise), so orchestrators and people see the same state.
import { createServer, type Server } from 'node:http';
import type { AddressInfo } from 'node:net';
import type { PipelineMetrics } from './metrics.js';

export type HealthCheck = () => Promise<{ ok: boolean; detail?: string }>;

export interface ObservabilityServer {
  readonly url: string;
  close(): Promise<void>;
}

export async function startObservabilityServer(options: {
  host: string;
  port: number;
  metrics: PipelineMetrics;
  checks: Record<string, HealthCheck>;
}): Promise<ObservabilityServer> {
  const server: Server = createServer((req, res) => {
    const path = (req.url ?? '/').split('?')[0];
    if (path === '/metrics') {
      options.metrics.registry.metrics().then(
        (text) => { res.writeHead(200, { 'content-type': options.metrics.registry.contentType }).end(text); },
        (err: unknown) => { res.writeHead(500).end(String(err)); },
      );
      return;
    }
    if (path === '/health' || path === '/healthz') {
      void health(options.checks).then((body) => {
        res.writeHead(body.ok ? 200 : 503, { 'content-type': 'application/json' }).end(JSON.stringify(body));
      });
      return;
    }
    res.writeHead(404, { 'content-type': 'text/plain' }).end('not found: try /metrics or /health\n');
  });
  await new Promise<void>((resolve, reject) => {
    server.once('error', reject);
    server.listen(options.port, options.host, () => { server.off('error', reject); resolve(); });
  });
  const address = server.address() as AddressInfo;
  return {
    url: `http://${options.host}:${address.port}`,
    close: () => new Promise<void>((resolve) => { server.close(() => resolve()); server.closeAllConnections(); }),
  };
}

async function health(checks: Record<string, HealthCheck>): Promise<{ ok: boolean; checks: Record<string, { ok: boolean; detail?: string }> }> {
  const entries = await Promise.all(Object.entries(checks).map(async ([name, check]) => {
    try {
      return [name, await withTimeout(check(), 5_000)] as const;
    } catch (err) {
      return [name, { ok: false, detail: err instanceof Error ? err.message : String(err) }] as const;
    }
  }));
  return { ok: entries.every(([, r]) => r.ok), checks: Object.fromEntries(entries) };
}

function withTimeout<T>(promise: Promise<T>, ms: number): Promise<T> {
  return new Promise<T>((resolve, reject) => {
    const timer = setTimeout(() => reject(new Error(`no answer within ${ms} ms`)), ms);
    promise.then((v) => { clearTimeout(timer); resolve(v); }, (e: unknown) => { clearTimeout(timer); reject(e); });
  });
}
