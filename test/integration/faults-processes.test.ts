// End-to-end with real processes (`node bin/mailverdict.js …`): exactly-N over several accounts and re-runs,
// a document Elasticsearch refuses, two collectors on one configuration, and the errors a person meets first
// (wrong IMAP password, Elasticsearch unreachable, bad configuration).
import { hostname } from 'node:os';
import { afterEach, beforeAll, describe, expect, it } from 'vitest';
import { buildDist, createFaultCase, deleteKeys, generateMessages, idsOf, MvProcess, runMv, waitFor, type FaultCase } from './process-harness.js';

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
});
