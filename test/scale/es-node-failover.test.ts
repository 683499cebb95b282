// An Elasticsearch node dies mid-backfill: a three-node cluster (`scripts/services start es-cluster`), indices with
// one replica (`elasticsearch.replicas: 1`), a backfill of a few thousand messages through real `mailverdict collect`
// and `mailverdict work` processes that know all three nodes, and kill -9 of the node holding the most primaries of
// the test's indices once they are green and a fifth of the documents are in. Exactly N documents afterwards and no
// dead letter: the replica is promoted, and what the dead node did not acknowledge is retried.
//
// The cluster is left running afterwards: the scale project runs once per CI run and later scale files (and runs)
// reuse it instead of paying minutes of JVM start again; `scripts/services stop es-cluster` (or `down`) stops it.
import { afterAll, afterEach, beforeAll, describe, expect, it } from 'vitest';
import { buildDist, createFaultCase, generateMessages, idsOf, MvProcess, runMv, waitFor, type FaultCase } from '../integration/process-harness.js';
import { enginesUnderTest } from '../support/engines.js';
import {
  clusterNodes, ES_CLUSTER_START_MS, indexHealth, masterName, primariesPerNode, shardCopies, startEsCluster,
} from '../support/es-cluster.js';

const N = 3000;

describe('Elasticsearch node failover (three-node cluster, real processes)', () => {
  let nodes: string[] = [];
  let fc: FaultCase | undefined;
  beforeAll(async () => {
    [nodes] = await Promise.all([startEsCluster(), buildDist()]);
  }, ES_CLUSTER_START_MS);
  afterEach(async () => {
    await fc?.cleanup();
    fc = undefined;
  });
  // Whole again for whatever runs next, also when the test failed before bringing the node back.
  afterAll(async () => {
    await startEsCluster();
  }, ES_CLUSTER_START_MS);

  // Long: the backfill, then bringing the killed node back (a JVM start, minutes on a loaded machine).
  it('kill -9 of the node holding the most primaries mid-backfill → exactly N, no dead letter', { timeout: 900_000 }, async () => {
    const elasticsearch = enginesUnderTest().find((e) => e.engine === 'elasticsearch');
    if (elasticsearch === undefined) throw new Error('this test needs Elasticsearch; MAILVERDICT_TEST_ENGINES leaves it out');
    fc = await createFaultCase('esfo', { engine: { ...elasticsearch, url: nodes[0]! }, nodes });
    const box = await fc.mailbox('quarantine', 'bf');
    const messages = generateMessages(N, 'esfo');
    await fc.append('quarantine', box, messages.map((m) => m.raw));
    const expected = idsOf(messages);
    expect(expected).toHaveLength(N);
    const file = fc.writeConfig(fc.baseConfig([{ id: 'quarantine', user: 'quarantine', mailboxes: [box], batchSize: 50 }], {
      elasticsearch: { replicas: 1 }, queue: { batchMaxMessages: 20, maxWaitingJobs: 20 },
    }));
    const setup = await runMv(['setup', '-c', file]);
    expect(setup.code, setup.stderr).toBe(0);

    const collector = new MvProcess('collect', file);
    const worker = new MvProcess('work', file);
    const committed = async (): Promise<number> => (await fc!.mailboxes()).find((m) => m.mailbox === box)?.committed ?? -1;
    const dataIndex = `${fc.indexPrefix}-2024.10`;
    await waitFor('a fifth of the documents', () => fc!.docCount(), (n) => n >= N / 5, 180_000);
    // The replica must be in place before the kill, or there is nothing to fail over to.
    await waitFor(`${dataIndex} green`, () => indexHealth(nodes, dataIndex), (s) => s === 'green', 120_000);
    const settings = await fc.es.indices.get({ index: dataIndex });
    expect(settings[dataIndex]?.settings?.index?.number_of_replicas).toBe('1');

    const copies = await shardCopies(nodes, `${fc.indexPrefix}-*`);
    const [victimName, primaries] = primariesPerNode(copies)[0] ?? [];
    const victim = (await clusterNodes(nodes)).find((n) => n.name === victimName);
    if (victim === undefined || primaries === undefined) throw new Error(`no node holds a primary of ${fc.indexPrefix}-*: ${JSON.stringify(copies)}`);
    const master = await masterName(nodes);
    const atKill = await fc.docCount();
    const killedAt = Date.now();
    process.kill(victim.pid, 'SIGKILL');
    console.log(`${new Date(killedAt).toISOString()} kill -9 ${victim.name} (pid ${victim.pid}, ${victim.url}${victim.name === master ? ', the elected master' : `; master ${master}`}): ` +
      `${primaries} primar${primaries === 1 ? 'y' : 'ies'} of ${fc.indexPrefix}-* (${copies.map((c) => `${c.index.slice(fc!.indexPrefix.length)}/${c.shard}${c.prirep}@${c.node}`).join(' ')}); ` +
      `${atKill}/${N} documents indexed at the kill`);
    expect(atKill).toBeLessThan(N);

    // Both processes know all three nodes; the two left keep a quorum and hold a copy of every shard.
    const live = nodes.filter((n) => n !== victim.url);
    await waitFor('the replica promoted', async () => primariesPerNode(await shardCopies(live, dataIndex)).map(([n]) => n), (n) => n.length === 1 && n[0] !== victim.name, 120_000);
    await waitFor('watermark at N', committed, (n) => n === N, 240_000);
    const doneAt = Date.now();
    expect(await fc.docIds()).toEqual(expected);
    expect(await fc.deadLetters()).toEqual([]);
    expect(collector.running && worker.running).toBe(true);
    const retries = await worker.metric('mailverdict_elasticsearch_retries_total');
    const created = await worker.metric('mailverdict_messages_indexed_total', { outcome: 'created' });
    const duplicates = await worker.metric('mailverdict_messages_indexed_total', { outcome: 'duplicate' });
    console.log(`${new Date(doneAt).toISOString()} ${N}/${N} documents, 0 dead letters, ${Math.round((doneAt - killedAt) / 1000)} s after the kill; ` +
      `worker: created ${created}, duplicates ${duplicates}, Elasticsearch retries ${retries}; new primary of ${dataIndex} on ` +
      `${primariesPerNode(await shardCopies(live, dataIndex))[0]?.[0]}`);

    // Bring the node back: the cluster is whole, the index green again, the documents unchanged.
    await startEsCluster();
    await waitFor(`${dataIndex} green after the restart`, () => indexHealth(nodes, dataIndex), (s) => s === 'green', 180_000);
    expect(await fc.docCount()).toBe(N);
    console.log(`${new Date().toISOString()} ${victim.name} restarted (${Math.round((Date.now() - doneAt) / 1000)} s); ${dataIndex} green, ${N} documents`);
  });
});
