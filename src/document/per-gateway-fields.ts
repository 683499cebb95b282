// Every gateway's own verdict as flat keyword arrays (README "Counting per gateway"): a terms aggregation on
// `mailverdict.scan.by_gateway` counts KSMG's timeouts over every message KSMG stamped, whichever gateway the top
// level describes. Kibana Lens aggregates keyword arrays; it cannot aggregate `nested` objects.
import type { GatewayResult } from './types.js';

export interface PerGatewayFields {
  gateway_ids: string[];
  gateway_nodes: string[];
  spam_by_gateway: string[];
  scan_by_gateway: string[];
  scan_by_gateway_node: string[];
  av_by_gateway: string[];
}

/** `ksmg@gw2.example.com` when the node is known, else `ksmg`. */
export function nodeKey(g: GatewayResult): string {
  return g.hostname === undefined ? g.id : `${g.id}@${g.hostname}`;
}

function add(list: string[], value: string): void {
  if (!list.includes(value)) list.push(value);
}

export function perGatewayFields(gateways: readonly GatewayResult[]): PerGatewayFields {
  const out: PerGatewayFields = {
    gateway_ids: [], gateway_nodes: [], spam_by_gateway: [], scan_by_gateway: [], scan_by_gateway_node: [], av_by_gateway: [],
  };
  for (const g of gateways) {
    const node = nodeKey(g);
    add(out.gateway_ids, g.id);
    add(out.gateway_nodes, node);
    // "none" / "unknown" are not results (see top-gateway.ts); the scan status is listed for every gateway.
    if (g.spam !== undefined && g.spam.verdict !== 'none' && g.spam.verdict !== 'unknown') add(out.spam_by_gateway, `${g.id}:${g.spam.verdict}`);
    const scan = g.scan?.status ?? 'unknown';
    add(out.scan_by_gateway, `${g.id}:${scan}`);
    add(out.scan_by_gateway_node, `${node}:${scan}`);
    if (g.av !== undefined && g.av.status !== 'unknown') add(out.av_by_gateway, `${g.id}:${g.av.status}`);
  }
  return out;
}
