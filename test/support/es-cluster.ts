// The three-node Elasticsearch cluster of the scale tests (`scripts/services start es-cluster`): starting it (or
// bringing a killed node back — the same idempotent command), and the cluster's own view of its nodes and shards,
// read over plain HTTP from whichever node answers.
import { execFile } from 'node:child_process';
import { fileURLToPath } from 'node:url';

const SCRIPT = fileURLToPath(new URL('../../scripts/services', import.meta.url));

function services(args: string[], timeoutMs: number): Promise<string> {
  return new Promise((resolve, reject) => {
    execFile(SCRIPT, args, { encoding: 'utf8', timeout: timeoutMs }, (err, stdout, stderr) => {
      if (err) reject(new Error(`scripts/services ${args.join(' ')} failed: ${err.message}\n${stdout}\n${stderr}`.slice(0, 4000)));
      else resolve(stdout);
    });
  });
}

/** How long a caller's hook should allow startEsCluster: three cold JVMs took over 3 minutes on a loaded 2-core machine. */
export const ES_CLUSTER_START_MS = 480_000;

/** Starts whatever nodes of the cluster are not running and waits until all three have joined; returns the node URLs. */
export async function startEsCluster(): Promise<string[]> {
  if (process.env['MAILVERDICT_SERVICES'] !== 'external') await services(['start', 'es-cluster'], ES_CLUSTER_START_MS - 20_000);
  const line = (await services(['env'], 30_000)).split('\n').find((l) => l.startsWith('MAILVERDICT_ES_CLUSTER_NODES='));
  const nodes = line?.slice(line.indexOf('=') + 1).split(',').filter(Boolean) ?? [];
  if (nodes.length === 0) throw new Error('scripts/services env did not print MAILVERDICT_ES_CLUSTER_NODES');
  return nodes;
}

/** GET from the first node that answers (any node may be the one that is down). */
export async function clusterGet<T>(nodes: readonly string[], path: string): Promise<T> {
  const errors: string[] = [];
  for (const node of nodes) {
    try {
      const res = await fetch(`${node}${path}`, { signal: AbortSignal.timeout(10_000) });
      if (res.ok) return (await res.json()) as T;
      errors.push(`${node}: HTTP ${res.status} ${(await res.text()).slice(0, 200)}`);
    } catch (err) {
      errors.push(`${node}: ${(err as Error).message}`);
    }
  }
  throw new Error(`GET ${path} failed on every node: ${errors.join('; ')}`);
}

export interface ClusterNode {
  name: string;
  pid: number;
  /** http://127.0.0.1:<port> */
  url: string;
}

export async function clusterNodes(nodes: readonly string[]): Promise<ClusterNode[]> {
  const r = await clusterGet<{ nodes: Record<string, { name: string; process: { id: number }; http: { publish_address: string } }> }>(
    nodes, '/_nodes/process,http');
  return Object.values(r.nodes).map((n) => ({ name: n.name, pid: n.process.id, url: `http://${n.http.publish_address}` }))
    .sort((a, b) => a.name.localeCompare(b.name));
}

export async function masterName(nodes: readonly string[]): Promise<string> {
  const r = await clusterGet<{ node: string }[]>(nodes, '/_cat/master?format=json&h=node');
  return r[0]?.node ?? '?';
}

export interface ShardCopy {
  index: string;
  shard: string;
  prirep: 'p' | 'r';
  state: string;
  node: string | null;
}

export async function shardCopies(nodes: readonly string[], index: string): Promise<ShardCopy[]> {
  return clusterGet<ShardCopy[]>(nodes, `/_cat/shards/${encodeURIComponent(index)}?format=json&h=index,shard,prirep,state,node`);
}

/** Started primaries per node name, most first. */
export function primariesPerNode(copies: readonly ShardCopy[]): [string, number][] {
  const counts = new Map<string, number>();
  for (const c of copies) if (c.prirep === 'p' && c.state === 'STARTED' && c.node !== null) counts.set(c.node, (counts.get(c.node) ?? 0) + 1);
  return [...counts.entries()].sort((a, b) => b[1] - a[1] || a[0].localeCompare(b[0]));
}

export async function indexHealth(nodes: readonly string[], index: string): Promise<string> {
  const r = await clusterGet<{ status: string }>(nodes, `/_cluster/health/${encodeURIComponent(index)}?timeout=1s`);
  return r.status;
}
