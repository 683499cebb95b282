// The pipeline against a Redis that speaks only TLS, has the default user off and one ACL user with a
// password: `rediss://` with the CA in redis.tls.caFile, real processes, exactly N documents. A wrong
// password or a missing CA fails the command (non-zero) without printing the password.
import { readFileSync } from 'node:fs';
import { Redis } from 'ioredis';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { tlsRedis, type TlsRedis } from '../support/secure-services.js';
import { buildDist, createFaultCase, deleteKeys, generateMessages, idsOf, MvProcess, runMv, waitFor, type FaultCase } from './process-harness.js';

describe('Redis with TLS, an ACL user and a password', () => {
  let redis: TlsRedis;
  let fc: FaultCase;
  let tlsClient: Redis;

  beforeAll(async () => {
    [redis] = await Promise.all([tlsRedis(), buildDist()]);
    fc = await createFaultCase('rtls');
    tlsClient = new Redis(redis.url, { username: redis.username, password: redis.password, tls: { ca: readFileSync(redis.caFile) }, maxRetriesPerRequest: 3 });
    tlsClient.on('error', () => undefined);
  }, 300_000);

  afterAll(async () => {
    if (tlsClient !== undefined) {
      await deleteKeys(tlsClient, `${fc.keyPrefix}:*`).catch(() => undefined);
      tlsClient.disconnect();
    }
    await fc?.cleanup();
  });

  function config(mailbox: string, redisSection: Record<string, unknown>): Record<string, unknown> {
    const base = fc.baseConfig([{ id: 'alice', user: 'alice', mailboxes: [mailbox], batchSize: 40 }]);
    return { ...base, redis: { keyPrefix: fc.keyPrefix, ...redisSection } };
  }

  it('indexes exactly N messages with the queue on rediss:// (CA file, ACL user)', async () => {
    const mailbox = await fc.mailbox('alice');
    const messages = generateMessages(150, fc.tag);
    await fc.append('alice', mailbox, messages.map((m) => m.raw));
    const file = fc.writeConfig(config(mailbox, {
      url: redis.url, username: redis.username, password: redis.password, tls: { caFile: redis.caFile },
    }));
    const run = new MvProcess('run', file);
    await waitFor('all documents', () => fc.docCount(), (n) => n >= messages.length, 90_000);
    expect(await fc.docIds()).toEqual(idsOf(messages));
    // The queue and the watermark really live in the TLS Redis, not in the shared plain one.
    const keys = await tlsClient.keys(`${fc.keyPrefix}:*`);
    expect(keys.length).toBeGreaterThan(0);
    expect(await fc.redis.keys(`${fc.keyPrefix}:*`)).toEqual([]);
    run.child.kill('SIGTERM');
    expect((await run.exited).code).toBe(0);
  });

  function wrongPasswordConfig(name: string): Promise<{ file: string; wrong: string }> {
    return fc.mailbox('alice', name).then((mailbox) => {
      const wrong = `Wr0ng-${fc.tag}-Secret-${Date.now()}`;
      const file = fc.writeConfig(config(mailbox, {
        url: redis.url, username: redis.username, password: wrong, tls: { caFile: redis.caFile },
      }), `${name}.yaml`);
      return { file, wrong };
    });
  }

  it('a wrong password fails `config check` without printing it', async () => {
    const { file, wrong } = await wrongPasswordConfig('wrongpw-check');
    const r = await runMv(['config', 'check', '-c', file], { timeoutMs: 60_000 });
    expect(r.timedOut).toBe(false);
    expect(r.code, r.stderr).not.toBe(0);
    expect(r.stdout + r.stderr).toMatch(/WRONGPASS|password/i);
    expect(r.stdout + r.stderr).not.toContain(wrong);
  });

  // Issue 13: `status` once died with a stack trace that printed the password (`command: { name: 'auth', … }`).
  it('a wrong password fails `status` and `status --json` without printing it', async () => {
    const { file, wrong } = await wrongPasswordConfig('wrongpw-status');
    for (const args of [['status', '-c', file], ['status', '-c', file, '--json']]) {
      const r = await runMv(args, { timeoutMs: 60_000 });
      expect(r.timedOut, args.join(' ')).toBe(false);
      expect(r.code, `${args.join(' ')}: ${r.stderr}`).not.toBe(0);
      expect(r.stdout + r.stderr).not.toContain(wrong);
    }
  });

  it('without the CA the TLS handshake is refused and the command fails', async () => {
    const mailbox = await fc.mailbox('alice', 'noca');
    const file = fc.writeConfig(config(mailbox, {
      url: redis.url, username: redis.username, password: redis.password,
    }), 'no-ca.yaml');
    const r = await runMv(['config', 'check', '-c', file], { timeoutMs: 60_000 });
    expect(r.code).not.toBe(0);
    expect(r.stdout + r.stderr).toMatch(/certificate/i);
    expect(r.stdout + r.stderr).not.toContain(redis.password);
  });
});
