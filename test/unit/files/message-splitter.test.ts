import { describe, expect, it } from 'vitest';
import { MessageSplitter, type SplitRecord } from '../../../src/files/message-splitter.js';

const enc = (s: string): Uint8Array => Buffer.from(s, 'latin1');
const text = (r: SplitRecord): string => (r.kind === 'message' ? Buffer.from(r.raw).toString('latin1') : `ERROR ${r.code}`);

/** Feeds `input` in pieces of the given sizes (cycled) and returns every record. */
function split(input: string, sizes: number[] = [input.length || 1], max = 1024 * 1024): SplitRecord[] {
  const bytes = enc(input);
  const s = new MessageSplitter(max);
  const out: SplitRecord[] = [];
  for (let pos = 0, i = 0; pos < bytes.length; i++) {
    const n = Math.max(1, sizes[i % sizes.length] ?? 1);
    out.push(...s.push(bytes.subarray(pos, pos + n)));
    pos += n;
  }
  out.push(...s.end());
  return out;
}

/** Every chunking must give the same result as one big chunk: byte by byte, small primes, and random sizes. */
function splitAllWays(input: string, max?: number): string[] {
  const whole = split(input, undefined, max).map(text);
  let seed = 7;
  const random = Array.from({ length: 50 }, () => ((seed = (seed * 48271) % 2147483647) % 700) + 1);
  for (const sizes of [[1], [2], [3, 5, 7], [4096], random]) expect(split(input, sizes, max).map(text)).toEqual(whole);
  return whole;
}

const m1 = 'From: a@example.com\nSubject: one\n\nbody one\n';
const m2 = 'From: b@example.com\nSubject: two\n\nbody two\nFrom here on the line is body\n';
const m3 = 'From: c@example.com\nSubject: three\n\nbody three\n\n\nafter two blank lines\n';

describe('MessageSplitter', () => {
  it('keeps a message without a "From " first line whole, byte for byte', () => {
    const eml = 'Received: from x\r\nFrom: a@example.com\r\n\r\nFrom the body\r\n\r\nFrom me\r\n';
    expect(splitAllWays(eml)).toEqual([eml]);
  });

  it('splits an mbox on "From " lines after a blank line and drops the separating blank line', () => {
    const mbox = `From a@x Thu May  2 10:00:00 2024\n${m1}\nFrom b@x Thu May  2 10:00:01 2024\n${m2}\nFrom c@x Thu May  2 10:00:02 2024\n${m3}\n`;
    expect(splitAllWays(mbox)).toEqual([m1, m2, m3]);
  });

  it('splits CRLF mboxes the same way', () => {
    const crlf = (s: string): string => s.replace(/\n/g, '\r\n');
    const mbox = crlf(`From a@x Thu May  2 10:00:00 2024\n${m1}\nFrom b@x Thu May  2 10:00:01 2024\n${m2}`);
    expect(splitAllWays(mbox)).toEqual([crlf(m1), crlf(m2)]);
  });

  it('keeps the last message whole when the file does not end with a blank line', () => {
    expect(splitAllWays(`From a@x\n${m1}\nFrom b@x\nSubject: x\n\nno newline at end`)).toEqual([m1, 'Subject: x\n\nno newline at end']);
  });

  it('un-escapes ">From " by one ">" and leaves other ">" lines alone', () => {
    const body = 'Subject: q\n\n>From the start\n>>From quoted twice\n>Fromage\n> From spaced\nFrom inside\n';
    expect(splitAllWays(`From a@x\n${body}`)).toEqual(['Subject: q\n\nFrom the start\n>From quoted twice\n>Fromage\n> From spaced\nFrom inside\n']);
  });

  it('passes lines longer than the classification window through intact', () => {
    const long = 'x'.repeat(5000);
    const escaped = `>From ${'y'.repeat(3000)}`;
    const sepLong = `From a@x ${'z'.repeat(4000)}`;
    const got = splitAllWays(`${sepLong}\nSubject: long\n\n${long}\n${escaped}\n\n${sepLong}\nSubject: 2\n\nend\n`);
    expect(got).toEqual([`Subject: long\n\n${long}\n${escaped.slice(1)}\n`, 'Subject: 2\n\nend\n']);
  });

  it('turns a message over the cap into an error record and goes on with the next one', () => {
    const big = `Subject: big\n\n${'b'.repeat(500)}\n`;
    const got = splitAllWays(`From a@x\n${m1}\nFrom b@x\n${big}\nFrom c@x\n${m3}`, 200);
    expect(got).toEqual([m1, 'ERROR too_large', m3]);
    const records = split(`From a@x\n${m1}\nFrom b@x\n${big}\n`, [64], 200);
    expect(records[1]).toMatchObject({ kind: 'error', index: 1, code: 'too_large', message: expect.stringContaining('200 bytes') });
  });

  it('reports an empty mbox entry as an error and numbers records in order', () => {
    const records = split(`From a@x\n${m1}\nFrom b@x\n\nFrom c@x\n${m2}`);
    expect(records.map((r) => [r.index, r.kind])).toEqual([[0, 'message'], [1, 'error'], [2, 'message']]);
  });

  it('stops a single message over the cap early (done) without holding it', () => {
    const s = new MessageSplitter(100);
    expect(s.push(enc('Subject: x\n\n'))).toEqual([]);
    expect(s.done).toBe(false);
    s.push(enc('y'.repeat(200)));
    expect(s.done).toBe(true);
    expect(s.end()).toMatchObject([{ kind: 'error', code: 'too_large', index: 0 }]);
  });

  it('handles inputs shorter than "From "', () => {
    expect(split('Fro').map(text)).toEqual(['Fro']);
    expect(split('').map(text)).toEqual(['ERROR empty']);
  });
});
