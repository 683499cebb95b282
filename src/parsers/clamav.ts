// ClamAV through clamav-milter / clamsmtp / scripts (docs/gateways.md §5.3, §7.4):
//   X-Virus-Scanned: ClamAV 0.88.7/10275/Fri Jan  8 17:06:46 2010 on mail.example.org
//   X-Virus-Status: Infected with Win.Test.EICAR_HDB-1
// X-Virus-Scanned is shared: values naming amavisd-new belong to amavis (spamassassin.ts) and `by bsmtpd`
// to Barracuda (barracuda.ts); this parser takes the ClamAV ones and every X-Virus-Status.
import type { AvResult, GatewayResult } from '../document/types.js';
import type { HeaderBlock, HeaderField } from '../headers/types.js';
import { avThreatName, toAvStatus } from './canonical/av-status.js';
import { clip, MAX_PER_NAME, MAX_RAW } from './kit/collect-headers.js';
import type { ParserOutput, VendorParser } from './types.js';

const SCANNED = 'x-virus-scanned';
const STATUS = 'x-virus-status';

function isClamav(value: string): boolean {
  const v = value.toLowerCase();
  return v.includes('clamav') || v.includes('clamsmtp') || v.includes('clamd');
}

/** `ClamAV 0.88.7/10275/<date> on <host>` or `clamav-milter 0.97.8 at <host>` → engine details. */
export function readScannedBy(value: string, av: AvResult): string | undefined {
  const text = value.trim();
  const words = text.split(' ').filter((w) => w !== '');
  const engine = words[0];
  if (engine !== undefined) av.engine = clip(engine, 64);
  const versionWord = words[1];
  if (versionWord !== undefined && versionWord[0] !== undefined && versionWord[0] >= '0' && versionWord[0] <= '9') {
    const parts = versionWord.split('/');
    av.engine_version = clip(parts[0] as string, 64);
    // ClamAV writes `<engine>/<database version>/<database date>`; the date itself contains spaces.
    const slash2 = text.indexOf('/', text.indexOf('/') + 1);
    if (parts.length >= 2 && slash2 > 0) {
      const on = text.lastIndexOf(' on ');
      const date = text.slice(slash2 + 1, on > slash2 ? on : undefined).trim();
      if (date !== '') av.bases_date = clip(date, 64);
    }
  }
  const marker = Math.max(text.lastIndexOf(' on '), text.lastIndexOf(' at '));
  if (marker < 0) return undefined;
  const host = text.slice(marker + 4).trim();
  return host !== '' && !host.includes(' ') && host.length <= 253 ? host : undefined;
}

export const clamavParser: VendorParser = {
  id: 'clamav',
  headerNames: [SCANNED, STATUS],
  headerPrefixes: [],
  parse(block: HeaderBlock): ParserOutput {
    const scanned = (block.byName.get(SCANNED) ?? []).slice(0, MAX_PER_NAME).filter((f) => isClamav(f.value));
    const statuses = (block.byName.get(STATUS) ?? []).slice(0, MAX_PER_NAME);
    if (scanned.length === 0 && statuses.length === 0) return { gateways: [], warnings: [] };
    const all: HeaderField[] = [...scanned, ...statuses];
    const headers: Record<string, string[]> = {};
    if (scanned.length > 0) headers[SCANNED] = scanned.map((f) => f.value);
    if (statuses.length > 0) headers[STATUS] = statuses.map((f) => f.value);
    const gateway: GatewayResult = {
      id: 'clamav',
      vendor: 'Cisco',
      product: 'ClamAV',
      position: Math.min(...all.map((f) => f.index)),
      headers,
      warnings: [],
    };
    const status = statuses[0];
    let av: AvResult;
    if (status === undefined) {
      // Scanned-by line alone: the engine ran, its verdict is not written (docs/gateways.md §7.2/§7.4).
      av = { status: 'unknown', raw: clip((scanned[0] as HeaderField).value, MAX_RAW) };
    } else {
      const mapped = toAvStatus(status.value);
      av = { status: mapped ?? 'unknown', raw: clip(status.value, MAX_RAW) };
      if (mapped === undefined) gateway.warnings.push(`clamav:unknown_av_status:${clip(status.value)}`);
      const threat = avThreatName(status.value);
      if (threat !== undefined) av.threats = [threat];
    }
    const by = scanned[0];
    if (by !== undefined) {
      const host = readScannedBy(by.value, av);
      if (host !== undefined) gateway.hostname = host;
      if (av.engine_version !== undefined) gateway.version = av.engine_version;
    }
    gateway.av = av;
    return { gateways: [gateway], warnings: [] };
  },
};
