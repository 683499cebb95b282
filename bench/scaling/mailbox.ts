// Bench mailboxes in the local Dovecot: created over IMAP, filled by writing the messages straight into its
// Maildir (bench/pipeline/maildir.ts; seconds for 20k messages where APPEND takes minutes), indexed by
// Dovecot on the STATUS that follows, and deleted over IMAP afterwards.
import { existsSync } from 'node:fs';
import { dirname, join } from 'node:path';
import { ImapFlow } from 'imapflow';
import { imapOptions } from '../../src/collector/imap-options.js';
import type { Config } from '../../src/config/schema.js';
import { serviceSettings } from '../../test/support/services.js';
import { maildirFolder, writeMaildir, type MaildirMessage } from '../pipeline/maildir.js';

type Account = Config['accounts'][number];

export interface FilledMailbox {
  name: string;
  lastUid: number;
  uidvalidity: number;
  writeSeconds: number;
  dovecotIndexSeconds: number;
}

export async function fillMailbox(account: Account, name: string, messages: readonly MaildirMessage[]): Promise<FilledMailbox> {
  const client = new ImapFlow(imapOptions(account));
  await client.connect();
  try {
    await retried(() => client.mailboxCreate(name));
    const home = join(dirname(serviceSettings().imapCaFile), 'mail', account.user);
    const folder = maildirFolder(home, name);
    if (!existsSync(join(folder, 'cur'))) throw new Error(`no Maildir at ${folder}: the bench writes into the local Dovecot's mail directory`);
    const t0 = performance.now();
    writeMaildir(folder, messages);
    const written = performance.now();
    const status = await client.status(name, { messages: true, uidNext: true, uidValidity: true });
    const indexed = performance.now();
    if (status === false || status.messages !== messages.length) {
      throw new Error(`mailbox ${name} holds ${status === false ? '?' : status.messages} messages, expected ${messages.length}`);
    }
    return {
      name,
      lastUid: (status.uidNext ?? 1) - 1,
      uidvalidity: Number(status.uidValidity ?? 0),
      writeSeconds: (written - t0) / 1000,
      dovecotIndexSeconds: (indexed - written) / 1000,
    };
  } finally {
    await client.logout().catch(() => undefined);
  }
}

export async function deleteMailboxes(account: Account, names: readonly string[]): Promise<string[]> {
  const problems: string[] = [];
  const client = new ImapFlow(imapOptions(account));
  try {
    await client.connect();
    for (const name of names) {
      try {
        await retried(() => client.mailboxDelete(name));
      } catch (err) {
        problems.push(`mailbox ${name}: ${String(err)}`);
      }
    }
  } catch (err) {
    problems.push(`IMAP: ${String(err)}`);
  } finally {
    await client.logout().catch(() => undefined);
  }
  return problems;
}

/**
 * Dovecot serializes mailbox creation and deletion per user (mailboxes.lock) and gives up after 60 s: another
 * client deleting a large mailbox of the same user can hold it that long. Tried again, three times in all.
 */
async function retried<T>(command: () => Promise<T>): Promise<T> {
  for (let attempt = 1; ; attempt++) {
    try {
      return await command();
    } catch (err) {
      if (attempt >= 3) throw err;
    }
  }
}
