import { describe, expect, it } from 'vitest';
import { FrameDecoder } from '../../../src/syslog/frame-decoder.js';

const text = (frames: { bytes: Buffer }[]): string[] => frames.map((f) => f.bytes.toString('utf8'));

describe('FrameDecoder', () => {
  it('splits LF frames, drops CR, and keeps a frame split across chunks', () => {
    const d = new FrameDecoder(1024);
    expect(text(d.push(Buffer.from('<13>a b\r\n<13>c')))).toEqual(['<13>a b']);
    expect(text(d.push(Buffer.from('d\n\n')))).toEqual(['<13>cd']);
  });

  it('reads octet-counted frames, also byte by byte, mixed with LF frames', () => {
    const stream = Buffer.from('11 <13>1 x\ny z7 <13>hi\n\n<14>plain\n');
    const d = new FrameDecoder(1024);
    const frames = [];
    for (const byte of stream) frames.push(...d.push(Buffer.from([byte])));
    expect(text(frames)).toEqual(['<13>1 x\ny z', '<13>hi\n', '<14>plain']);
  });

  it('cuts oversized frames of both kinds and resynchronises on the next frame', () => {
    const d = new FrameDecoder(8);
    const big = 'x'.repeat(100);
    const frames = [...d.push(Buffer.from(`${big}\n<1>ok\n`)), ...d.push(Buffer.from(`100 ${big}`)), ...d.push(Buffer.from('5 <1>ab'))];
    expect(frames.map((f) => f.truncated)).toEqual([true, false, true, false]);
    expect(text(frames)).toEqual(['xxxxxxxx', '<1>ok', 'xxxxxxxx', '<1>ab']);
    expect(d.oversized).toBe(2);
  });

  it('never holds more than the frame limit for a stream without line breaks', () => {
    const d = new FrameDecoder(1000);
    let frames = 0;
    for (let i = 0; i < 1000; i++) frames += d.push(Buffer.alloc(1024, 0x41)).length;
    expect(frames).toBe(1);
    expect(d.end()).toEqual([]);
  });

  it('returns the last frame without LF at the end of the connection', () => {
    const d = new FrameDecoder(100);
    d.push(Buffer.from('<13>tail'));
    expect(text(d.end())).toEqual(['<13>tail']);
  });
});
