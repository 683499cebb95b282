import { describe, expect, it } from 'vitest';
import { isLoopbackName, parseReceived } from '../../../src/headers/parse-received.js';

describe('parseReceived (RFC 5321 §4.4 stamps as real MTAs write them)', () => {
  it('Postfix: from helo (rdns [ip]) by host', () => {
    expect(parseReceived('from mx.partner.example (mx.partner.example [203.0.113.7]) by GW.Example.COM (Postfix) with ESMTPS id 1A; Thu, 16 Apr 2026 10:00:01 +0300')).toEqual({
      from: { name: 'mx.partner.example', infoName: 'mx.partner.example', ip: '203.0.113.7' },
      by: { name: 'gw.example.com' },
    });
  });

  it('amavis: by localhost with the machine in its TCP-info', () => {
    expect(parseReceived('from mail.example.org ([127.0.0.1]) by localhost (mail.example.org [127.0.0.1]) (amavisd-new, port 10024) with ESMTP id x; Mon, 1 Jan 2024 00:00:00 +0000')).toEqual({
      from: { name: 'mail.example.org', ip: '127.0.0.1' },
      by: { name: 'localhost', infoName: 'mail.example.org', ip: '127.0.0.1' },
    });
  });

  it('Exchange: bare addresses in the comments, IPv6 too', () => {
    expect(parseReceived('from mail.spam.example (198.51.100.7) by AM0PR01MB1234.prod.example (2603:10a6:208:12::15) with Microsoft SMTP Server id 15.20.7544.41; Tue, 14 May 2024 07:12:38 +0000')).toEqual({
      from: { name: 'mail.spam.example', ip: '198.51.100.7' },
      by: { name: 'am0pr01mb1234.prod.example', ip: '2603:10a6:208:12::15' },
    });
  });

  it('Exim and IMail forms: an address literal as the domain, the address in a later comment', () => {
    expect(parseReceived('from [192.0.2.1] (helo=client.example) by mx.example.net with esmtp (Exim 4.96)').from).toEqual({ ip: '192.0.2.1' });
    expect(parseReceived('from unknown (HELO bulk.example) ([198.51.100.99]) by mx.example.net (IMail 12.5.7) with ESMTP id 9').from)
      .toEqual({ name: 'unknown', ip: '198.51.100.99' });
    expect(parseReceived('from x ([IPv6:2001:db8::1]) by y').from).toEqual({ name: 'x', ip: '2001:db8::1' });
  });

  it('takes nothing that is not a host name or address; stops at the date and never throws', () => {
    expect(parseReceived('by (Postfix) with ESMTP; date')).toEqual({});
    expect(parseReceived('from a b c d; by e')).toEqual({ from: { name: 'a' } });
    expect(parseReceived('')).toEqual({});
    expect(parseReceived('from ((((( by x')).toEqual({});
    expect(parseReceived(`from ${'a.'.repeat(5000)}b by c`)).toEqual({}); // past the 2048 characters looked at
    expect(parseReceived('with ESMTP id 1 by gw.example; x').by).toEqual({ name: 'gw.example' });
  });

  it('knows loopback names', () => {
    for (const n of ['localhost', 'localhost.localdomain', '127.0.0.1', '::1']) expect(isLoopbackName(n)).toBe(true);
    for (const n of ['mail.example.org', 'localhostess.example', undefined]) expect(isLoopbackName(n)).toBe(false);
  });
});
