// Redis down or refusing the password, Elasticsearch away for `status`, and the first SIGTERM, with real
// processes (`node bin/mailverdict.js …`) against a private redis-server (the shared one is never touched)
// and the harness TCP proxy in front of the real Elasticsearch.
import { writeFileSync } from 'node:fs';
import { createServer, type Socket } from 'node:net';
import { join } from 'node:path';
import { afterEach, beforeAll, describe, expect, it } from 'vitest';
import { serviceSettings } from '../support/services.js';
import {
  buildDist, createFaultCase, freePort, generateMessages, MvProcess, PrivateRedis, runMv, TcpProxy, waitFor,
  type FaultCase, type RunResult,
} from './process-harness.js';

const noStack = (r: RunResult): void => {
  expect(r.stderr).not.toMatch(/^\s+at /m);
  expect(r.stderr).not.toMatch(/ReplyError|command: \{/);
};

describe('Redis and Elasticsearch faults (real processes)', () => {
  let fc: FaultCase | undefined;
  const cleanups: (() => Promise<void>)[] = [];
  beforeAll(async () => {
    await buildDist();
  }, 180_000);
  afterEach(async () => {
    await fc?.cleanup();
    fc = undefined;
    for (const c of cleanups.splice(0).reverse()) await c().catch(() => undefined);
  });

  it('wrong Redis password (redis.password or in the URL): status and status --json exit 1 with one line naming the host, never the password', async () => {
    fc = await createFaultCase('rpw');
    const redis = await PrivateRedis.start({ password: `right-${Date.now()}` });
    cleanups.push(() => redis.stop());
    const inKey = `WrongKey-${Math.random().toString(36).slice(2)}`;
    const inUrl = `WrongUrl-${Math.random().toString(36).slice(2)}`;
    const base = fc.baseConfig([{ id: 'alice', user: 'alice', mailboxes: ['INBOX'] }], { redisUrl: redis.url });
    const files = {
      key: fc.writeConfig({ ...base, redis: { ...(base['redis'] as object), password: inKey } }, 'key.yaml'),
      url: fc.writeConfig({ ...base, redis: { ...(base['redis'] as object), url: `redis://:${inUrl}@127.0.0.1:${redis.port}` } }, 'url.yaml'),
    };
    for (const [how, file] of Object.entries(files)) {
      for (const args of [['status', '-c', file], ['status', '-c', file, '--json']]) {
        const r = await runMv(args, { timeoutMs: 30_000 });
        const what = `${how}: ${args.join(' ')}`;
        expect(r.timedOut, what).toBe(false);
        expect(r.code, `${what}: ${r.stderr}`).toBe(1);
        expect(r.stderr.trim().split('\n'), what).toEqual([
          `mailverdict status: Redis at 127.0.0.1:${redis.port}: authentication failed: wrong user name or password (redis.username / redis.password or the URL)`,
        ]);
        expect(r.stdout).toBe('');
        noStack(r);
        for (const secret of [inKey, inUrl]) expect(r.stdout + r.stderr).not.toContain(secret);
      }
    }
  }, 120_000);

  it('Redis down: status and replay through the queue exit 1 with one line; run, work and collect log the reason, retry with backoff and stop on the first SIGTERM', async () => {
    fc = await createFaultCase('rdown');
    const box = await fc.mailbox('alice', 'rdown');
    const deadPort = await freePort();
    const file = fc.writeConfig(fc.baseConfig([{ id: 'alice', user: 'alice', mailboxes: [box] }], { redisUrl: `redis://127.0.0.1:${deadPort}` }));
    const eml = join(fc.dir, 'one.eml');
    writeFileSync(eml, generateMessages(1, 'rdown')[0]!.raw);
    const expected = `Redis at 127.0.0.1:${deadPort}: connection refused`;
    const [status, replay] = await Promise.all([
      runMv(['status', '-c', file], { timeoutMs: 30_000 }),
      runMv(['replay', '-c', file, '--progress', 'none', eml], { timeoutMs: 30_000 }),
    ]);
    for (const [name, r] of [['status', status], ['replay', replay]] as [string, RunResult][]) {
      expect(r.timedOut, name).toBe(false);
      expect(r.code, `${name}: ${r.stderr}`).toBe(1);
      expect(r.stderr.trim().split('\n'), name).toEqual([`mailverdict ${name}: ${expected}`]);
      noStack(r);
    }

    const roles = ['run', 'work', 'collect'].map((command) => new MvProcess(command, file));
    for (const p of roles) {
      // Two attempts logged: it retries (1 s, then 2 s), and says why each time.
      await waitFor(`${p.command}: two failed attempts logged`, async () => p.logs().filter((l) => String(l.msg).startsWith(`${expected}; retrying in`)).length, (n) => n >= 2, 60_000);
      const delays = p.logs().filter((l) => typeof l['retryInMs'] === 'number').map((l) => Number(l['retryInMs']));
      expect(delays[1]).toBeGreaterThan(delays[0]!);
      expect(p.running).toBe(true);
    }
    for (const p of roles) {
      expect(await p.stop(20_000), p.command).toEqual({ code: 0, signal: null });
      expect(p.stderr, p.command).toBe('');
    }
  }, 180_000);

  it('Redis refusing the password: a role logs it and retries; once Redis answers it starts; the password never shows', async () => {
    fc = await createFaultCase('rlate');
    const box = await fc.mailbox('alice', 'rlate');
    const password = `Late-${Math.random().toString(36).slice(2)}-pass`;
    const wrong = await PrivateRedis.start({ password: `other-${Date.now()}` });
    cleanups.push(() => wrong.stop());
    const base = fc.baseConfig([{ id: 'alice', user: 'alice', mailboxes: [box] }], { redisUrl: wrong.url });
    const refused = fc.writeConfig({ ...base, redis: { ...(base['redis'] as object), password } }, 'refused.yaml');
    const work = new MvProcess('work', refused);
    await work.waitForLog('auth failure logged', (l) => String(l.msg).startsWith(`Redis at 127.0.0.1:${wrong.port}: authentication failed`), 60_000);
    expect(await work.stop(20_000)).toEqual({ code: 0, signal: null });
    expect(work.lines.join('\n') + work.stderr).not.toContain(password);

    // Redis not there yet: `run` waits for it and starts once it answers.
    const port = await freePort();
    const late = fc.writeConfig({ ...base, redis: { url: `redis://127.0.0.1:${port}`, keyPrefix: fc.keyPrefix, password } }, 'late.yaml');
    const run = new MvProcess('run', late);
    await run.waitForLog('connection refused logged', (l) => String(l.msg).startsWith(`Redis at 127.0.0.1:${port}: connection refused; retrying`), 60_000);
    const redis = await PrivateRedis.start({ port, password });
    cleanups.push(() => redis.stop());
    await run.waitForLog('started after Redis came', (l) => l.msg === 'mailverdict started', 90_000);
    expect(await run.stop(30_000)).toEqual({ code: 0, signal: null });
    expect(run.lines.join('\n') + run.stderr).not.toContain(password);
  }, 240_000);

  it('the first SIGTERM stops a role whose start hangs (Elasticsearch accepts connections and never answers)', async () => {
    fc = await createFaultCase('hang');
    const sockets = new Set<Socket>();
    const blackHole = createServer((s) => { sockets.add(s); s.on('error', () => undefined); });
    await new Promise<void>((resolve) => blackHole.listen(0, '127.0.0.1', resolve));
    cleanups.push(async () => {
      for (const s of sockets) s.destroy();
      await new Promise<void>((resolve) => blackHole.close(() => resolve()));
    });
    const port = (blackHole.address() as { port: number }).port;
    const file = fc.writeConfig(fc.baseConfig([{ id: 'alice', user: 'alice', mailboxes: ['INBOX'] }], { esUrl: `http://127.0.0.1:${port}` }));
    const work = new MvProcess('work', file);
    await waitFor('work to be waiting on Elasticsearch', async () => sockets.size, (n) => n > 0, 60_000);
    const exit = await work.stop(25_000);
    expect(exit).toEqual({ code: 0, signal: null });
  }, 120_000);

  it('status with Elasticsearch cut exits 1 without waiting through retries, still printing mailboxes and queue', async () => {
    fc = await createFaultCase('stes');
    const proxy = await TcpProxy.start({ host: '127.0.0.1', port: Number(new URL(serviceSettings().esUrl).port) });
    cleanups.push(() => proxy.close());
    const file = fc.writeConfig(fc.baseConfig([{ id: 'alice', user: 'alice', mailboxes: ['INBOX'] }], { esUrl: proxy.url }));
    const up = await runMv(['status', '-c', file, '--json'], { timeoutMs: 30_000 });
    expect(up.code, up.stderr).toBe(0);
    await proxy.cut();
    // Before: 15-32 s of transport retries, then exit 0. A hang past the bound is a failure here.
    const down = await runMv(['status', '-c', file, '--json'], { timeoutMs: 20_000 });
    expect(down.timedOut).toBe(false);
    expect(down.code).toBe(1);
    const report = JSON.parse(down.stdout) as { queue: Record<string, number>; documents: { indexed: number | null; error?: string } };
    expect(report.documents.indexed).toBeNull();
    expect(report.documents.error).toMatch(/ECONNREFUSED/);
    expect(report.queue['waiting']).toBe(0);
    expect(down.stderr.trim().split('\n')).toEqual([expect.stringMatching(/^mailverdict status: Elasticsearch: .*ECONNREFUSED/)]);
    console.log(`status with Elasticsearch cut: exit ${down.code} after ${down.ms} ms`);
  }, 120_000);

  it('Redis lost while work runs: every error counted in mailverdict_errors_total, one log line per outage and source, recovery logged', async () => {
    fc = await createFaultCase('rlost');
    let redis = await PrivateRedis.start();
    cleanups.push(() => redis.stop());
    const file = fc.writeConfig(fc.baseConfig([{ id: 'alice', user: 'alice', mailboxes: ['INBOX'] }], { redisUrl: redis.url }));
    const setup = await runMv(['setup', '-c', file]);
    expect(setup.code, setup.stderr).toBe(0);
    const work = new MvProcess('work', file);
    await work.httpUrl();
    const port = redis.port;
    await redis.stop();
    await waitFor('several Redis errors counted', () => work.metric('mailverdict_errors_total'), (n) => n >= 4, 60_000);
    redis = await PrivateRedis.start({ port });
    await work.waitForLog('Redis connection restored', (l) => l.msg === 'redis connection restored', 60_000);
    const reported = work.logs().filter((l) => String(l.msg).endsWith('; reconnecting'));
    const perSource = new Map<string, number>();
    for (const l of reported) perSource.set(String(l['source']), (perSource.get(String(l['source'])) ?? 0) + 1);
    expect(perSource.get('redis')).toBe(1);
    for (const [source, n] of perSource) expect(n, source).toBe(1);
    expect(reported[0]?.msg).toMatch(new RegExp(`^Redis at 127\\.0\\.0\\.1:${port}: `));
    const counted = await work.metric('mailverdict_errors_total');
    expect(counted).toBeGreaterThan(reported.length);
    expect(await work.stop(30_000)).toEqual({ code: 0, signal: null });
    console.log(`Redis outage: ${counted} errors counted, ${reported.length} lines logged (${[...perSource.keys()].join(', ')})`);
  }, 180_000);
});
