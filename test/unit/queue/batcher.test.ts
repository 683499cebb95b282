import { describe, expect, it } from 'vitest';
import { Batcher } from '../../../src/queue/batcher.js';
import { fetchedMessageBytes, type FetchedMessage } from '../../../src/queue/message-batch.js';

const msg = (uid: number, headerChars = 100): FetchedMessage => ({ uid, headers: 'A'.repeat(headerChars), parts: [] });

describe('Batcher', () => {
  it('closes a batch at batchMaxMessages', () => {
    const b = new Batcher({ batchMaxMessages: 3, batchMaxBytes: 1e9 });
    const out: number[][] = [];
    for (let uid = 1; uid <= 7; uid++) for (const batch of b.add(msg(uid))) out.push(batch.map((m) => m.uid));
    out.push(b.flush().map((m) => m.uid));
    expect(out).toEqual([[1, 2, 3], [4, 5, 6], [7]]);
    expect(b.size).toBe(0);
  });

  it('closes a batch before the message that would exceed batchMaxBytes', () => {
    const one = fetchedMessageBytes(msg(1, 1000));
    const b = new Batcher({ batchMaxMessages: 100, batchMaxBytes: one * 2 + 10 });
    const sizes: number[] = [];
    for (let uid = 1; uid <= 5; uid++) for (const batch of b.add(msg(uid, 1000))) sizes.push(batch.length);
    sizes.push(b.flush().length);
    expect(sizes).toEqual([2, 2, 1]);
  });

  it('sends a message bigger than batchMaxBytes alone', () => {
    const b = new Batcher({ batchMaxMessages: 100, batchMaxBytes: 500 });
    expect(b.add(msg(1, 10))).toEqual([]);
    const out = b.add(msg(2, 5000)).map((batch) => batch.map((m) => m.uid));
    expect(out).toEqual([[1], [2]]);
    expect(b.flush()).toEqual([]);
  });

  it('never loses or reorders messages', () => {
    const b = new Batcher({ batchMaxMessages: 7, batchMaxBytes: 3000 });
    const seen: number[] = [];
    for (let uid = 1; uid <= 500; uid++) {
      for (const batch of b.add(msg(uid, (uid * 37) % 1500))) {
        expect(batch.length).toBeLessThanOrEqual(7);
        seen.push(...batch.map((m) => m.uid));
      }
    }
    seen.push(...b.flush().map((m) => m.uid));
    expect(seen).toEqual(Array.from({ length: 500 }, (_, i) => i + 1));
  });
});
