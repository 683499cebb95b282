import { mkdtempSync, rmSync, writeFileSync } from 'node:fs';
import { createServer, type Server } from 'node:http';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { afterEach, describe, expect, it } from 'vitest';
import { accessTokenSource, RefreshingTokenSource, type Refresh } from '../../../src/collector/access-token-source.js';
import type { AccountSettings } from '../../../src/collector/account-settings.js';
import { OAuth2Error, refreshAccessToken, type OAuth2Settings } from '../../../src/collector/oauth2-refresh.js';

const account: AccountSettings = { id: 'a', host: 'h', port: 993, tls: 'implicit', user: 'u', mailboxes: ['INBOX'] };
const settings: OAuth2Settings = { tokenUrl: 'http://127.0.0.1:1/token', clientId: 'app', clientSecret: 'cs', refreshToken: 'rt-0' };

describe('accessTokenSource', () => {
  let dir: string | undefined;
  afterEach(() => { if (dir !== undefined) rmSync(dir, { recursive: true, force: true }); dir = undefined; });

  it('is undefined for a password account and the token itself for a fixed accessToken', async () => {
    expect(accessTokenSource({ ...account, password: 'p' })).toBeUndefined();
    expect(await accessTokenSource({ ...account, accessToken: 'tok' })?.current()).toBe('tok');
  });

  it('reads accessTokenFile again on every call', async () => {
    dir = mkdtempSync(join(tmpdir(), 'mv-token-'));
    const file = join(dir, 'token');
    writeFileSync(file, 'first\n');
    const source = accessTokenSource({ ...account, accessTokenFile: file })!;
    expect(await source.current()).toBe('first');
    writeFileSync(file, 'second\n');
    expect(await source.current()).toBe('second');
  });
});

describe('RefreshingTokenSource', () => {
  function fakeProvider(expiresInMs: number | undefined) {
    const calls: string[] = [];
    let n = 0;
    const refresh: Refresh = (s) => {
      calls.push(s.refreshToken);
      n++;
      return Promise.resolve({ accessToken: `at-${n}`, expiresAt: expiresInMs === undefined ? undefined : now + expiresInMs, refreshToken: `rt-${n}` });
    };
    return { calls, refresh };
  }
  let now = 1_000_000;

  it('reuses a token until a minute before it expires, then refreshes with the rotated refresh token', async () => {
    now = 1_000_000;
    const p = fakeProvider(3_600_000);
    const source = new RefreshingTokenSource(settings, p.refresh, () => now);
    expect(await source.current()).toBe('at-1');
    now += 3_600_000 - 61_000;
    expect(await source.current()).toBe('at-1');
    now += 2_000;
    expect(await source.current()).toBe('at-2');
    expect(p.calls).toEqual(['rt-0', 'rt-1']);
  });

  it('refreshes at once after the server refused the current token, and asks once for concurrent callers', async () => {
    now = 1_000_000;
    const p = fakeProvider(undefined);
    const source = new RefreshingTokenSource(settings, p.refresh, () => now);
    const [a, b] = await Promise.all([source.current(), source.current()]);
    expect([a, b]).toEqual(['at-1', 'at-1']);
    source.rejected('some-older-token'); // not the current one: no effect
    expect(await source.current()).toBe('at-1');
    source.rejected('at-1');
    expect(await source.current()).toBe('at-2');
    expect(p.calls).toEqual(['rt-0', 'rt-1']);
  });

  it('a short-lived token is refreshed after nine tenths of its life', async () => {
    now = 1_000_000;
    const p = fakeProvider(100_000);
    const source = new RefreshingTokenSource(settings, p.refresh, () => now);
    await source.current();
    now += 89_000;
    expect(await source.current()).toBe('at-1');
    now += 2_000;
    expect(await source.current()).toBe('at-2');
  });
});

describe('refreshAccessToken', () => {
  let server: Server | undefined;
  afterEach(async () => { await new Promise((r) => server?.close(r) ?? r(undefined)); server = undefined; });

  async function endpoint(status: number, body: unknown, seen: URLSearchParams[] = []): Promise<string> {
    server = createServer((req, res) => {
      let text = '';
      req.on('data', (c: Buffer) => { text += c.toString(); });
      req.on('end', () => {
        seen.push(new URLSearchParams(text));
        res.writeHead(status, { 'content-type': 'application/json' }).end(JSON.stringify(body));
      });
    });
    await new Promise<void>((r) => server!.listen(0, '127.0.0.1', () => r()));
    const address = server.address();
    return `http://127.0.0.1:${typeof address === 'object' && address !== null ? address.port : 0}/token`;
  }

  it('posts the refresh-token grant and reads token, lifetime and a rotated refresh token', async () => {
    const seen: URLSearchParams[] = [];
    const tokenUrl = await endpoint(200, { access_token: 'new-at', expires_in: 3599, refresh_token: 'new-rt', token_type: 'Bearer' }, seen);
    const r = await refreshAccessToken({ ...settings, tokenUrl, scope: 'https://mail.google.com/' }, { now: () => 1000 });
    expect(r).toEqual({ accessToken: 'new-at', expiresAt: 1000 + 3_599_000, refreshToken: 'new-rt' });
    expect(Object.fromEntries(seen[0]!)).toEqual({ grant_type: 'refresh_token', refresh_token: 'rt-0', client_id: 'app', client_secret: 'cs', scope: 'https://mail.google.com/' });
  });

  it('a refused grant is an OAuth2Error with the provider code, without the secrets', async () => {
    const tokenUrl = await endpoint(400, { error: 'invalid_grant', error_description: 'AADSTS70008: expired' });
    const err = await refreshAccessToken({ ...settings, tokenUrl }).catch((e: unknown) => e);
    expect(err).toBeInstanceOf(OAuth2Error);
    expect((err as Error).message).toMatch(/invalid_grant: AADSTS70008: expired/);
    expect((err as Error).message).not.toMatch(/rt-0|\bcs\b/);
  });

  it('an unreachable endpoint is a clear OAuth2Error', async () => {
    const closed = await endpoint(200, {});
    await new Promise((r) => server!.close(r));
    server = undefined;
    const err = await refreshAccessToken({ ...settings, tokenUrl: closed }).catch((e: unknown) => e);
    expect((err as Error).message).toMatch(/unreachable: ECONNREFUSED/);
  });
});
