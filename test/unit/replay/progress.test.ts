// The replay's progress line: count, rate, share of the total, and what became of the messages so far.
import { describe, expect, it } from 'vitest';
import { Progress } from '../../../src/replay/progress.js';

function lines(): { sink: { write: (t: string) => void }; text: () => string } {
  let text = '';
  return { sink: { write: (t: string) => void (text += t) }, text: () => text };
}

describe('Progress', () => {
  it('shows the outcomes it is given on every line and on the final one', async () => {
    let t = 0;
    let outcome = '0 indexed, 0 already indexed, 0 dead-lettered';
    const out = lines();
    const p = new Progress({ sink: out.sink, tty: false, label: 'indexing', total: 10, lineEveryMs: 1000, now: () => t, detail: () => outcome });
    t = 2000;
    outcome = '4 indexed, 1 already indexed, 0 dead-lettered';
    await p.update(5, 5);
    t = 4000;
    outcome = '8 indexed, 1 already indexed, 1 dead-lettered';
    await p.update(10, 10);
    await p.finish();
    const shown = out.text().trim().split('\n');
    expect(shown[0]).toBe('indexing: 5 messages (50%), 2.5/s, ETA 2s, 4 indexed, 1 already indexed, 0 dead-lettered');
    expect(shown.at(-1)).toBe('indexing: 10 messages (100%), 2.5/s, 4s, 8 indexed, 1 already indexed, 1 dead-lettered');
  });

  it('leaves the line as it was without a detail', async () => {
    const out = lines();
    const p = new Progress({ sink: out.sink, tty: false, label: 'replay', now: () => 1000 });
    await p.finish();
    expect(out.text()).toBe("replay: 0 messages, 0.0/s, 0s\n");
  });
});
