import { describe, expect, it } from 'vitest';
import { gaveVerdict, pickTopGateway } from '../../../src/document/top-gateway.js';
import type { GatewayResult } from '../../../src/document/types.js';

const g = (id: string, position: number, extra: Partial<GatewayResult> = {}): GatewayResult =>
  ({ id, vendor: 'v', product: id, position, headers: {}, warnings: [], ...extra });

describe('pickTopGateway', () => {
  const stamp = g('amavis', 0, { av: { status: 'unknown' } });
  const presence = g('symantec', 1);
  const ksmg = g('ksmg', 5, { spam: { verdict: 'spam' }, scan: { status: 'complete' } });
  const exchange = g('exchange', 9, { spam: { verdict: 'clean' } });

  it('a stamp (no spam verdict, no scan status, AV unknown) never hides a gateway that judged the message', () => {
    expect(pickTopGateway([stamp, presence, ksmg, exchange])?.id).toBe('ksmg');
  });

  it('among verdict gateways the closest to the mailbox wins, whatever the array order', () => {
    expect(pickTopGateway([exchange, ksmg])?.id).toBe('ksmg');
  });

  it('the configured gateway wins when present, even when it only stamps', () => {
    expect(pickTopGateway([stamp, ksmg, exchange], 'exchange')?.id).toBe('exchange');
    expect(pickTopGateway([stamp, ksmg], 'amavis')?.id).toBe('amavis');
    expect(pickTopGateway([stamp, ksmg], 'imail')?.id).toBe('ksmg');
  });

  it('only stamps: the closest stamp; nothing: undefined', () => {
    expect(pickTopGateway([presence, stamp])?.id).toBe('amavis');
    expect(pickTopGateway([])).toBeUndefined();
  });

  it('a scan status alone, or an AV result beyond unknown, is a verdict; "none"/"unknown" spam is not', () => {
    expect(gaveVerdict(g('k', 0, { spam: { verdict: 'none' }, scan: { status: 'timeout' } }))).toBe(true);
    expect(gaveVerdict(g('c', 0, { av: { status: 'clean' } }))).toBe(true);
    expect(gaveVerdict(g('i', 0, { spam: { verdict: 'unknown' } }))).toBe(false);
    expect(gaveVerdict(g('i', 0, { spam: { verdict: 'none' }, scan: { status: 'unknown' } }))).toBe(false);
  });
});
