import { describe, expect, it } from 'vitest';
import { parseFetched, parseMessage } from '../../../src/parse/parse-message.js';

const enc = (s: string): Uint8Array => new TextEncoder().encode(s);
const context = { origin: { kind: 'imap' as const, mailbox: 'Quarantine', uid: 7 }, now: new Date('2026-05-01T00:00:00Z') };
const header = 'Received: from a by b; Mon, 13 Apr 2026 06:49:00 +0000\r\nSubject: hi\r\nContent-Type: multipart/mixed; boundary=b\r\n';
const message = `${header}\r\n--b\r\nContent-Type: text/plain\r\n\r\nx\r\n--b\r\nX-KSMG-AntiVirus-Status: Infected\r\n\r\nzip\r\n--b--\r\n`;

describe('parseMessage / parseFetched', () => {
  it('give the same id and document for a file read and an IMAP fetch of the same message', () => {
    const fromFile = parseMessage(enc(message), context);
    const fromImap = parseFetched(enc(`${header}\r\n`), [
      { path: '1', raw: 'Content-Type: text/plain\r\n\r\n' },
      { path: '2', raw: 'X-KSMG-AntiVirus-Status: Infected\r\n\r\n' },
    ], context);
    expect(fromImap.id).toBe(fromFile.id);
    expect(fromImap.document).toEqual(fromFile.document);
    expect(fromFile.document['@timestamp']).toBe('2026-04-13T06:49:00.000Z');
    expect(fromFile.document.email.subject).toBe('hi');
  });

  it('passes limits through', () => {
    const doc = parseMessage(enc(message), context, { maxParts: 1 }).document;
    expect(doc.mailverdict.parse.warnings).toContain('cap:max_parts');
  });
});
