// `mailverdict replay` against the real Redis and Elasticsearch: an mbox (--direct) and a Maildir (through the
// queue and a real worker) index exactly their messages, replaying them again adds nothing, and a message
// read over IMAP gets the same _id as the same message from the file (one document, not two).
import { mkdirSync, mkdtempSync, rmSync, writeFileSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { Queue } from 'bullmq';
import { ImapFlow } from 'imapflow';
import { Redis } from 'ioredis';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { main } from '../../workers/cli.js';
import type { CommandIo } from '../../src/commands/command.js';
import { createReplayCommand } from '../../src/commands/replay.js';
import { parseConfig } from '../../src/config/load-config.js';
import type { Config } from '../../src/config/schema.js';
import { generateDemoQuarantine, type DemoMessage } from '../../src/demo/generate-quarantine.js';
import { documentId } from '../../src/document/document-id.js';
import { parseMessage } from '../../src/parse/parse-message.js';
import { startWorker, type RunningWorker } from '../../workers/worker.js';
import { createSearchStore } from '../../src/sink/create-client.js';
import { ensureIndexTemplates } from '../../src/sink/index-setup.js';
import { enginesUnderTest } from '../support/engines.js';
import { serviceSettings, uniqueName } from '../support/services.js';

const s = serviceSettings();
const user = s.imapUsers[0]!;
const idsOf = (messages: readonly DemoMessage[]): string[] =>
  messages.map((m) => parseMessage(m.raw, { origin: { kind: 'file' } }).id).sort();

describe.each(enginesUnderTest())('mailverdict replay (real Redis, $engine, worker)', ({ engine, url }) => {
  const dir = mkdtempSync(join(tmpdir(), `mv-replay-${engine}-`));
  const keyPrefix = uniqueName('itmv-replay');
  const indexPrefix = uniqueName('itmv-replay').toLowerCase();
  const queueName = uniqueName('itq-replay');
  const mailbox = uniqueName('it-replay');

  const config: Config = parseConfig({
    redis: { url: s.redisUrl, keyPrefix },
    elasticsearch: { engine, nodes: [url], indexPrefix },
    queue: { name: queueName, batchMaxMessages: 25 },
    accounts: [{ id: 'q', host: s.imapHost, port: s.imapPort, tls: 'none', user: user.user, password: user.pass, mailboxes: [mailbox] }],
  }, { env: {} });
  const es = createSearchStore(config.elasticsearch);
  const replay = createReplayCommand({ config });

  let mboxMessages: DemoMessage[] = [];
  let maildirMessages: DemoMessage[] = [];
  const mboxPath = join(dir, 'quarantine.mbox');
  const maildirPath = join(dir, 'Maildir');

  async function run(args: string[]): Promise<{ code: number; out: string; err: string }> {
    let out = '';
    let err = '';
    const io: CommandIo = {
      stdout: { write: (t) => { out += t; } },
      stderr: { write: (t) => { err += t; } },
      stdin: () => (async function* () { /* none */ })(),
      env: {},
    };
    const code = await main(['replay', ...args], io, [replay]);
    return { code, out, err };
  }

  async function indexedIds(): Promise<string[]> {
    await es.indices.refresh({ index: `${indexPrefix}-*`, allow_no_indices: true, ignore_unavailable: true });
    const r = await es.search({ index: `${indexPrefix}-2*`, size: 10_000, _source: false, allow_no_indices: true, ignore_unavailable: true, query: { match_all: {} } });
    return r.hits.hits.map((h) => h._id ?? '').sort();
  }

    let worker: RunningWorker | undefined;

    beforeAll(async () => {
      const demo = await generateDemoQuarantine({ size: 100, seed: 'replay-test', end: new Date('2026-03-01T00:00:00Z') });
      mboxMessages = demo.messages.slice(0, 60);
      maildirMessages = demo.messages.slice(60);
      // mboxrd: a "From " line before each message, ">"-quoting of body lines that start with (>*)From .
      writeFileSync(mboxPath, mboxMessages.map((m) => {
        const text = m.raw.toString('utf8').replace(/\r\n/g, '\n').replace(/^(>*From )/gm, '>$1');
        return `From MAILER-DAEMON ${m.internalDate.toUTCString()}\n${text}${text.endsWith('\n') ? '' : '\n'}\n`;
      }).join(''));
      for (const sub of ['cur', 'new', 'tmp']) mkdirSync(join(maildirPath, sub), { recursive: true });
      maildirMessages.forEach((m, i) => {
        const name = `${Math.floor(m.internalDate.getTime() / 1000)}.M${i}P1.test`;
        writeFileSync(join(maildirPath, i % 2 === 0 ? 'cur' : 'new', i % 2 === 0 ? `${name}:2,S` : name), m.raw);
      });
      await ensureIndexTemplates(es, config.elasticsearch);
    });

    afterAll(async () => {
      await worker?.stop();
      await es.indices.delete({ index: `${indexPrefix}-*`, ignore_unavailable: true, allow_no_indices: true }).catch(() => undefined);
      for (const t of await es.indices.getIndexTemplate({ name: `${indexPrefix}-*` }).then((r) => r.index_templates, () => [])) {
        await es.indices.deleteIndexTemplate({ name: t.name }).catch(() => undefined);
      }
      await es.close();
      const redis = new Redis(s.redisUrl);
      redis.on('error', () => undefined);
      const q = new Queue(queueName, { connection: redis, prefix: keyPrefix });
      q.on('error', () => undefined);
      await q.obliterate({ force: true }).catch(() => undefined);
      await q.close();
      const keys = await redis.keys(`${keyPrefix}:*`);
      if (keys.length > 0) await redis.del(...keys);
      redis.disconnect();
      rmSync(dir, { recursive: true, force: true });
    });

    it('--direct indexes exactly the messages of an mbox, and a second replay adds nothing', async () => {
      const first = await run(['--direct', '--progress', 'lines', mboxPath]);
      expect(first.err).not.toContain('mailverdict replay:');
      expect(first.code).toBe(0);
      expect(first.out).toContain('replayed 60 messages: 60 indexed, 0 already indexed, 0 dead-lettered');
      expect(first.err).toMatch(/replay: 60 messages \(100%\)/);
      expect(await indexedIds()).toEqual(idsOf(mboxMessages));

      const again = await run(['--direct', '--progress', 'none', mboxPath]);
      expect(again.code).toBe(0);
      expect(again.out).toContain('replayed 60 messages: 0 indexed, 60 already indexed');
      expect(await indexedIds()).toEqual(idsOf(mboxMessages));
    });

    it('through the queue, a worker indexes exactly the messages of a Maildir; replaying again adds nothing', async () => {
      worker = await startWorker(config);
      const first = await run(['--progress', 'lines', maildirPath]);
      expect(first.code).toBe(0);
      expect(first.out).toMatch(/enqueued 40 messages in 2 jobs/);
      expect(first.out).toContain('all 2 jobs processed');
      // What the workers made of the run's messages, live on stderr and in the summary.
      expect(first.out).toContain('replayed 40 messages: 40 indexed, 0 already indexed, 0 dead-lettered');
      expect(first.err).toMatch(/indexing: 40 messages \(100%\).*40 indexed, 0 already indexed, 0 dead-lettered/);
      const both = [...idsOf(mboxMessages), ...idsOf(maildirMessages)].sort();
      expect(await indexedIds()).toEqual(both);
      // Documents replayed through the queue say which file they came from, not a mailbox.
      const fromMaildir = await es.search<{ mailverdict: { origin: { kind: string; path?: string } } }>({
        index: `${indexPrefix}-2*`, size: 1, query: { prefix: { 'mailverdict.origin.path': maildirPath } },
      });
      expect(fromMaildir.hits.hits[0]?._source?.mailverdict.origin.kind).toBe('file');

      const again = await run(['--progress', 'none', maildirPath, mboxPath]);
      expect(again.code).toBe(0);
      expect(again.out).toMatch(/enqueued 100 messages/);
      expect(again.out).toContain('replayed 100 messages: 0 indexed, 100 already indexed, 0 dead-lettered');
      expect(await indexedIds()).toEqual(both);
    });

    it('gives a message read over IMAP (BODY[HEADER]) the same _id as the same message from the file', async () => {
      const imap = new ImapFlow({ host: s.imapHost, port: s.imapPort, secure: false, doSTARTTLS: false, auth: { user: user.user, pass: user.pass }, logger: false });
      await imap.connect();
      try {
        await imap.mailboxCreate(mailbox);
        for (const m of mboxMessages.slice(0, 5)) await imap.append(mailbox, m.raw, [], m.internalDate);
        const lock = await imap.getMailboxLock(mailbox, { readOnly: true });
        const fromImap: string[] = [];
        try {
          for await (const msg of imap.fetch('1:*', { uid: true, headers: true }, { uid: true })) fromImap.push(documentId(msg.headers!));
        } finally {
          lock.release();
        }
        const indexed = new Set(await indexedIds());
        expect(fromImap).toHaveLength(5);
        for (const id of fromImap) expect(indexed.has(id)).toBe(true);
      } finally {
        await imap.mailboxDelete(mailbox).catch(() => undefined);
        await imap.logout();
      }
    });
});
