// APPENDs the demo quarantine to an IMAP mailbox, replacing whatever that mailbox held, with each message's
// INTERNALDATE. Re-creating the mailbox gives it a new UIDVALIDITY, so collectors start it from scratch.
import { ImapFlow, type ImapFlowOptions } from 'imapflow';

const APPENDS_IN_FLIGHT = 16;

export interface SeedMessage {
  raw: Uint8Array;
  internalDate: Date;
}

export interface SeedResult {
  mailbox: string;
  uidvalidity: number;
  /** Highest UID appended (0 when nothing was). */
  lastUid: number;
  appended: number;
}

export interface SeedOptions {
  /** Called every `progressEvery` messages and at the end. */
  onProgress?: (appended: number, total: number) => void;
  progressEvery?: number;
}

export async function seedMailbox(imap: ImapFlowOptions, mailbox: string, messages: readonly SeedMessage[], options: SeedOptions = {}): Promise<SeedResult> {
  const client = new ImapFlow({ logger: false, ...imap });
  await client.connect();
  try {
    const existing = await client.list();
    if (existing.some((m) => m.path === mailbox)) await client.mailboxDelete(mailbox);
    await client.mailboxCreate(mailbox);
    let lastUid = 0;
    let uidvalidity = 0;
    const every = Math.max(1, options.progressEvery ?? 500);
    let reported = 0;
    // A few APPENDs in flight at once: imapflow sends them in order, so UIDs still follow the list.
    for (let i = 0; i < messages.length; i += APPENDS_IN_FLIGHT) {
      const chunk = messages.slice(i, i + APPENDS_IN_FLIGHT);
      const results = await Promise.all(chunk.map((m) => client.append(mailbox, Buffer.from(m.raw.buffer, m.raw.byteOffset, m.raw.byteLength), [], m.internalDate)));
      results.forEach((appended, k) => {
        if (appended === false) throw new Error(`APPEND to ${mailbox} failed for message ${i + k + 1}`);
        if (appended.uid !== undefined && appended.uid > lastUid) lastUid = appended.uid;
        if (appended.uidValidity !== undefined) uidvalidity = Number(appended.uidValidity);
      });
      const done = i + chunk.length;
      if (done - reported >= every || done === messages.length) {
        reported = done;
        options.onProgress?.(done, messages.length);
      }
    }
    // Servers without UIDPLUS return no UIDs: read them from the mailbox itself.
    if (lastUid === 0 || uidvalidity === 0) {
      const status = await client.status(mailbox, { uidNext: true, uidValidity: true });
      if (status === false) throw new Error(`STATUS ${mailbox} failed after APPEND`);
      lastUid = (status.uidNext ?? 1) - 1;
      uidvalidity = Number(status.uidValidity ?? 0);
    }
    return { mailbox, uidvalidity, lastUid, appended: messages.length };
  } finally {
    await client.logout().catch(() => undefined);
  }
}
