// `npm run bench` → every part; `tsx bench/run.ts parse` → the named parts only.
const PARTS: Record<string, () => Promise<void>> = {
  parse: async () => (await import('./parse.js')).runParseBench(),
  'parse-mbox': async () => (await import('./parse-mbox.js')).runParseMboxBench(),
  pipeline: async () => (await import('./pipeline.js')).runPipelineBench(),
  listen: async () => (await import('./listen.js')).runListenBench(),
  scaling: async () => (await import('./scaling.js')).runScalingBench(),
  'redis-memory': async () => (await import('./redis-memory.js')).runRedisMemoryBench(),
  'outage-backlog': async () => (await import('./outage-backlog.js')).runOutageBacklogBench(),
};

async function main(): Promise<void> {
  const names = process.argv.slice(2);
  const selected = names.length > 0 ? names : Object.keys(PARTS);
  for (const name of selected) {
    const part = PARTS[name];
    if (part === undefined) {
      console.error(`unknown bench part "${name}"; known: ${Object.keys(PARTS).join(', ')}`);
      process.exit(2);
    }
    await part();
  }
}

main().catch((err: unknown) => {
  console.error(err);
  process.exit(1);
});
