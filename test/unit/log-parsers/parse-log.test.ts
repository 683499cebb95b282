import { describe, expect, it } from 'vitest';
import { parseLogInput } from '../../../src/parse/parse-log.js';
import { MemoryPartAssembler } from '../../../src/parse/log-parts.js';

const NOW = new Date('2026-06-01T12:00:00Z');
const EVENT = 'KSMG: CEF:0|AO Kaspersky Lab|Kaspersky Secure Mail Gateway|2.1.0.1|LMS_EV_SCAN_LOGIC_AS_STATUS|s|5|cs1Label=MessageId cs1=A1 outcome=Spam';

describe('parseLogInput', () => {
  it('gives a live RFC 5424 frame and the same event in a file the same _id', () => {
    const live = parseLogInput({ raw: `<134>1 2026-06-01T10:00:00Z gw1 KSMG - - - ${EVENT.slice('KSMG: '.length)}`, peer: '192.0.2.1', now: NOW });
    const file = parseLogInput({ raw: `Jun  1 10:00:00 gw1 ${EVENT}`, file: { path: 'x.log', offset: 0 }, now: NOW });
    expect(live.type).toBe('event');
    expect(file.type).toBe('event');
    if (live.type !== 'event' || file.type !== 'event') return;
    expect(live.parsed.id).toBe(file.parsed.id);
    expect(live.parsed.document.observer.ip).toBe('192.0.2.1');
    expect(file.parsed.document.log).toMatchObject({ file: { path: 'x.log' }, offset: 0 });
  });

  it('gives different hosts different ids for the same event text', () => {
    const a = parseLogInput({ raw: `Jun  1 10:00:00 gw1 ${EVENT}`, now: NOW });
    const b = parseLogInput({ raw: `Jun  1 10:00:00 gw2 ${EVENT}`, now: NOW });
    if (a.type !== 'event' || b.type !== 'event') throw new Error('expected events');
    expect(a.parsed.id).not.toBe(b.parsed.id);
  });

  it('survives hostile input with warnings: binary, invalid UTF-8, a 1 MB line, unknown formats', () => {
    const binary = Buffer.from(Array.from({ length: 4096 }, (_, i) => (i * 37) % 256));
    expect(parseLogInput({ raw: binary, now: NOW }).type).toBe('other');
    const invalid = Buffer.concat([Buffer.from(`Jun  1 10:00:00 gw1 ${EVENT} KSMGMessageSubject=`), Buffer.from([0xff, 0xfe, 0xc3])]);
    const bad = parseLogInput({ raw: invalid, now: NOW });
    if (bad.type !== 'event') throw new Error('expected event');
    expect(bad.parsed.document.mailverdict.parse.warnings).toContain('invalid_utf8');
    const huge = parseLogInput({ raw: `Jun  1 10:00:00 gw1 ${EVENT} KSMGMessageSubject=${'x'.repeat(1024 * 1024)}`, now: NOW });
    if (huge.type !== 'event') throw new Error('expected event');
    expect(huge.parsed.document.mailverdict.parse.warnings).toEqual(expect.arrayContaining(['line_truncated', 'original_truncated']));
    expect(huge.parsed.document.event.original.length).toBeLessThanOrEqual(32 * 1024);
    expect(parseLogInput({ raw: 'hello world', now: NOW })).toEqual({ type: 'other', family: 'unknown', kind: 'unrecognized' });
  });

  it('assembles a multi-part event once, whatever the order, and only when complete', () => {
    const part = (n: number, extra: string) => `Jun  1 10:00:00 gw1 KSMG: CEF:0|AO Kaspersky Lab|Kaspersky Secure Mail Gateway|2.1|LMS_EV_SCAN_LOGIC_AS_STATUS|s|5|cn1Label=EventPart cn1=${n} cn2Label=TotalEventParts cn2=3 cs1Label=MessageId cs1=M7 ${extra}`;
    const lines = [part(3, 'act=Skipped'), part(1, 'outcome=Spam'), part(2, 'suser=a@b.example')];
    const assembler = new MemoryPartAssembler();
    const out = lines.map((raw) => assembler.add(parseLogInput({ raw, now: NOW }), { raw, now: NOW })).filter((r) => r !== undefined);
    expect(out).toHaveLength(1);
    const only = out[0];
    if (only?.type !== 'event') throw new Error('expected event');
    expect(only.parsed.document.mailverdict).toMatchObject({ spam: { verdict: 'spam' }, action: { type: 'deliver' } });
    expect(only.parsed.document.email.from?.address).toEqual(['a@b.example']);
    expect(assembler.incomplete).toBe(0);
  });
});
