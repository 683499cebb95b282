import { describe, expect, it } from 'vitest';
import { createHash } from 'node:crypto';
import { documentId } from '../../../src/document/document-id.js';
import { parseFetched, parseMessage } from '../../../src/parse/parse-message.js';
import { decodeHeaderBytes, HEADER_ENCODING } from '../../../src/queue/message-batch.js';
import { toFetched } from '../../../src/replay/queue-target.js';

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

  it('give different messages without any header field different ids, the same message the same id, whatever the path', () => {
    const file = { origin: { kind: 'file' as const, path: 'a.eml' } };
    const one = parseMessage(enc('\r\nbody one\r\n'), file);
    const two = parseMessage(enc('\r\nbody two\r\n'), file);
    const blanks = parseMessage(enc(' \r\n\r\nbody three\r\n'), file);
    expect(new Set([one.id, two.id, blanks.id]).size).toBe(3);
    expect(parseMessage(enc('\r\nbody one\r\n'), { origin: { kind: 'file', path: 'other.eml' } }).id).toBe(one.id);
    expect(one.id).toBe(createHash('sha256').update('\r\nbody one\r\n').digest('hex'));
    // Where headers exist the id is still the header-block hash: IMAP and file reads agree (test above).
    expect(parseMessage(enc(message), file).id).toBe(documentId(header));
  });

  it('name a header-less IMAP message by account, mailbox, UIDVALIDITY and UID', () => {
    const at = (uid: number, mailbox = 'Q') => parseFetched(enc('\r\n'), [], { origin: { kind: 'imap', account: 'a', mailbox, uidvalidity: 9, uid } }).id;
    expect(at(1)).toBe(at(1));
    expect(new Set([at(1), at(2), at(1, 'R'), documentId('')]).size).toBe(4);
  });

  it('a header-less message replayed through the queue gets the same id as with --direct', () => {
    const raw = enc('\r\nonly a body\r\n');
    const fetched = toFetched({ path: 'x.eml', index: 0, raw }, 1);
    expect(fetched.headerlessId).toBe(parseMessage(raw, { origin: { kind: 'file' } }).id);
    const viaWorker = parseFetched(decodeHeaderBytes(fetched.headers, HEADER_ENCODING), [], { origin: { kind: 'file', path: 'x.eml' }, headerlessId: fetched.headerlessId! });
    expect(viaWorker.id).toBe(fetched.headerlessId);
    expect(toFetched({ path: 'y.eml', index: 0, raw: enc(message) }, 2).headerlessId).toBeUndefined();
  });
});
