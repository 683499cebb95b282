// Secrets audit: a distinctive secret in every secret option, real processes run with faults (Redis down
// and back, wrong Redis and IMAP passwords, Elasticsearch cut through the harness TCP proxy), and then every
// place a secret could end up is searched: process logs and stderr, `status --json`, every Redis key and its
// value (job data included), every document, dead letter and alert under the index prefix.
import { writeFileSync } from 'node:fs';
import { join } from 'node:path';
import { afterEach, beforeAll, describe, expect, it } from 'vitest';
import { serviceSettings } from '../support/services.js';
import {
  buildDist, createFaultCase, freePort, generateMessages, MvProcess, PrivateRedis, runMv, TcpProxy, waitFor,
  type FaultCase, type RunResult,
} from './process-harness.js';
import type { Redis } from 'ioredis';

/** Every key of a Redis (a private one: all of it belongs to the test) with its value, as text. */
async function dumpRedis(redis: Redis): Promise<string> {
  const out: string[] = [];
  let cursor = '0';
  do {
    const [next, keys] = await redis.scan(cursor, 'COUNT', 1000);
    cursor = next;
    for (const key of keys) {
      const type = await redis.type(key);
      let value: unknown;
      if (type === 'string') value = await redis.get(key);
      else if (type === 'hash') value = await redis.hgetall(key);
      else if (type === 'list') value = await redis.lrange(key, 0, -1);
      else if (type === 'set') value = await redis.smembers(key);
      else if (type === 'zset') value = await redis.zrange(key, 0, -1, 'WITHSCORES');
      else if (type === 'stream') value = await redis.xrange(key, '-', '+');
      out.push(`${key} ${JSON.stringify(value)}`);
    }
  } while (cursor !== '0');
  return out.join('\n');
}

