// The basic contract against each real IMAP server the suite knows (Dovecot and Cyrus, both started by
// scripts/services), with real `mailverdict run` processes: backfill exactly N; new mail picked up through
// IDLE before the poll would find it; a re-run fetches and doubles nothing; after the mailbox is deleted and
// recreated (a new UIDVALIDITY) exactly its new messages are added, and the change is logged at info, not
// as an error. One message carries raw 8-bit header bytes: it must keep the _id it has when read from a file
// (Cyrus runs with munge8bit: no; its default would rewrite those bytes as X).
import { hostname } from 'node:os';
import { afterEach, beforeAll, describe, expect, it } from 'vitest';
import { parseMessage } from '../../src/parse/parse-message.js';
import {
  buildDist, createFaultCase, generateMessages, idsOf, MvProcess, runMv, waitFor, withCrlf,
  type FaultCase, type GeneratedMessage, type ImapServer,
} from './process-harness.js';

/** A message whose header block holds raw UTF-8 (8-bit) bytes, as some gateways write them. */
function eightBitMessage(tag: string): GeneratedMessage {
  const base = withCrlf(generateMessages(1, `${tag}-8bit`))[0]!;
  const raw = Buffer.concat([Buffer.from('X-Quarantine-Note: r\u00e9sum\u00e9 \u00fcber caf\u00e9\r\n', 'utf8'), base.raw]);
  return { raw, id: parseMessage(raw, { origin: { kind: 'file' } }).id };
}

const POLL_MS = 30_000;

/** Names the IMAP step that failed (imapflow's own error says only "Command failed"). */
async function imapStep<T>(what: string, run: Promise<T>): Promise<T> {
  return run.catch((e: { responseText?: string; executedCommand?: string }) => {
    throw new Error(`${what} failed: ${e.executedCommand ?? ''}: ${e.responseText ?? String(e)}`);
  });
}

describe.each<ImapServer>(['dovecot', 'cyrus'])('IMAP server contract: %s (real processes)', (server) => {
  let fc: FaultCase | undefined;
  beforeAll(async () => {
    await buildDist();
  }, 180_000);
  afterEach(async () => {
    await fc?.cleanup();
    fc = undefined;
  });

  it('backfill exactly N, new mail through IDLE, re-run adds nothing, UIDVALIDITY change adds exactly the new messages', async () => {
    fc = await createFaultCase(`srv-${server}`, { server });
    const box = await fc.mailbox('alice', 'contract');
    const backlog = [...withCrlf(generateMessages(59, `${server}-n`)), eightBitMessage(server)];
    await imapStep('appending the backlog', fc.append('alice', box, backlog.map((m) => m.raw)));
    const file = fc.writeConfig(fc.baseConfig([{ id: 'alice', user: 'alice', mailboxes: [box], batchSize: 20, pollIntervalMs: POLL_MS }],
      { queue: { batchMaxMessages: 10 } }));
    expect((await runMv(['setup', '-c', file])).code).toBe(0);

    // Backfill: exactly N, the 8-bit message under its file _id.
    const first = new MvProcess('run', file);
    await waitFor('backfill committed', () => fc!.mailboxes(), (m) => m[0]?.committed === backlog.length, 90_000);
    expect(await fc.docIds()).toEqual(idsOf(backlog));
    const uidvalidity = (await fc.mailboxes())[0]?.uidvalidity;

    // New mail while the collector idles: picked up long before the next poll.
    await waitFor('phase waiting', () => fc!.mailboxes(), (m) => m[0]?.phase === 'waiting', 30_000);
    await new Promise((r) => setTimeout(r, 1_500)); // into IDLE (autoIdleDelay 1 s)
    const fresh = withCrlf(generateMessages(3, `${server}-new`));
    const appendedAt = Date.now();
    await imapStep('appending new mail', fc.append('alice', box, fresh.map((m) => m.raw), 1));
    await waitFor('new mail indexed', () => fc!.docIds(), (ids) => idsOf(fresh).every((id) => ids.includes(id)), POLL_MS * 2);
    const pickupMs = Date.now() - appendedAt;
    expect(pickupMs, 'new mail must come through IDLE, not the poll').toBeLessThan(POLL_MS / 2);
    const afterNew = [...backlog, ...fresh];
    expect(await fc.docIds()).toEqual(idsOf(afterNew));
    expect(await first.stop()).toEqual({ code: 0, signal: null });

    // Re-run: nothing fetched, nothing doubled.
    const second = new MvProcess('run', file);
    const me = `${hostname()}:${second.pid}`;
    await waitFor('the re-run to go idle', () => fc!.mailboxes(), (m) => m[0]?.collector === me && m[0]?.phase === 'waiting', 60_000);
    expect(await second.metric('mailverdict_messages_fetched_total')).toBe(0);
    expect(await fc.docIds()).toEqual(idsOf(afterNew));

    // UIDVALIDITY change under the running collector: exactly the recreated mailbox's messages are added.
    await imapStep('recreating the mailbox', fc.recreate('alice', box));
    const replacement = withCrlf(generateMessages(25, `${server}-uv`));
    await imapStep('appending to the recreated mailbox', fc.append('alice', box, replacement.map((m) => m.raw), 1));
    await waitFor('the new UIDVALIDITY committed', () => fc!.mailboxes(),
      (m) => m[0]?.uidvalidity !== uidvalidity && m[0]?.committed === replacement.length, POLL_MS * 3);
    expect(await fc.docIds()).toEqual(idsOf([...afterNew, ...replacement]));
    const changed = second.logs().filter((l) => String(l.msg).startsWith('UIDVALIDITY changed'));
    expect(changed.map((l) => l.level)).toEqual([30]);
    expect(changed[0]).toMatchObject({ account: 'alice', mailbox: box, previousUidvalidity: uidvalidity });
    expect(second.logs().filter((l) => (l.level ?? 0) >= 50 && /UIDVALIDITY|resync/i.test(String(l.msg)))).toEqual([]);
    const status = await fc.status(file);
    expect(status.mailboxes[0]?.lastError ?? '').not.toMatch(/UIDVALIDITY|resync/);
    expect((await fc.deadLetters()).length).toBe(0);
    expect(await second.stop()).toEqual({ code: 0, signal: null });
    console.log(`${server}: backfill ${backlog.length}, new mail picked up in ${pickupMs} ms (poll ${POLL_MS} ms), re-run fetched 0, `
      + `UIDVALIDITY ${uidvalidity} → ${status.mailboxes[0]?.uidvalidity}: +${replacement.length}, total ${afterNew.length + replacement.length}`);
  }, 300_000);
});
