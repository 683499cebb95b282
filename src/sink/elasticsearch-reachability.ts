// Whether Elasticsearch answers, as `config check` and every process's /health both report it. One
// decision for both: a 403 on cluster health means reachable and authenticated, but the key lacks the
// cluster `monitor` privilege (least-privilege keys do) — said so, not reported as down; a 401 is down.
import type { SearchStore } from './search-store.js';

export interface Reachability {
  /** Answered and accepted the credentials. */
  reachable: boolean;
  /** Reachable and the cluster is not red (or its health cannot be read with this key). */
  healthy: boolean;
  detail: string;
}

export async function elasticsearchReachability(client: SearchStore, timeoutMs: number): Promise<Reachability> {
  try {
    const health = await client.cluster.health({}, { requestTimeout: timeoutMs, maxRetries: 0 });
    return { reachable: true, healthy: health.status !== 'red', detail: `cluster ${health.cluster_name}, status ${health.status}` };
  } catch (err) {
    const status = (err as { meta?: { statusCode?: unknown } }).meta?.statusCode;
    if (status === 403) {
      return { reachable: true, healthy: true, detail: 'authenticated; HTTP 403 on cluster health: the key lacks the cluster monitor privilege, health not shown' };
    }
    throw err;
  }
}
