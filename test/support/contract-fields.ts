// Until the parser writes the per-gateway fields of the issue-10 field contract itself, tests derive them from
// `mailverdict.gateways[]` the same way (every field is only filled when the document lacks it, so documents
// from a parser that already writes them pass through unchanged). Test support only.

interface GatewayEntry { id: string; hostname?: string; spam?: { verdict?: string }; scan?: { status?: string } }
type Doc = Record<string, unknown> & { mailverdict?: Record<string, unknown>; observer?: { hostname?: string } };

/** `nodes`: gateway id → hostname, for the ids whose node the test knows (the top-level host otherwise). */
export function withContractFields<T extends object>(document: T, nodes: Record<string, string> = {}): T {
  const doc = structuredClone(document) as unknown as Doc;
  const mv = (doc.mailverdict ??= {});
  const gateways = (mv['gateways'] as GatewayEntry[] | undefined) ?? [];
  const top = mv['gateway'] as string | undefined;
  const nodeOf = (g: GatewayEntry): string => {
    const host = nodes[g.id] ?? g.hostname ?? (g.id === top ? doc.observer?.hostname : undefined);
    return host === undefined ? g.id : `${g.id}@${host}`;
  };
  const uniq = (xs: string[]): string[] => [...new Set(xs)];
  mv['gateway_ids'] ??= uniq(gateways.map((g) => g.id));
  mv['gateway_nodes'] ??= uniq(gateways.map(nodeOf));
  // Copies: the parser may share one object between the top level and its gateway entry.
  const spam = { ...(mv['spam'] as Record<string, unknown> | undefined) };
  mv['spam'] = spam;
  spam['by_gateway'] ??= uniq(gateways.filter((g) => g.spam?.verdict !== undefined).map((g) => `${g.id}:${g.spam?.verdict}`));
  const scan = { ...(mv['scan'] as Record<string, unknown> | undefined) };
  mv['scan'] = scan;
  scan['by_gateway'] ??= uniq(gateways.map((g) => `${g.id}:${g.scan?.status ?? 'unknown'}`));
  scan['by_gateway_node'] ??= uniq(gateways.map((g) => `${nodeOf(g)}:${g.scan?.status ?? 'unknown'}`));
  if (mv['origin'] === undefined && mv['source'] !== undefined) mv['origin'] = mv['source'];
  // The top level's node names its host once the parser knows it; a test-given node fills it until then.
  if (top !== undefined && nodes[top] !== undefined && doc.observer?.hostname === undefined) doc.observer = { ...(doc.observer ?? {}), hostname: nodes[top] };
  return doc as unknown as T;
}
