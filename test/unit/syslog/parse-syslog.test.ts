import { describe, expect, it } from 'vitest';
import { parseSyslog } from '../../../src/syslog/parse-syslog.js';

const NOW = new Date('2026-06-01T12:00:00Z');

describe('parseSyslog', () => {
  it('reads RFC 5424 with structured data and a BOM', () => {
    const h = parseSyslog('<165>1 2026-06-01T10:00:00.123456+02:00 gw1.example.com KSMG 42 ID47 [ex@32473 a="b\\]c"] \ufeffCEF:0|x', NOW);
    expect(h).toMatchObject({
      format: 'rfc5424', priority: 165, facility: { code: 20, name: 'local4' }, severity: { code: 5, name: 'notice' },
      hostname: 'gw1.example.com', appName: 'KSMG', procId: '42', msgId: 'ID47', message: 'CEF:0|x',
    });
    expect(h.timestamp?.toISOString()).toBe('2026-06-01T08:00:00.123Z');
  });

  it('reads RFC 3164 with and without hostname, and the year of a year-less date', () => {
    expect(parseSyslog('<22>Jun  1 09:00:00 esa1 mail_logs: Info: x', NOW)).toMatchObject({ hostname: 'esa1', appName: 'mail_logs', message: 'Info: x' });
    const noHost = parseSyslog('<22>Jun  1 09:00:00 rspamd[12]: hello', NOW);
    expect(noHost.hostname).toBeUndefined();
    expect(noHost).toMatchObject({ appName: 'rspamd', procId: '12', message: 'hello' });
    // A December line read on 1 January belongs to the year before.
    expect(parseSyslog('Dec 31 23:59:59 h t: m', new Date('2026-01-01T00:00:10Z')).timestamp?.toISOString()).toBe('2025-12-31T23:59:59.000Z');
  });

  it('skips the node ip:port of the KSMG standard format', () => {
    expect(parseSyslog('Aug 15 09:09:15 host.domain.com 10.16.32.64:9045 KSMG: event-type="x"', NOW)).toMatchObject({ hostname: 'host.domain.com', appName: 'KSMG', message: 'event-type="x"' });
  });

  it('keeps a key=value message after a bare <PRI> whole', () => {
    expect(parseSyslog('<30>device="SFW" date=2026-06-01', NOW)).toMatchObject({ priority: 30, message: 'device="SFW" date=2026-06-01' });
  });

  it('leaves text without a header alone', () => {
    expect(parseSyslog('just words', NOW)).toEqual({ format: 'none', message: 'just words' });
  });
});
