// `gateway:` per account and per mailbox, and `internalDomains` (README "Which gateway is the top level").
import { describe, expect, it } from 'vitest';
import { parseConfig } from '../../../src/config/load-config.js';
import { configError, minimal } from './helpers.js';

function withAccount(extra: Record<string, unknown>, top: Record<string, unknown> = {}) {
  const raw = minimal();
  const account = (raw['accounts'] as Record<string, unknown>[])[0] as Record<string, unknown>;
  Object.assign(account, extra);
  return parseConfig({ ...raw, ...top }, { env: {} });
}

describe('gateway and internalDomains', () => {
  it('resolves each mailbox\'s gateway: its own, else the account\'s; a plain id is shorthand for { id }', () => {
    const config = withAccount({
      gateway: 'ksmg',
      mailboxes: ['INBOX', { path: 'Amavis', gateway: { id: 'amavis', hostname: 'mail.example.org' } }],
    });
    expect(config.accounts[0]?.mailboxes).toEqual([
      { path: 'INBOX', gateway: { id: 'ksmg' } },
      { path: 'Amavis', gateway: { id: 'amavis', hostname: 'mail.example.org' } },
    ]);
    expect(withAccount({}).accounts[0]?.mailboxes).toEqual([{ path: 'INBOX' }]);
  });

  it('rejects an id no parser reports, naming the key and the choices', () => {
    const error = configError(() => withAccount({ gateway: 'kasperski' }));
    expect(error.issues).toHaveLength(1);
    expect(error.issues[0]).toMatch(/^accounts\[0\]\.gateway\.id: expected one of the gateway ids "ksmg", "klms"/);
    const host = configError(() => withAccount({ gateway: { id: 'ksmg', hostname: 'bad host' } }));
    expect(host.issues[0]).toMatch(/^accounts\[0\]\.gateway\.hostname: expected a host name/);
  });

  it('internalDomains defaults to none and takes a list of domains', () => {
    expect(withAccount({}).internalDomains).toEqual([]);
    expect(withAccount({}, { internalDomains: ['example.org', 'corp.example.net'] }).internalDomains).toEqual(['example.org', 'corp.example.net']);
    expect(configError(() => withAccount({}, { internalDomains: ['not a domain'] })).issues[0]).toMatch(/^internalDomains\[0\]: expected a domain name/);
    expect(parseConfig(minimal(), { env: { MAILVERDICT_INTERNAL_DOMAINS: 'a.example,b.example' } }).internalDomains).toEqual(['a.example', 'b.example']);
  });
});
