import { describe, expect, it } from 'vitest';
import { readMessage } from '../../../src/headers/read-message.js';

const enc = (s: string): Uint8Array => new TextEncoder().encode(s);

const nested = [
  'Subject: nested',
  'Content-Type: multipart/mixed; boundary="outer"',
  '',
  'preamble --outer not a delimiter',
  '--outer',
  'Content-Type: multipart/alternative;',
  ' boundary=inner',
  '',
  '--inner',
  'Content-Type: text/plain',
  '',
  'hello',
  '--inner',
  'Content-Type: text/html',
  '',
  '<p>hello</p>',
  '--inner--',
  '--outer',
  'Content-Type: application/zip; name="a.zip"',
  'X-KSMG-AntiVirus-Status: Infected',
  '',
  'UEsDBAoAAAAAA',
  '--outerlonger',
  'still zip',
  '--outer--',
  'epilogue',
].join('\r\n');

describe('readMessage', () => {
  it('splits the header section and returns its exact bytes', () => {
    const raw = enc('A: 1\r\nB: 2\r\n\r\nbody\r\n');
    const { headerBytes, block } = readMessage(raw);
    expect(new TextDecoder().decode(headerBytes)).toBe('A: 1\r\nB: 2\r\n');
    expect(block.fields).toHaveLength(2);
    expect(block.parts).toEqual([]);
  });

  it('walks nested multiparts and collects part headers with IMAP paths', () => {
    const { block } = readMessage(enc(nested));
    expect(block.parts.map((p) => p.path)).toEqual(['1', '1.1', '1.2', '2']);
    expect(block.parts[3]?.fields.find((f) => f.key === 'x-ksmg-antivirus-status')?.value).toBe('Infected');
    expect(block.parts[1]?.fields[0]?.value).toBe('text/plain');
    expect(block.warnings).toEqual([]);
  });

  it('works with LF-only line ends too', () => {
    const { block } = readMessage(enc(nested.replace(/\r\n/g, '\n')));
    expect(block.parts.map((p) => p.path)).toEqual(['1', '1.1', '1.2', '2']);
  });

  it('caps parts and depth with warnings', () => {
    expect(readMessage(enc(nested), { maxParts: 2 }).block.parts).toHaveLength(2);
    expect(readMessage(enc(nested), { maxParts: 2 }).block.warnings).toContain('cap:max_parts');
    const shallow = readMessage(enc(nested), { maxDepth: 1 }).block;
    expect(shallow.parts.map((p) => p.path)).toEqual(['1', '2']);
    expect(shallow.warnings).toContain('cap:max_depth');
  });

  it('caps the body bytes scanned', () => {
    const { block } = readMessage(enc(nested), { maxBodyScanBytes: 60 });
    expect(block.warnings).toContain('cap:max_body_scan_bytes');
    expect(block.parts.length).toBeLessThan(4);
  });

  it('keeps a truncated multipart: the last part runs to the end', () => {
    const cut = nested.slice(0, nested.indexOf('UEsDB'));
    const { block } = readMessage(enc(cut));
    expect(block.parts.map((p) => p.path)).toEqual(['1', '1.1', '1.2', '2']);
    expect(block.parts[3]?.fields.find((f) => f.key === 'x-ksmg-antivirus-status')?.value).toBe('Infected');
  });

  it('handles a message that is only headers, or starts with an empty line', () => {
    expect(readMessage(enc('A: 1\r\nB: 2')).block.fields).toHaveLength(2);
    const empty = readMessage(enc('\r\nbody'));
    expect(empty.block.fields).toEqual([]);
    expect(empty.headerBytes.length).toBe(0);
  });

  it('finds the body of a bare-CR message', () => {
    const { headerBytes, block } = readMessage(enc('A: 1\rB: 2\r\rbody'));
    expect(block.fields.map((f) => f.value)).toEqual(['1', '2']);
    expect(headerBytes.length).toBe(10);
  });
});
