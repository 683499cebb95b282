// The Received: rule for a gateway's node (src/document/gateway-node.ts): the `by` host of the first hop below
// the gateway's topmost header; loopback content-filter hops followed; unknown rather than a wrong host.
import { describe, expect, it } from 'vitest';
import { nodeFromReceived } from '../../../src/document/gateway-node.js';
import { splitHeaderBlock } from '../../../src/headers/split-header-block.js';

function node(lines: string[], marker = 'X-Gw:') {
  const block = splitHeaderBlock(`${lines.join('\n')}\n\n`);
  const position = block.fields.findIndex((f) => `${f.originalKey}:` === marker);
  return nodeFromReceived(block, position);
}

describe('nodeFromReceived', () => {
  it('a gateway relay: host from the hop below, address from the hop above, client from the hop below', () => {
    expect(node([
      'Received: from gw2.example.com (gw2.example.com [10.10.0.5]) by mail.example.com (Postfix)',
      'X-Gw: spam',
      'Received: from mx.sender.example (mx.sender.example [198.51.100.23]) by gw2.example.com with ESMTP',
      'Received: from laptop (unknown [192.0.2.99]) by mx.sender.example',
    ])).toEqual({ hostname: 'gw2.example.com', ip: '10.10.0.5', client: { ip: '198.51.100.23', domain: 'mx.sender.example' } });
  });

  it('no address when the hop above comes from another host', () => {
    expect(node([
      'Received: from other.example.com (other.example.com [10.10.0.9]) by mail.example.com',
      'X-Gw: spam',
      'Received: from mx.sender.example ([198.51.100.23]) by gw2.example.com',
    ])).toEqual({ hostname: 'gw2.example.com', client: { ip: '198.51.100.23', domain: 'mx.sender.example' } });
  });

  it('amavis: the loopback hop names the machine in its TCP-info; the client is the machine\'s own inbound peer', () => {
    expect(node([
      'Received: from localhost (localhost [127.0.0.1]) by mail.example.com (Postfix) with ESMTP id 4F',
      'X-Gw: amavisd-new at example.com',
      'Received: from mail.example.com ([127.0.0.1]) by localhost (mail.example.com [127.0.0.1]) (amavisd-new, port 10024)',
      'Received: from gw2.example.com (gw2.example.com [10.10.0.5]) by mail.example.com (Postfix)',
    ])).toEqual({ hostname: 'mail.example.com', client: { ip: '10.10.0.5', domain: 'gw2.example.com' } });
  });

  it('a bare `by localhost` is followed down only while the message came over loopback', () => {
    expect(node([
      'X-Gw: x',
      'Received: from localhost ([127.0.0.1]) by localhost with SMTP',
      'Received: from gw.example ([10.0.0.1]) by filter.example.com',
    ])).toEqual({ hostname: 'filter.example.com', client: { ip: '10.0.0.1', domain: 'gw.example' } });
    expect(node([
      'X-Gw: x',
      'Received: from mx.other.example ([203.0.113.1]) by localhost with SMTP',
      'Received: from gw.example ([10.0.0.1]) by filter.example.com',
    ])).toEqual({});
  });

  it('unknown without a hop below, or when that hop names no host', () => {
    expect(node(['Received: from a.example ([192.0.2.1]) by b.example', 'X-Gw: x'])).toEqual({});
    expect(node(['X-Gw: x', 'Received: from a.example ([192.0.2.1]); Tue, 1 Jan 2024'])).toEqual({});
    expect(node(['X-Gw: x', 'Received: by (broken'])).toEqual({});
  });
});
