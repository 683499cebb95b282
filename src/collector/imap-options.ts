// imapflow connection options from an account: implicit TLS, STARTTLS or plain; certificate
// verification on unless the account turns it off; password or XOAUTH2 access token.
import { readFileSync } from 'node:fs';
import type { ImapFlowOptions } from 'imapflow';
import type { AccountSettings } from './account-settings.js';

/** `accessToken`: the XOAUTH2 token for this login (from the account's AccessTokenSource); else the password. */
export function imapOptions(account: AccountSettings, extra: Partial<ImapFlowOptions> = {}, accessToken = account.accessToken): ImapFlowOptions {
  const verify = account.verifyCertificate ?? true;
  const tls: NonNullable<ImapFlowOptions['tls']> = { rejectUnauthorized: verify };
  if (account.caFile !== undefined) tls.ca = readFileSync(account.caFile);
  const auth: NonNullable<ImapFlowOptions['auth']> = { user: account.user };
  if (accessToken !== undefined) auth.accessToken = accessToken;
  else if (account.password !== undefined) auth.pass = account.password;
  const options: ImapFlowOptions = {
    host: account.host,
    port: account.port,
    secure: account.tls === 'implicit',
    // STARTTLS is required when configured; plain connections never upgrade silently.
    doSTARTTLS: account.tls === 'starttls' ? true : account.tls === 'none' ? false : undefined,
    tls,
    auth,
    logger: false,
    connectionTimeout: 30_000,
    greetingTimeout: 15_000,
    socketTimeout: 5 * 60_000,
    ...extra,
  };
  return options;
}
