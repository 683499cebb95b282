import { createHash } from 'node:crypto';
import { describe, expect, it } from 'vitest';
import { documentId } from '../../../src/document/document-id.js';

const sha = (s: string): string => createHash('sha256').update(s, 'utf8').digest('hex');

describe('documentId', () => {
  it('is the sha256 of the LF-normalized block without trailing line breaks', () => {
    expect(documentId('A: 1\nB: 2\n')).toBe(sha('A: 1\nB: 2'));
  });

  it('gives the same id for CRLF, bare CR, LF, with or without the empty line, string or bytes', () => {
    const want = sha('A: 1\nB: 2');
    for (const v of ['A: 1\r\nB: 2\r\n', 'A: 1\rB: 2\r', 'A: 1\nB: 2', 'A: 1\r\nB: 2\r\n\r\n']) {
      expect(documentId(v)).toBe(want);
      expect(documentId(new TextEncoder().encode(v))).toBe(want);
    }
  });

  it('differs when the content differs', () => {
    expect(documentId('A: 1\n')).not.toBe(documentId('A: 2\n'));
  });
});
