import { readFileSync } from 'node:fs';
import { ImapFlow, type ImapFlowOptions } from 'imapflow';
import { describe, expect, it } from 'vitest';
import { serviceSettings, uniqueName } from '../support/services.js';

const settings = serviceSettings();
const account = settings.imapUsers[0]!;

const message = (subject: string): string => [
  'From: sender@example.com',
  'To: quarantine@example.com',
  `Subject: ${subject}`,
  'X-KSMG-AntiSpam-Status: spam',
  'X-KSMG-AntiSpam-Rate: 95',
  'Date: Mon, 23 Nov 2026 10:00:00 +0000',
  '',
  'body',
  '',
].join('\r\n');

async function appendAndFetch(options: ImapFlowOptions): Promise<void> {
  const client = new ImapFlow({ ...options, logger: false });
  await client.connect();
  const mailbox = uniqueName('it-box');
  try {
    await client.mailboxCreate(mailbox);
    const subject = uniqueName('round trip');
    const appended = await client.append(mailbox, message(subject));
    expect(appended && appended.uid).toBeGreaterThan(0);
    const lock = await client.getMailboxLock(mailbox);
    try {
      const fetched = await client.fetchOne(String(appended && appended.uid), { uid: true, headers: true, envelope: true }, { uid: true });
      expect(fetched && fetched.envelope?.subject).toBe(subject);
      expect(fetched && fetched.headers?.toString('utf8')).toContain('X-KSMG-AntiSpam-Status: spam');
    } finally {
      lock.release();
    }
  } finally {
    await client.mailboxDelete(mailbox).catch(() => undefined);
    await client.logout();
  }
}

describe('Dovecot IMAP through imapflow (real server from scripts/services)', () => {
  it('APPENDs and FETCHes a message over the plain port', async () => {
    await appendAndFetch({
      host: settings.imapHost, port: settings.imapPort, secure: false, doSTARTTLS: false,
      auth: { user: account.user, pass: account.pass },
    });
  });

  it('APPENDs and FETCHes a message over the implicit-TLS port, verifying the certificate', async () => {
    await appendAndFetch({
      host: settings.imapHost, port: settings.imapsPort, secure: true,
      tls: { ca: readFileSync(settings.imapCaFile), servername: 'localhost' },
      auth: { user: account.user, pass: account.pass },
    });
  });

  it('rejects a wrong password', async () => {
    const client = new ImapFlow({
      host: settings.imapHost, port: settings.imapPort, secure: false, doSTARTTLS: false,
      auth: { user: account.user, pass: 'wrong-password' }, logger: false,
    });
    await expect(client.connect()).rejects.toMatchObject({ authenticationFailed: true });
  });
});
