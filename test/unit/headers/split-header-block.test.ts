import { describe, expect, it } from 'vitest';
import { DEFAULT_HEADER_LIMITS, resolveLimits } from '../../../src/headers/limits.js';
import { splitHeaderBlock } from '../../../src/headers/split-header-block.js';

const enc = (s: string): Uint8Array => new TextEncoder().encode(s);

describe('splitHeaderBlock', () => {
  it('splits CRLF headers, lowercases keys, keeps every occurrence in order', () => {
    const block = splitHeaderBlock(enc('Received: from a by b; Mon, 13 Apr 2026 06:49:00 +0300\r\nX-KSMG-Rule-ID: 1\r\nReceived: from c\r\n\r\nbody: not a header\r\n'));
    expect(block.fields.map((f) => f.key)).toEqual(['received', 'x-ksmg-rule-id', 'received']);
    expect(block.fields.map((f) => f.index)).toEqual([0, 1, 2]);
    expect(block.fields[1]?.originalKey).toBe('X-KSMG-Rule-ID');
    expect(block.byName.get('received')?.map((f) => f.value)).toEqual(['from a by b; Mon, 13 Apr 2026 06:49:00 +0300', 'from c']);
    expect(block.warnings).toEqual([]);
  });

  it('unfolds continuation lines into one space per fold (LF, CRLF and bare CR alike)', () => {
    for (const nl of ['\n', '\r\n', '\r']) {
      const raw = `X-KSMG-AntiVirus: Kaspersky Secure Mail Gateway, version 2.1.1.8310,${nl}\tbases: 2026/04/13 06:49:00${nl}   #28394185${nl}Subject: hi${nl}`;
      const block = splitHeaderBlock(raw);
      expect(block.byName.get('x-ksmg-antivirus')?.[0]?.value).toBe('Kaspersky Secure Mail Gateway, version 2.1.1.8310, bases: 2026/04/13 06:49:00 #28394185');
      expect(block.byName.get('subject')?.[0]?.value).toBe('hi');
    }
  });

  it('decodes RFC 2047 encoded words but leaves Content-Type literal', () => {
    const block = splitHeaderBlock('Subject: =?utf-8?B?0J/RgNC40LLQtdGC?=\n =?utf-8?Q?_world?=\nContent-Type: multipart/mixed; boundary="=?x?Q?y?="\n');
    expect(block.byName.get('subject')?.[0]?.value).toBe('Привет world');
    expect(block.byName.get('content-type')?.[0]?.value).toBe('multipart/mixed; boundary="=?x?Q?y?="');
  });

  it('decodes 8-bit UTF-8 and falls back to latin1 only for invalid lines', () => {
    const bytes = new Uint8Array([...enc('Subject: Grüße\n'), ...enc('X-Old: caf'), 0xe9, ...enc('\n')]);
    const block = splitHeaderBlock(bytes);
    expect(block.byName.get('subject')?.[0]?.value).toBe('Grüße');
    expect(block.byName.get('x-old')?.[0]?.value).toBe('café');
  });

  it('skips lines without a colon with one counted warning and keeps going', () => {
    const block = splitHeaderBlock('From mailer Mon Apr 13\nX-A: 1\nthis is junk\nX-B: 2\n');
    expect(block.fields.map((f) => `${f.key}=${f.value}`)).toEqual(['x-a=1', 'x-b=2']);
    expect(block.warnings).toEqual(['header_without_colon:2']);
  });

  it('reads an X- name written without colon or value (IMail writes its SPF result so) as an empty field', () => {
    const block = splitHeaderBlock('X-A: 1\nX-IMail-SPAM-SPF- Pass\nX-IMail-SPAM-SPF-Fail \nX-Not A-Name\nX-B: 2\n');
    expect(block.fields.map((f) => [f.key, f.originalKey, f.value, f.index])).toEqual([
      ['x-a', 'X-A', '1', 0],
      ['x-imail-spam-spf-pass', 'X-IMail-SPAM-SPF- Pass', '', 1],
      ['x-imail-spam-spf-fail', 'X-IMail-SPAM-SPF-Fail', '', 2],
      ['x-b', 'X-B', '2', 3],
    ]);
    expect(block.byName.get('x-imail-spam-spf-pass')).toHaveLength(1);
    // Blanks are allowed only right after a hyphen: `X-Not A-Name` stays a malformed line.
    expect(block.warnings).toEqual(['header_without_colon:1']);
  });

  it('tolerates a name with spaces before the colon and rejects inner spaces', () => {
    const block = splitHeaderBlock('Subject : x\nNot A Header: y\n');
    expect(block.fields.map((f) => f.key)).toEqual(['subject']);
    expect(block.warnings).toEqual(['header_without_colon:1']);
  });

  it('stops at the first empty line and works without any body separator', () => {
    expect(splitHeaderBlock('A: 1\n\nB: 2\n').fields).toHaveLength(1);
    expect(splitHeaderBlock('A: 1\nB: 2').fields.map((f) => f.value)).toEqual(['1', '2']);
    expect(splitHeaderBlock('').fields).toEqual([]);
    expect(splitHeaderBlock('\r\nA: 1\r\n').fields).toEqual([]);
  });

  it('caps headers, bytes and line length with cap warnings', () => {
    const many = Array.from({ length: 50 }, (_, i) => `X-N: ${i}`).join('\n');
    const b1 = splitHeaderBlock(many, { limits: { maxHeaders: 10 } });
    expect(b1.fields).toHaveLength(10);
    expect(b1.warnings).toContain('cap:max_headers');

    const b2 = splitHeaderBlock(enc(many), { limits: { maxHeaderBytes: 100 } });
    expect(b2.warnings).toContain('cap:max_header_bytes');
    expect(b2.fields.length).toBeGreaterThan(5);
    expect(b2.fields.length).toBeLessThan(20);
    expect(b2.fields.at(-1)?.value).toMatch(/^\d+$/); // cut at a line boundary

    const b3 = splitHeaderBlock(`X-Long: ${'a'.repeat(5000)}\nX-After: ok\n`, { limits: { maxLineBytes: 1000 } });
    expect(b3.byName.get('x-long')?.[0]?.value.length).toBeLessThanOrEqual(1000);
    expect(b3.byName.get('x-after')?.[0]?.value).toBe('ok');
    expect(b3.warnings).toContain('cap:max_line_bytes');
  });

  it('parses MIME part headers handed over by the IMAP collector', () => {
    const block = splitHeaderBlock('Subject: x\n', {
      parts: [{ path: '2', raw: 'Content-Type: application/zip\r\nX-KSMG-AntiVirus-Status: Infected\r\n\r\n' }],
    });
    expect(block.parts).toEqual([
      {
        path: '2',
        fields: [
          { key: 'content-type', originalKey: 'Content-Type', value: 'application/zip', index: 0 },
          { key: 'x-ksmg-antivirus-status', originalKey: 'X-KSMG-AntiVirus-Status', value: 'Infected', index: 1 },
        ],
      },
    ]);
  });

  it('caps the MIME part headers handed over by the collector', () => {
    const parts = Array.from({ length: 5 }, (_, i) => ({ path: String(i + 1), raw: `X-P: ${i}\n` }));
    const block = splitHeaderBlock('Subject: x\n', { parts, limits: { maxParts: 3 } });
    expect(block.parts.map((p) => p.path)).toEqual(['1', '2', '3']);
    expect(block.warnings).toEqual(['cap:max_parts']);
  });

  it('resolveLimits ignores nonsense values', () => {
    expect(resolveLimits({ maxParts: -1, maxDepth: Number.NaN, maxHeaders: 5 })).toEqual({ ...DEFAULT_HEADER_LIMITS, maxHeaders: 5 });
  });
});
