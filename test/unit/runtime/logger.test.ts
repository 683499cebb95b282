// Logs: JSON lines for shippers, readable lines for a person at a terminal (log.format auto decides by the TTY).
import { Writable } from 'node:stream';
import { describe, expect, it } from 'vitest';
import { createLogger, resolveLogFormat } from '../../../src/runtime/logger.js';

function capture(): { stream: Writable; text: () => string } {
  let text = '';
  const stream = new Writable({ write(chunk, _enc, done) { text += String(chunk); done(); } });
  return { stream, text: () => text };
}

describe('createLogger', () => {
  it('auto is pretty on a terminal and JSON otherwise; explicit formats win', () => {
    expect(resolveLogFormat('auto', true)).toBe('pretty');
    expect(resolveLogFormat('auto', false)).toBe('json');
    expect(resolveLogFormat('json', true)).toBe('json');
    expect(resolveLogFormat('pretty', false)).toBe('pretty');
  });

  it('writes one JSON object per line in json format', () => {
    const out = capture();
    createLogger('info', out.stream, { format: 'json' }).info({ mailbox: 'INBOX' }, 'collector started');
    const line = JSON.parse(out.text().trim()) as Record<string, unknown>;
    expect(line).toMatchObject({ msg: 'collector started', mailbox: 'INBOX', service: 'mailverdict', level: 30 });
  });

  it('writes a readable line with level, message and fields in pretty format', () => {
    const out = capture();
    createLogger('info', out.stream, { format: 'pretty', isTty: false }).warn({ mailbox: 'INBOX' }, 'reconnecting');
    const text = out.text();
    expect(() => JSON.parse(text)).toThrow();
    expect(text).toMatch(/WARN.*reconnecting/);
    expect(text).toContain('mailbox: "INBOX"');
    expect(text).not.toContain('\u001b[');
  });
});
