// Redis key names of one mailbox's collector state. The `{…}` hash tag keeps every key of a mailbox in
// one Redis Cluster slot, so the Lua scripts that touch several of them stay valid on a cluster.

export interface MailboxRef {
  account: string;
  mailbox: string;
}

export interface MailboxKeys {
  /** hash: uidvalidity, committed, postCommitted, status fields */
  state: string;
  /** sorted set of finished UID intervals "lo-hi" (score lo) not yet merged into `committed` */
  done: string;
  /** string: the lock token of the collector reading this mailbox */
  lock: string;
}

const enc = (s: string): string => encodeURIComponent(s);

export function mailboxKeys(prefix: string, ref: MailboxRef): MailboxKeys {
  const base = `${prefix}:mailbox:{${enc(ref.account)}/${enc(ref.mailbox)}}`;
  return { state: `${base}:state`, done: `${base}:done`, lock: `${base}:lock` };
}

/** A set of every mailbox's `state` key, so `status` can list them without SCAN. */
export function mailboxIndexKey(prefix: string): string {
  return `${prefix}:mailboxes`;
}
