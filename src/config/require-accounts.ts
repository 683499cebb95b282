// `accounts` is optional in the schema: only the roles that read IMAP need one. They call this first, so
// a worker-only or replay-only configuration runs, and a collector without accounts says what is missing.
import { ConfigError } from './config-error.js';
import type { AccountConfig, Config } from './schema.js';

/** The configured accounts; a ConfigError naming the key when there are none. */
export function requireAccounts(config: Pick<Config, 'accounts'>, reader: string, file?: string): readonly AccountConfig[] {
  if (config.accounts.length > 0) return config.accounts;
  throw new ConfigError([`accounts: expected one or more IMAP accounts (${reader} reads IMAP mailboxes), got none`], file);
}
