// Account connection modes against the real Dovecot: implicit TLS and STARTTLS with certificate
// verification, and clear, secret-free status errors when verification or login fails.
import { afterEach, describe, expect, it } from 'vitest';
import { startCollector, type Collector } from '../../src/collector/collector.js';
import { Watermark } from '../../src/mailbox-state/watermark.js';
import type { AccountSettings } from '../../src/collector/account-settings.js';
import { serviceSettings } from '../support/services.js';
import { createHarness, fixtureMessages, waitFor, type Harness } from './pipeline-harness.js';

const s = serviceSettings();
const fixtures = fixtureMessages().slice(0, 3);

describe('collector connection modes (real Dovecot)', () => {
  let h: Harness | undefined;
  let c: Collector | undefined;
  afterEach(async () => {
    await c?.stop();
    c = undefined;
    await h?.cleanup();
    h = undefined;
  });

  const cases: [string, Partial<AccountSettings>][] = [
    ['implicit TLS, verified with the CA file', { host: 'localhost', port: s.imapsPort, tls: 'implicit', caFile: s.imapCaFile }],
    ['STARTTLS, verified with the CA file', { host: 'localhost', port: s.imapPort, tls: 'starttls', caFile: s.imapCaFile }],
  ];
  for (const [name, overrides] of cases) {
    it(`reads over ${name}`, async () => {
      h = await createHarness('tls', overrides);
      const uids = await h.append(fixtures.map((f) => f.raw));
      c = await startCollector(h.config);
      const wm = new Watermark(h.redis, h.keyPrefix, { account: 'alice', mailbox: h.mailbox });
      await waitFor('enqueued', async () => (await c!.statuses()).find((x) => x.mailbox === h!.mailbox)?.lastSeenUid, (u) => u === Math.max(...uids), 20_000);
      expect((await wm.read())?.uidvalidity).toBeGreaterThan(0);
    });
  }

  it('refuses an unverifiable certificate and a wrong password, with the reason in status and no secret', async () => {
    h = await createHarness('tlsbad', { host: 'localhost', port: s.imapsPort, tls: 'implicit' });
    c = await startCollector(h.config, { reconnectMinMs: 200, reconnectMaxMs: 500 });
    const st = await waitFor('an error', async () => (await c!.statuses()).find((x) => x.mailbox === h!.mailbox), (x) => x?.lastError !== undefined, 20_000);
    expect(st?.phase === 'error' || st?.phase === 'connecting').toBe(true);
    expect(st?.lastError).toMatch(/certificate|self.signed|SELF_SIGNED|UNABLE_TO_VERIFY/i);
    await c.stop();

    h.config.accounts = [{ ...h.account, host: s.imapHost, port: s.imapPort, tls: 'none', password: 'wrong-secret-pass' }];
    c = await startCollector(h.config, { reconnectMinMs: 200, reconnectMaxMs: 500 });
    const st2 = await waitFor('auth error', async () => (await c!.statuses()).find((x) => x.mailbox === h!.mailbox), (x) => x?.lastError?.startsWith('auth_failed') === true, 20_000);
    expect(st2?.lastError).not.toContain('wrong-secret-pass');
  });
});
