// The slice of the configuration the collector reads (structurally a part of config/schema.ts `Config`),
// so the collector can be driven by tests without a whole configuration.

export type AfterCommitAction = 'none' | 'seen' | 'move' | 'delete';

/** The gateway whose quarantine a mailbox is (config `gateway:`); travels with each job to the parser. */
export interface GatewaySettings {
  id: string;
  hostname?: string | undefined;
}

export interface MailboxSettings {
  path: string;
  startDate?: string | Date | undefined;
  /** Overrides the account's gateway. */
  gateway?: GatewaySettings | undefined;
}

export interface AccountSettings {
  id: string;
  host: string;
  port: number;
  tls: 'implicit' | 'starttls' | 'none';
  verifyCertificate?: boolean | undefined;
  caFile?: string | undefined;
  user: string;
  password?: string | undefined;
  /** OAuth2 access token (XOAUTH2), instead of a password */
  accessToken?: string | undefined;
  /** A file holding the access token, read again at every login */
  accessTokenFile?: string | undefined;
  /** OAuth2 refresh-token flow: access tokens fetched from the provider's token endpoint */
  oauth2?: { tokenUrl: string; clientId: string; clientSecret?: string | undefined; refreshToken: string; scope?: string | undefined } | undefined;
  /** UIDs per FETCH command */
  batchSize?: number | undefined;
  pollIntervalMs?: number | undefined;
  useIdle?: boolean | undefined;
  startDate?: string | Date | undefined;
  afterCommit?: { action: AfterCommitAction; moveTo?: string | undefined } | undefined;
  gateway?: GatewaySettings | undefined;
  mailboxes: readonly (MailboxSettings | string)[];
}

export function mailboxSettings(m: MailboxSettings | string): MailboxSettings {
  return typeof m === 'string' ? { path: m } : m;
}
