// Mail older than the retention window (real Dovecot, Redis, Elasticsearch, real processes): such messages
// are not indexed — the retention task would delete their month, unseen — but counted where a person looks
// (metric, `status`, the `replay` summary, a warning per batch), and the mailbox watermark moves past them.
import { mkdirSync, writeFileSync } from 'node:fs';
import { join } from 'node:path';
import { afterEach, beforeAll, describe, expect, it } from 'vitest';
import { formatMailDate } from '../../src/demo/rfc5322-date.js';
import { buildDist, createFaultCase, generateMessages, idsOf, MvProcess, runMv, waitFor, type FaultCase } from './process-harness.js';

const RETENTION_MONTHS = 13;

/** The 15th of the month `months` months before now (UTC). */
function monthsAgoDate(months: number): Date {
  const d = new Date();
  d.setUTCDate(15);
  d.setUTCMonth(d.getUTCMonth() - months);
  return d;
}

const monthsAgo = (months: number): string => formatMailDate(monthsAgoDate(months), 0);

const recentDate = (): string => formatMailDate(new Date(Date.now() - 3600_000), 0);

describe('messages older than the retention window (real servers, separate processes)', () => {
  let fc: FaultCase | undefined;
  beforeAll(async () => {
    await buildDist();
  }, 180_000);
  afterEach(async () => {
    await fc?.cleanup();
    fc = undefined;
  });

  it('a mailbox holding mail older than retentionMonths: old mail counted, not indexed; the watermark moves past it', async () => {
    fc = await createFaultCase('expired');
    const box = await fc.mailbox('alice', 'old');
    const old = generateMessages(12, 'expired-old', monthsAgo(RETENTION_MONTHS + 1));
    const recent = generateMessages(8, 'expired-new', recentDate());
    // Interleaved, so batches mix both.
    const all = old.flatMap((m, i) => (i < recent.length ? [m, recent[i]!] : [m]));
    await fc.append('alice', box, all.map((m) => m.raw), 1);
    const file = fc.writeConfig(fc.baseConfig([{ id: 'alice', user: 'alice', mailboxes: [box], batchSize: 5 }],
      { elasticsearch: { retentionMonths: RETENTION_MONTHS }, queue: { batchMaxMessages: 5 } }));
    expect((await runMv(['setup', '-c', file])).code).toBe(0);

    const run = new MvProcess('run', file);
    await waitFor('watermark past every message', () => fc!.mailboxes(), (m) => m[0]?.committed === all.length && m[0]?.expired === old.length, 90_000);
    expect(await fc.docIds()).toEqual(idsOf(recent));
    expect(await run.metric('mailverdict_messages_indexed_total', { outcome: 'expired' })).toBe(old.length);
    expect(await run.metric('mailverdict_messages_indexed_total', { outcome: 'created' })).toBe(recent.length);
    // No index was created for the expired month (nothing for retention to delete unseen).
    const indices = Object.keys(await fc.es.indices.get({ index: `${fc.indexPrefix}-2*` }));
    const oldMonth = monthsAgoDate(RETENTION_MONTHS + 1).toISOString().slice(0, 7).replace('-', '.');
    expect(indices).not.toContain(`${fc.indexPrefix}-${oldMonth}`);
    expect(indices.length).toBeGreaterThan(0);

    // A warning per batch that had any, and together they count every old message.
    const warnings = run.logs().filter((l) => l.level === 40 && String(l.msg).includes('not indexed: older than the retention window'));
    expect(warnings.length).toBeGreaterThan(0);
    expect(warnings.reduce((n, l) => n + Number(l['expired']), 0)).toBe(old.length);
    expect(warnings[0]).toMatchObject({ account: 'alice', mailbox: box, retentionMonths: RETENTION_MONTHS });

    const json = await fc.status(file);
    expect(json.mailboxes[0]).toMatchObject({ committed: all.length, expired: old.length });
    const human = await runMv(['status', '-c', file]);
    expect(human.stdout).toContain(`not indexed, older than the retention window (elasticsearch.retentionMonths): ${old.length} (alice/${box} ${old.length})`);
    expect(await run.stop()).toEqual({ code: 0, signal: null });
    console.log(`retention ${RETENTION_MONTHS} months: ${all.length} messages, ${recent.length} indexed, ${old.length} counted as expired; ${warnings.length} warnings`);
  }, 180_000);

  it('replaying an old archive: --direct and through the queue, the summary counts what was too old', async () => {
    fc = await createFaultCase('expreplay');
    const file = fc.writeConfig(fc.baseConfig([{ id: 'alice', user: 'alice', mailboxes: ['INBOX'] }],
      { elasticsearch: { retentionMonths: RETENTION_MONTHS } }));
    expect((await runMv(['setup', '-c', file])).code).toBe(0);

    const old = generateMessages(6, 'replay-old', monthsAgo(RETENTION_MONTHS + 5));
    const recent = generateMessages(4, 'replay-new', recentDate());
    const mbox = join(fc.dir, 'archive.mbox');
    writeFileSync(mbox, [...old, ...recent].map((m) => `From MAILER-DAEMON Thu Jan  1 00:00:00 2015\n${m.raw.toString('latin1').replace(/^(>*From )/gm, '>$1')}\n`).join(''), 'latin1');
    const direct = await runMv(['replay', '-c', file, '--direct', '--progress', 'none', mbox]);
    expect(direct.code, direct.stderr).toBe(0);
    expect(direct.stdout).toMatch(new RegExp(`replayed 10 messages: 4 indexed, 0 already indexed, 0 dead-lettered, 6 not indexed: older than the retention window \\(elasticsearch\\.retentionMonths ${RETENTION_MONTHS}, keeps \\d{4}\\.\\d{2} onwards\\)`));
    expect(await fc.docIds()).toEqual(idsOf(recent));

    // Through the queue: the workers count, the replay summary says so once they are done.
    const olderStill = generateMessages(5, 'replay-q-old', monthsAgo(RETENTION_MONTHS + 2));
    const more = generateMessages(3, 'replay-q-new', recentDate());
    const dir = join(fc.dir, 'eml');
    mkdirSync(dir);
    [...olderStill, ...more].forEach((m, i) => writeFileSync(join(dir, `${i}.eml`), m.raw));
    const worker = new MvProcess('work', file);
    await worker.httpUrl();
    const queued = await runMv(['replay', '-c', file, '--progress', 'none', dir], { timeoutMs: 90_000 });
    expect(queued.code, queued.stderr).toBe(0);
    expect(queued.stdout).toContain('all 1 jobs processed');
    expect(queued.stdout).toMatch(new RegExp(`^replayed 8 messages: 3 indexed, 0 already indexed, 0 dead-lettered, 5 not indexed: older than the retention window \\(elasticsearch\\.retentionMonths ${RETENTION_MONTHS}`, 'm'));
    expect(await fc.docIds()).toEqual(idsOf([...recent, ...more]));
    expect(await worker.metric('mailverdict_messages_indexed_total', { outcome: 'expired' })).toBe(5);
    expect((await worker.stop()).code).toBe(0);
    console.log(`replay: ${direct.stdout.trim()} | ${queued.stdout.trim().split('\n').at(-1)}`);
  }, 180_000);
});
