// Where an account's XOAUTH2 access token comes from at each login: the configured token as is, a token
// file read again every time (something else keeps it fresh), or the OAuth2 refresh-token grant (a new
// token shortly before the old one expires, and at once after the server refused one). One source per
// account, shared by its mailboxes, so they refresh once between them.
import { readSecretFile } from '../config/secrets.js';
import type { AccountSettings } from './account-settings.js';
import { refreshAccessToken, type OAuth2Settings, type RefreshedToken } from './oauth2-refresh.js';

export interface AccessTokenSource {
  /** The token to log in with now. */
  current(): Promise<string>;
  /** The server refused this token: the next current() gets another one (file re-read, refresh). */
  rejected(token: string): void;
}

/** A token this close to its expiry is not used for a new login: it may expire mid-login. */
const EXPIRY_MARGIN_MS = 60_000;

export type Refresh = (settings: OAuth2Settings) => Promise<RefreshedToken>;

/** The account's token source, or undefined for a password account. */
export function accessTokenSource(account: AccountSettings, refresh: Refresh = refreshAccessToken): AccessTokenSource | undefined {
  if (account.oauth2 !== undefined) return new RefreshingTokenSource(account.oauth2, refresh);
  const file = account.accessTokenFile;
  if (file !== undefined) return { current: () => Promise.resolve(readSecretFile(file)), rejected: () => undefined };
  const token = account.accessToken;
  if (token !== undefined) return { current: () => Promise.resolve(token), rejected: () => undefined };
  return undefined;
}

export class RefreshingTokenSource implements AccessTokenSource {
  /** The cached token and when to stop using it for new logins (undefined: until refused). */
  private token: { value: string; refreshAt: number | undefined } | undefined;
  private refreshing: Promise<string> | undefined;
  private refreshToken: string;

  constructor(private readonly settings: OAuth2Settings, private readonly refresh: Refresh, private readonly now: () => number = Date.now) {
    this.refreshToken = settings.refreshToken;
  }

  current(): Promise<string> {
    const token = this.token;
    if (token !== undefined && (token.refreshAt === undefined || token.refreshAt > this.now())) {
      return Promise.resolve(token.value);
    }
    // One request for every mailbox asking at the same time.
    this.refreshing ??= this.refresh({ ...this.settings, refreshToken: this.refreshToken })
      .then((fresh) => {
        if (fresh.refreshToken !== undefined) this.refreshToken = fresh.refreshToken;
        this.token = { value: fresh.accessToken, refreshAt: this.refreshAt(fresh.expiresAt) };
        return fresh.accessToken;
      })
      .finally(() => { this.refreshing = undefined; });
    return this.refreshing;
  }

  rejected(token: string): void {
    if (this.token?.value === token) this.token = undefined;
  }

  /** A minute before expiry, or a tenth of the life of a token that lives less than ten minutes. */
  private refreshAt(expiresAt: number | undefined): number | undefined {
    if (expiresAt === undefined) return undefined;
    const life = Math.max(0, expiresAt - this.now());
    return expiresAt - Math.min(EXPIRY_MARGIN_MS, life / 10);
  }
}
