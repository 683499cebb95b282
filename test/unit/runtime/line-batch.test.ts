import { describe, expect, it } from 'vitest';
import { LineBatch } from '../../../src/runtime/line-batch.js';

const lines = ['{"a":1}', 'ünïcödé € 😀', '', 'x'.repeat(400_000), 'last'];

describe('LineBatch', () => {
  it('writes the same text to a string sink and to a byte sink', async () => {
    const text: string[] = [];
    const bytes: Uint8Array[] = [];
    const toText = new LineBatch({ write: (t) => void text.push(t) });
    const toBytes = new LineBatch({ write: () => expect.fail('bytes sink got a string'), writeBytes: (b) => void bytes.push(b) });
    for (const batch of [lines.slice(0, 2), [], lines.slice(2)]) {
      for (const l of batch) {
        toText.add(l);
        toBytes.add(l);
      }
      await toText.flush();
      await toBytes.flush();
    }
    // One string per flush that had lines; bytes in pool-sized pieces (the 400,000-char line is one piece).
    expect(text).toHaveLength(2);
    expect(bytes.length).toBeGreaterThanOrEqual(2);
    expect(Buffer.concat(bytes).toString('utf8')).toBe(lines.map((l) => `${l}\n`).join(''));
    expect(text.join('')).toBe(lines.map((l) => `${l}\n`).join(''));
  });

  it('never overwrites bytes handed to the sink, across pools', async () => {
    const held: { bytes: Uint8Array; copy: string }[] = [];
    const batch = new LineBatch({ write: () => undefined, writeBytes: (b) => void held.push({ bytes: b, copy: Buffer.from(b).toString('utf8') }) });
    for (let i = 0; i < 300; i++) {
      batch.add(`${i}:${'y'.repeat(i * 97)}`);
      if (i % 7 === 0) await batch.flush();
    }
    await batch.flush();
    for (const h of held) expect(Buffer.from(h.bytes).toString('utf8')).toBe(h.copy);
  });
});
