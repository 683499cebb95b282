// OAuth2 that lasts, against a private Dovecot whose oauth2 passdb asks a token endpoint written here
// (introspection): the connection is cut mid-backfill after the server has stopped accepting the token,
// and the collector must come back with a new one — from the refresh-token grant (with a rotated refresh
// token, as Microsoft hands out) or from an access-token file rewritten meanwhile — and end with exactly N.
import { writeFileSync } from 'node:fs';
import { join } from 'node:path';
import { ImapFlow } from 'imapflow';
import { afterEach, beforeAll, beforeEach, describe, expect, it } from 'vitest';
import { OAuth2Dovecot, TokenServer } from '../support/oauth2-dovecot.js';
import { buildDist, createFaultCase, generateMessages, idsOf, killAll, MvProcess, runMv, TcpProxy, waitFor, type FaultCase } from './process-harness.js';

const USER = 'alice';
const CLIENT_ID = 'mailverdict-test-client';
const CLIENT_SECRET = 'client-secret-for-tests';
const REFRESH_TOKEN = 'rt-initial-for-tests';

describe('OAuth2 access tokens that expire mid-backfill', () => {
  let fc: FaultCase;
  let tokens: TokenServer;
  let dovecot: OAuth2Dovecot;
  let proxy: TcpProxy;

  beforeAll(async () => {
    await buildDist();
  }, 300_000);

  beforeEach(async () => {
    fc = await createFaultCase('oauth2');
  });

  afterEach(async () => {
    await killAll();
    await proxy?.close();
    await dovecot?.stop();
    await tokens?.stop();
    await fc?.cleanup();
  });

  async function start(options: { lifeMs: number; expiresIn: number }): Promise<void> {
    tokens = await TokenServer.start({
      clientId: CLIENT_ID, clientSecret: CLIENT_SECRET, refreshToken: REFRESH_TOKEN, user: USER,
      lifeMs: options.lifeMs, expiresIn: options.expiresIn, rotateRefreshToken: true,
    });
    dovecot = await OAuth2Dovecot.start({ introspectionUrl: tokens.introspectionUrl, user: USER });
    proxy = await TcpProxy.start({ host: '127.0.0.1', port: dovecot.port });
  }

  async function fillMailbox(count: number): Promise<{ mailbox: string; ids: string[] }> {
    const mailbox = `oauth2-${fc.tag}-${Date.now().toString(36)}`;
    const client = new ImapFlow({ host: '127.0.0.1', port: dovecot.port, secure: false, doSTARTTLS: false, auth: { user: USER, pass: dovecot.password }, logger: false });
    client.on('error', () => undefined);
    await client.connect();
    await client.mailboxCreate(mailbox);
    const messages = generateMessages(count, `${fc.tag}${count}`);
    for (const m of messages) await client.append(mailbox, m.raw);
    await client.logout();
    return { mailbox, ids: idsOf(messages) };
  }

  function writeConfig(mailbox: string, credentials: Record<string, unknown>): string {
    const base = fc.baseConfig([{ id: 'o365', user: USER, mailboxes: [mailbox] }], {
      // Few waiting jobs: without a worker the collector stops mid-backfill (backpressure) and waits.
      queue: { batchMaxMessages: 10, maxWaitingJobs: 2 },
    });
    const account = (base['accounts'] as Record<string, unknown>[])[0]!;
    delete account['password'];
    Object.assign(account, { port: proxy.port, batchSize: 10, ...credentials });
    return fc.writeConfig(base, `config-${Date.now()}.yaml`);
  }

  /** Starts the collector alone and waits until it is stopped mid-backfill by backpressure. */
  async function collectUntilBackpressure(configFile: string): Promise<MvProcess> {
    const setup = await runMv(['setup', '-c', configFile], { timeoutMs: 60_000 });
    expect(setup.code, setup.stderr).toBe(0);
    const collect = new MvProcess('collect', configFile);
    try {
      await waitFor('backpressure mid-backfill', async () => (await fc.mailboxes()).find((m) => m.account === 'o365')?.phase, (p) => p === 'backpressure', 60_000);
    } catch (err) {
      throw new Error(`${(err as Error).message}\ncollect: ${collect.lines.slice(-20).join('\n')}\n${collect.stderr.slice(-2000)}\ndovecot: ${dovecot.log().slice(-2000)}`);
    }
    return collect;
  }

  it('refresh-token flow: an expired token is refused, refreshed, and the backfill ends with exactly N', { timeout: 240_000 }, async () => {
    // The provider says a token lives an hour but the server stops taking it after 2 s (expired or revoked
    // early): only the server's refusal can tell the collector to refresh.
    await start({ lifeMs: 2_000, expiresIn: 3600 });
    const { mailbox, ids } = await fillMailbox(200);
    const secretFile = join(fc.dir, 'client-secret');
    const refreshFile = join(fc.dir, 'refresh-token');
    writeFileSync(secretFile, `${CLIENT_SECRET}\n`);
    writeFileSync(refreshFile, `${REFRESH_TOKEN}\n`);
    const configFile = writeConfig(mailbox, {
      oauth2: { tokenUrl: tokens.tokenUrl, clientId: CLIENT_ID, clientSecretFile: secretFile, refreshTokenFile: refreshFile, scope: 'https://outlook.office365.com/IMAP.AccessAsUser.All offline_access' },
    });
    const collect = await collectUntilBackpressure(configFile);
    const first = tokens.tokens[0]!;
    expect(tokens.refreshGrants).toEqual([{ ok: true }]);
    await waitFor('the first token to expire on the server', async () => tokens.isActive(first.value), (active) => !active, 10_000);

    await proxy.cut(); // the session is gone; the next login needs a token the server takes
    await proxy.restore();
    const work = new MvProcess('work', configFile);
    await waitFor('all documents', () => fc.docCount(), (n) => n >= ids.length, 120_000);
    expect(await fc.docIds()).toEqual(ids);

    // The cached token was refused once, then a refresh (with the rotated refresh token) got a new one.
    expect(tokens.introspections.some((i) => i.token === first.value && !i.active)).toBe(true);
    expect(tokens.refreshGrants.length).toBeGreaterThanOrEqual(2);
    expect(tokens.refreshGrants.every((g) => g.ok)).toBe(true);
    const later = tokens.tokens.slice(1).map((t) => t.value);
    expect(tokens.introspections.some((i) => later.includes(i.token) && i.active)).toBe(true);
    const output = collect.lines.join('\n') + collect.stderr + work.lines.join('\n') + work.stderr;
    for (const secret of [CLIENT_SECRET, REFRESH_TOKEN, ...tokens.tokens.map((t) => t.value)]) expect(output).not.toContain(secret);
  });

  it('accessTokenFile: the file is read again at reconnect after the server refused the old token', { timeout: 240_000 }, async () => {
    await start({ lifeMs: 3_600_000, expiresIn: 3600 });
    const { mailbox, ids } = await fillMailbox(150);
    const tokenFile = join(fc.dir, 'access-token');
    const old = tokens.mint();
    writeFileSync(tokenFile, `${old.value}\n`);
    const configFile = writeConfig(mailbox, { accessTokenFile: tokenFile });
    await collectUntilBackpressure(configFile);

    // What a sidecar does every hour: a new token in the file; the old one stops working.
    const fresh = tokens.mint();
    writeFileSync(tokenFile, `${fresh.value}\n`);
    tokens.revoke(old.value);
    await proxy.cut();
    await proxy.restore();
    new MvProcess('work', configFile);
    await waitFor('all documents', () => fc.docCount(), (n) => n >= ids.length, 120_000);
    expect(await fc.docIds()).toEqual(ids);
    expect(tokens.introspections.some((i) => i.token === fresh.value && i.active)).toBe(true);
  });
});
