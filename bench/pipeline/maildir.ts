// Fast delivery of many messages: written straight into the mailbox's Maildir cur/ (as an MDA delivers,
// but already "seen by a client": cur/ + ":2,"), owned by the mail user, with S= and W= sizes in the name
// (Dovecot then needs no stat per message) and mtime = INTERNALDATE. Dovecot indexes them on the next
// sync (STATUS/SELECT). 100k APPENDs would take minutes; this takes seconds and leaves a real mailbox.
import { closeSync, fchownSync, futimesSync, openSync, statSync, writeSync } from 'node:fs';
import { join } from 'node:path';

export interface MaildirMessage {
  raw: Buffer;
  internalDate: Date;
}

/** The Maildir++ folder of mailbox `name` (no hierarchy) under a Dovecot user's home. */
export function maildirFolder(home: string, name: string): string {
  if (name.includes('.') || name.includes('/')) throw new Error(`bench mailbox name must be flat: ${name}`);
  return join(home, 'Maildir', `.${name}`);
}

/**
 * Writes the messages into folder/cur; file names sort in list order, so Dovecot gives UIDs in that order.
 * `first`: the index of messages[0] in the whole list, when it is written in chunks.
 */
export function writeMaildir(folder: string, messages: readonly MaildirMessage[], first = 0): void {
  const cur = join(folder, 'cur');
  const owner = statSync(folder); // the folder Dovecot created: its owner is the mail user
  const base = 1_760_000_000;
  messages.forEach((m, k) => {
    const i = first + k;
    const size = m.raw.length; // CRLF already: the virtual size W= equals the file size
    const name = `${base + i}.M${String(i).padStart(6, '0')}P${process.pid}.mvbench,S=${size},W=${size}:2,`;
    const fd = openSync(join(cur, name), 'wx', 0o600);
    try {
      writeSync(fd, m.raw);
      fchownSync(fd, owner.uid, owner.gid);
      const t = m.internalDate.getTime() / 1000;
      futimesSync(fd, t, t);
    } finally {
      closeSync(fd);
    }
  });
}
