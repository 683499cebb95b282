// End-to-end with real processes (`node bin/mailverdict.js …`): exactly-N over several accounts and re-runs,
// a document Elasticsearch refuses, two collectors on one configuration, and the errors a person meets first
// (wrong IMAP password, Elasticsearch unreachable, bad configuration).
import { hostname } from 'node:os';
import { afterEach, beforeAll, describe, expect, it } from 'vitest';
import { mapLimit, SPAWN_LIMIT } from '../support/map-limit.js';
import { buildDist, createFaultCase, deleteKeys, freePort, generateMessages, idsOf, MvProcess, runMv, waitFor, type FaultCase, type RunResult } from './process-harness.js';

describe('pipeline processes (real servers, separate processes)', () => {
  let fc: FaultCase | undefined;
  beforeAll(async () => {
    await buildDist();
  }, 180_000);
  afterEach(async () => {
    await fc?.cleanup();
    fc = undefined;
  });

  it('N messages in two mailboxes of each of two accounts → exactly N; run again → still N; re-read from scratch → still N', async () => {
    fc = await createFaultCase('two');
    const q1 = await fc.mailbox('quarantine', 'q1');
    const q2 = await fc.mailbox('quarantine', 'q2');
    const a1 = await fc.mailbox('alice', 'a1');
    const a2 = await fc.mailbox('alice', 'a2');
    const messages = generateMessages(240, 'two');
    const boxes: [string, string, string][] = [['quarantine', 'quarantine', q1], ['quarantine', 'quarantine', q2], ['alice', 'alice', a1], ['alice', 'alice', a2]];
    for (const [i, [, user, box]] of boxes.entries()) await fc.append(user as 'quarantine' | 'alice', box, messages.slice(i * 60, (i + 1) * 60).map((m) => m.raw));
    const expected = idsOf(messages);
    expect(expected).toHaveLength(240);

    const file = fc.writeConfig(fc.baseConfig([
      { id: 'quarantine', user: 'quarantine', mailboxes: [q1, q2], batchSize: 25 },
      { id: 'alice', user: 'alice', mailboxes: [a1, a2], batchSize: 25 },
    ], { queue: { batchMaxMessages: 20 } }));
    const setup = await runMv(['setup', '-c', file]);
    expect(setup.code, setup.stderr).toBe(0);

    const allCommitted = (s: Awaited<ReturnType<FaultCase['status']>>): boolean =>
      s.mailboxes.length === 4 && s.mailboxes.every((m) => m.committed === 60);
    const first = new MvProcess('run', file);
    await waitFor('every mailbox committed', () => fc!.status(file), allCommitted, 90_000);
    expect(await fc.docIds()).toEqual(expected);
    expect(await first.metric('mailverdict_messages_indexed_total', { outcome: 'created' })).toBe(240);
    expect(await first.stop()).toEqual({ code: 0, signal: null });

    // Run again: the watermarks say everything is done; nothing is fetched, nothing doubled.
    const second = new MvProcess('run', file);
    const me = `${hostname()}:${second.pid}`;
    await waitFor('the second run to go idle on every mailbox', () => fc!.status(file),
      (s) => s.mailboxes.length === 4 && s.mailboxes.every((m) => m.collector === me && m.phase === 'waiting'), 60_000);
    expect(await second.metric('mailverdict_messages_fetched_total')).toBe(0);
    expect(await fc.docIds()).toEqual(expected);
    expect(await second.stop()).toEqual({ code: 0, signal: null });

    // Forget every watermark (as after losing Redis): everything is read and indexed again, all duplicates.
    await deleteKeys(fc.redis, `${fc.keyPrefix}:*`);
    const third = new MvProcess('run', file);
    await waitFor('every mailbox committed again', () => fc!.status(file), allCommitted, 90_000);
    expect(await third.metric('mailverdict_messages_fetched_total')).toBe(240);
    await waitFor('all duplicates counted', () => third.metric('mailverdict_messages_indexed_total', { outcome: 'duplicate' }), (n) => n === 240, 10_000);
    expect(await third.metric('mailverdict_messages_indexed_total', { outcome: 'created' })).toBe(0);
    expect(await fc.docIds()).toEqual(expected);
    expect((await fc.deadLetters()).length).toBe(0);
    expect((await third.stop()).code).toBe(0);
  }, 240_000);

  it('a message Elasticsearch refuses goes to the dead-letter index with its reason and raw headers; the rest go on', async () => {
    // How the refusal is provoked: every keyword in our strict mapping has ignore_above and raw headers are
    // not indexed, so no header value of a real message can break it (which is the point of the mapping).
    // What does happen in real clusters is a stray template — another tool's, or a leftover — with a higher
    // priority shadowing ours for some indices. We install one for a single month, mapping email.subject as
    // a number, and deliver one message dated in that month among ordinary ones.
    fc = await createFaultCase('dl');
    const box = await fc.mailbox('alice', 'dl');
    const ordinary = generateMessages(100, 'dl');
    const poison = generateMessages(1, 'dlpoison', 'Fri, 15 Mar 2019 10:00:00 +0000')[0]!;
    expect(poison.raw.toString('latin1')).toMatch(/^Subject: [^\d\r\n]/m);
    await fc.append('alice', box, [...ordinary.slice(0, 50), poison, ...ordinary.slice(50)].map((m) => m.raw), 1); // in order: UID 51
    await fc.es.indices.putIndexTemplate({
      name: `${fc.indexPrefix}-stray-2019.03`,
      index_patterns: [`${fc.indexPrefix}-2019.03`],
      priority: 500,
      template: { mappings: { properties: { email: { properties: { subject: { type: 'long' } } } } } },
    });
    const file = fc.writeConfig(fc.baseConfig([{ id: 'alice', user: 'alice', mailboxes: [box], batchSize: 30 }], { queue: { batchMaxMessages: 10 } }));
    expect((await runMv(['setup', '-c', file])).code).toBe(0);

    const run = new MvProcess('run', file);
    await waitFor('watermark past every message', () => fc!.mailboxes(), (m) => m[0]?.committed === 101, 90_000);
    expect(await fc.docIds()).toEqual(idsOf(ordinary));
    const letters = await fc.deadLetters();
    expect(letters.map((l) => l.id)).toEqual([poison.id]);
    const letter = letters[0]!.source;
    expect(letter['document_id']).toBe(poison.id);
    expect(letter['index']).toBe(`${fc.indexPrefix}-2019.03`);
    expect(letter['status']).toBe(400);
    expect(String(letter['reason'])).toContain('email.subject');
    expect((letter['error'] as { type?: string }).type).toBe('document_parsing_exception');
    expect(String(letter['raw_headers'])).toContain('Fri, 15 Mar 2019 10:00:00 +0000');
    expect(letter['source']).toMatchObject({ kind: 'imap', account: 'alice', mailbox: box, uid: 51 });
    expect(await run.metric('mailverdict_messages_indexed_total', { outcome: 'dead_lettered' })).toBe(1);
    expect(await run.metric('mailverdict_messages_indexed_total', { outcome: 'created' })).toBe(100);
    const status = await fc.status(file);
    expect(status.documents).toMatchObject({ indexed: 100, deadLettered: 1 });
    console.log(`dead letter: 100 created, 1 dead-lettered (${String(letter['reason']).slice(0, 120)})`);
    expect((await run.stop()).code).toBe(0);
  }, 180_000);

  it('two collector processes on one configuration: each mailbox is read by exactly one, exactly N', async () => {
    fc = await createFaultCase('twoc');
    const boxes = [
      { account: 'quarantine', user: 'quarantine' as const, box: await fc.mailbox('quarantine', 'q1') },
      { account: 'quarantine', user: 'quarantine' as const, box: await fc.mailbox('quarantine', 'q2') },
      { account: 'alice', user: 'alice' as const, box: await fc.mailbox('alice', 'a1') },
      { account: 'alice', user: 'alice' as const, box: await fc.mailbox('alice', 'a2') },
    ];
    const per = 150;
    const messages = generateMessages(per * boxes.length, 'twoc');
    for (const [i, b] of boxes.entries()) await fc.append(b.user, b.box, messages.slice(i * per, (i + 1) * per).map((m) => m.raw));
    const file = fc.writeConfig(fc.baseConfig([
      { id: 'quarantine', user: 'quarantine', mailboxes: [boxes[0]!.box, boxes[1]!.box], batchSize: 20 },
      { id: 'alice', user: 'alice', mailboxes: [boxes[2]!.box, boxes[3]!.box], batchSize: 20 },
    ], { queue: { batchMaxMessages: 10, maxWaitingJobs: 10 } }));
    expect((await runMv(['setup', '-c', file])).code).toBe(0);

    const a = new MvProcess('collect', file);
    const b = new MvProcess('collect', file);
    const worker = new MvProcess('work', file);
    await waitFor('every mailbox committed', () => fc!.mailboxes(), (m) => m.length === 4 && m.every((x) => x.committed === per), 120_000);
    expect(await fc.docIds()).toEqual(idsOf(messages));

    const ids = { [a.pid]: `${hostname()}:${a.pid}`, [b.pid]: `${hostname()}:${b.pid}` };
    const status = await fc.status(file);
    const readers: string[] = [];
    for (const { account, box } of boxes) {
      const fetchedA = await a.metric('mailverdict_messages_fetched_total', { account, mailbox: box });
      const fetchedB = await b.metric('mailverdict_messages_fetched_total', { account, mailbox: box });
      // One of the two read all of it, the other none of it.
      expect([fetchedA, fetchedB].sort((x, y) => x - y)).toEqual([0, per]);
      const reader = fetchedA > 0 ? a : b;
      const shown = status.mailboxes.find((m) => m.account === account && m.mailbox === box);
      expect(shown?.collector).toBe(ids[reader.pid]);
      expect(shown?.committed).toBe(per);
      readers.push(reader === a ? 'A' : 'B');
    }
    expect(a.running && b.running && worker.running).toBe(true);
    console.log(`two collectors: mailboxes read by ${readers.join(',')}; ${messages.length}/${messages.length} indexed`);
  }, 180_000);

  it('wrong IMAP password: the collector keeps running and retrying; status shows the auth error, never the password', async () => {
    fc = await createFaultCase('auth');
    const box = await fc.mailbox('alice', 'auth');
    const secret = `Wr0ng-${Math.random().toString(36).slice(2)}-secret`;
    const file = fc.writeConfig(fc.baseConfig([{ id: 'alice', user: 'alice', password: secret, mailboxes: [box] }]));
    const collector = new MvProcess('collect', file);
    // Dovecot delays failed logins by a few seconds; the collector retries with backoff.
    await waitFor('two failed logins logged', async () => collector.logs().filter((l) => l['code'] === 'auth_failed').length, (n) => n >= 2, 60_000);
    expect(collector.running).toBe(true);
    const status = await runMv(['status', '-c', file]);
    expect(status.code).toBe(0);
    const row = status.stdout.split('\n').find((l) => l.startsWith(`alice/${box}`)) ?? '';
    // The phase alternates between error and connecting while it retries; the last error stays shown.
    expect(row).toMatch(/\s(error|connecting)\s.*auth_failed: Authentication failed/);
    const json = await fc.status(file);
    expect(json.mailboxes[0]?.lastError).toMatch(/^auth_failed: /);
    for (const text of [status.stdout, status.stderr, JSON.stringify(json), collector.lines.join('\n'), collector.stderr]) expect(text).not.toContain(secret);
    const exit = await collector.stop();
    expect(exit).toEqual({ code: 0, signal: null });
    console.log(`wrong password: ${json.mailboxes[0]?.lastError}; collector still running until SIGTERM, exit 0`);
  }, 120_000);

  it('Elasticsearch unreachable: setup and work exit non-zero with one clear line, no stack trace', async () => {
    fc = await createFaultCase('noes');
    const deadPort = await freePort();
    const file = fc.writeConfig(fc.baseConfig([{ id: 'alice', user: 'alice', mailboxes: ['INBOX'] }], { esUrl: `http://127.0.0.1:${deadPort}` }));
    const [setup, work] = await Promise.all([runMv(['setup', '-c', file], { timeoutMs: 90_000 }), runMv(['work', '-c', file], { timeoutMs: 90_000 })]);
    for (const [name, r] of [['setup', setup], ['work', work]] as [string, RunResult][]) {
      expect(r.timedOut, `${name} hung`).toBe(false);
      expect(r.code, name).toBe(1);
      const lines = r.stderr.trim().split('\n');
      expect(lines, name).toHaveLength(1);
      expect(lines[0]).toMatch(new RegExp(`^mailverdict ${name}: .*ECONNREFUSED 127\\.0\\.0\\.1:${deadPort}`));
      expect(r.stderr).not.toMatch(/^\s+at /m);
      console.log(`Elasticsearch unreachable, ${name}: exit ${r.code} after ${r.ms} ms: ${lines[0]}`);
    }
  }, 120_000);

  it('bad configuration: exit 1 and a message naming the key, for every role command', async () => {
    fc = await createFaultCase('badcfg');
    const good = fc.baseConfig([{ id: 'alice', user: 'alice', mailboxes: ['INBOX'] }]);
    const cases: { name: string; file: string; key: RegExp }[] = [
      { name: 'wrong type', file: fc.writeConfig({ ...good, queue: { name: fc.queueName, batchMaxMessages: 'lots' } }, 'type.yaml'), key: /queue\.batchMaxMessages: expected an integer/ },
      { name: 'unknown key', file: fc.writeConfig({ ...good, elasticsearch: { nodez: ['http://127.0.0.1:19200'] } }, 'unknown.yaml'), key: /elasticsearch\.nodez/ },
      { name: 'bad URL', file: fc.writeConfig({ ...good, redis: { url: 'http://127.0.0.1:6379' } }, 'url.yaml'), key: /redis\.url: expected a URL starting with redis:\/\// },
    ];
    const commands = ['run', 'collect', 'work', 'setup', 'status'];
    // 15 short runs, a few at a time: all at once they outran the 60 s hang detector on a busy 2-core machine.
    const runs = cases.flatMap((c) => commands.map((cmd) => ({ c, cmd })));
    const results = await mapLimit(runs, SPAWN_LIMIT, async ({ c, cmd }) => ({ c, cmd, r: await runMv([cmd, '-c', c.file], { timeoutMs: 60_000 }) }));
    for (const { c, cmd, r } of results) {
      expect(r.code, `${cmd} ${c.name}: ${r.stderr}`).toBe(1);
      expect(r.stderr, `${cmd} ${c.name}`).toMatch(c.key);
      expect(r.stderr).toMatch(new RegExp(`^mailverdict ${cmd}: invalid configuration`));
      expect(r.stderr).not.toMatch(/^\s+at /m);
    }
    const missing = await runMv(['run', '-c', `${fc.dir}/no-such-file.yaml`]);
    expect(missing.code).toBe(1);
    expect(missing.stderr).toMatch(/no-such-file\.yaml/);
    expect(missing.stderr).not.toMatch(/^\s+at /m);
    console.log(`bad configuration: ${results.length} command runs exit 1 naming the key; missing file: ${missing.stderr.trim().split('\n')[0]}`);
  }, 600_000);
});