describe('secrets audit (real processes, faults)', () => {
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

  it('no secret appears in logs, status --json, Redis keys or job data, documents, dead letters or error output', async () => {
    fc = await createFaultCase('sec');
    const tag = `${Date.now().toString(36)}${Math.random().toString(36).slice(2, 6)}`;
    const secret = {
      redisPassword: `RedisPw-${tag}`,
      redisWrong: `RedisWrongPw-${tag}`,
      redisUrlWrong: `RedisUrlPw-${tag}`,
      esPassword: `EsPw-${tag}`,
      esApiKey: `EsApiKey-${tag}`,
      imapWrong: `ImapPw-${tag}`,
      kibanaPassword: `KibanaPw-${tag}`,
      webhookToken: `HookToken-${tag}`,
      webhookHeader: `HookHeader-${tag}`,
    };
    const forms = (s: string): string[] => [s, Buffer.from(s).toString('base64')];
    const searched: string[] = [
      ...Object.values(secret).flatMap(forms),
      Buffer.from(`elastic:${secret.esPassword}`).toString('base64'),
    ];

    let redis = await PrivateRedis.start({ password: secret.redisPassword });
    cleanups.push(() => redis.stop());
    const proxy = await TcpProxy.start({ host: '127.0.0.1', port: Number(new URL(serviceSettings().esUrl).port) });
    cleanups.push(() => proxy.close());
    const deadPort = await freePort();
    const box = await fc.mailbox('alice', 'sec');
    const messages = generateMessages(40, 'sec');

    const base = fc.baseConfig([
      { id: 'alice', user: 'alice', mailboxes: [box], pollIntervalMs: 1000 },
      { id: 'bob', user: 'bob', password: secret.imapWrong, mailboxes: ['INBOX'] },
    ], { redisUrl: redis.url, esUrl: proxy.url, elasticsearch: { username: 'elastic', password: secret.esPassword } });
    const redisSection = { ...(base['redis'] as Record<string, unknown>), password: secret.redisPassword };
    const full = {
      ...base,
      redis: redisSection,
      kibana: { url: `http://127.0.0.1:${deadPort}`, username: 'kibana-user', password: secret.kibanaPassword },
      alerts: {
        enabled: true, intervalMs: 2000,
        webhooks: [{ url: `http://127.0.0.1:${deadPort}/hooks/${secret.webhookToken}`, headers: { Authorization: `Bearer ${secret.webhookHeader}` }, maxAttempts: 1 }],
      },
    };
    const file = fc.writeConfig(full);
    const wrongKey = fc.writeConfig({ ...full, redis: { ...redisSection, password: secret.redisWrong } }, 'wrong-key.yaml');
    const wrongUrl = fc.writeConfig({ ...full, redis: { url: `redis://:${secret.redisUrlWrong}@127.0.0.1:${redis.port}`, keyPrefix: fc.keyPrefix } }, 'wrong-url.yaml');
    const redisDown = fc.writeConfig({ ...full, redis: { ...redisSection, url: `redis://127.0.0.1:${deadPort}` } }, 'redis-down.yaml');
    const { username: _u, password: _p, ...esNoBasic } = base['elasticsearch'] as Record<string, unknown>;
    const apiKey = fc.writeConfig({ ...full, elasticsearch: { ...esNoBasic, apiKey: secret.esApiKey } }, 'api-key.yaml');
    const eml = join(fc.dir, 'one.eml');
    writeFileSync(eml, generateMessages(1, 'sec-eml')[0]!.raw);

    const outputs: { where: string; text: string }[] = [];
    const keep = (where: string, r: RunResult): RunResult => {
      outputs.push({ where, text: `${r.stdout}\n${r.stderr}` });
      return r;
    };
    const processes: MvProcess[] = [];

    const { kibana: _k, ...withoutKibana } = full;
    const setup = keep('setup', await runMv(['setup', '-c', fc.writeConfig(withoutKibana, 'no-kibana.yaml')], { timeoutMs: 90_000 }));
    expect(setup.code, setup.stderr).toBe(0);
    keep('setup, Kibana away', await runMv(['setup', '-c', file], { timeoutMs: 90_000 }));
    const run = new MvProcess('run', file);
    processes.push(run);
    await run.httpUrl(90_000);

    // Elasticsearch cut while mail arrives: batches fail and are retried.
    await proxy.cut();
    await fc.append('alice', box, messages.map((m) => m.raw));
    await run.waitForLog('a failed batch', (l) => String(l.msg).startsWith('batch failed'), 90_000);
    keep('status, Elasticsearch cut', await runMv(['status', '-c', file, '--json'], { timeoutMs: 30_000 }));
    await proxy.restore();
    await waitFor('every message indexed', () => fc!.docCount(), (n) => n === messages.length, 120_000);

    // Redis away and back (a private one; it comes back empty, so the mailbox is read again: duplicates).
    const port = redis.port;
    await redis.stop();
    await run.waitForLog('the Redis outage logged', (l) => String(l.msg).includes(`127.0.0.1:${port}`) && String(l.msg).endsWith('; reconnecting'), 60_000);
    keep('replay, Redis down', await runMv(['replay', '-c', redisDown, '--progress', 'none', eml], { timeoutMs: 30_000 }));
    redis = await PrivateRedis.start({ port, password: secret.redisPassword });
    await run.waitForLog('Redis back', (l) => l.msg === 'redis connection restored', 60_000);
    await waitFor('the mailbox committed again', async () => (await fc!.mailboxes(redis.client)).find((m) => m.mailbox === box)?.committed, (c) => c === messages.length, 120_000);

    // Wrong Redis passwords, for a command and for a role.
    keep('status, wrong redis.password', await runMv(['status', '-c', wrongKey], { timeoutMs: 30_000 }));
    keep('status --json, password in the URL', await runMv(['status', '-c', wrongUrl, '--json'], { timeoutMs: 30_000 }));
    const work = new MvProcess('work', wrongKey);
    processes.push(work);
    await work.waitForLog('the refused password logged', (l) => String(l.msg).includes('authentication failed'), 60_000);
    expect((await work.stop(20_000)).code).toBe(0);

    const status = keep('status --json', await runMv(['status', '-c', file, '--json'], { timeoutMs: 30_000 }));
    expect(status.code, status.stderr).toBe(0);
    keep('replay --direct with an API key', await runMv(['replay', '-c', apiKey, '--direct', '--progress', 'none', eml], { timeoutMs: 60_000 }));
    keep('config check', await runMv(['config', 'check', '-c', file], { timeoutMs: 60_000 }));
    expect((await run.stop(30_000)).code).toBe(0);

    for (const p of processes) outputs.push({ where: `${p.command} log and stderr`, text: `${p.lines.join('\n')}\n${p.stderr}` });
    outputs.push({ where: 'Redis keys and values', text: await dumpRedis(redis.client) });
    await fc.es.indices.refresh({ index: `${fc.indexPrefix}-*`, allow_no_indices: true, ignore_unavailable: true });
    const docs = await fc.es.search({ index: `${fc.indexPrefix}-*`, size: 10_000, query: { match_all: {} }, allow_no_indices: true, ignore_unavailable: true });
    expect(docs.hits.hits.length).toBeGreaterThanOrEqual(messages.length);
    outputs.push({ where: 'documents, dead letters and alerts', text: JSON.stringify(docs.hits.hits) });

    const leaks = outputs.flatMap((o) => searched.filter((s) => o.text.includes(s)).map((s) => `${o.where}: ${s}`));
    expect(leaks).toEqual([]);
    // The audit looked at real output: the faults were seen and reported.
    const all = outputs.map((o) => o.text).join('\n');
    expect(all).toMatch(/authentication failed/);
    expect(all).toMatch(/connection refused/);
    expect(all).toMatch(/auth_failed/);
    console.log(`secrets audit: ${searched.length} secret forms searched in ${outputs.length} outputs (${Math.round(all.length / 1024)} KiB), none found`);
  }, 600_000);
});
