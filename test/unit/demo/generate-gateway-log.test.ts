import { describe, expect, it } from 'vitest';
import { buildDemoGatewayLog } from '../../../src/demo/generate-gateway-log.js';
import { generateDemoQuarantine } from '../../../src/demo/generate-quarantine.js';
import { parseLogInput } from '../../../src/parse/parse-log.js';
import { parseMessage } from '../../../src/parse/parse-message.js';

const END = new Date('2026-05-01T00:00:00Z');

describe("the demo KSMG's log stream", async () => {
  const quarantine = await generateDemoQuarantine({ size: 400, seed: 'unit-log', end: END });
  const log = buildDemoGatewayLog(quarantine);
  const docs = log.lines.map((raw) => {
    const r = parseLogInput({ raw, now: END });
    if (r.type !== 'event') throw new Error(`not an event: ${raw}`);
    return r.parsed.document;
  });

  it('is the same for the same quarantine, line for line', async () => {
    expect(buildDemoGatewayLog(await generateDemoQuarantine({ size: 400, seed: 'unit-log', end: END })).lines).toEqual(log.lines);
  });

  it('every line is a KSMG CEF event the parser reads without a warning, sent by one of the nodes', () => {
    expect(docs.every((d) => d.mailverdict.log.family === 'kaspersky-cef' && d.mailverdict.gateway === 'ksmg')).toBe(true);
    expect(docs.flatMap((d) => d.mailverdict.parse.warnings)).toEqual([]);
    expect(new Set(docs.map((d) => d.observer.hostname))).toEqual(new Set(log.nodes));
  });

  it('one scan status per message: every KSMG message of the quarantine, and the log-only ones', () => {
    const scanned = docs.filter((d) => d.mailverdict.scan !== undefined);
    expect(scanned).toHaveLength(log.messages);
    expect(new Set(docs.map((d) => d.email.message_id)).size).toBe(log.messages);
    const stamped = quarantine.messages.filter((m) => parseMessage(m.raw, { origin: { kind: 'file' } }).document.mailverdict.gateway_ids?.includes('ksmg'));
    expect(log.messages - log.logOnlyMessages).toBe(stamped.length);
    // The quarantined ones are found by their Message-ID (header documents hold it without angle brackets too).
    const ids = new Set(docs.map((d) => d.email.message_id));
    for (const m of stamped) expect(ids.has(parseMessage(m.raw, { origin: { kind: 'file' } }).document.email.message_id)).toBe(true);
    const incomplete: Record<string, number> = {};
    for (const d of scanned) if (d.mailverdict.scan?.status !== 'complete') incomplete[d.mailverdict.scan?.status ?? ''] = (incomplete[d.mailverdict.scan?.status ?? ''] ?? 0) + 1;
    expect(incomplete).toEqual(log.incomplete);
  });

  it('the mail only the logs know was delivered unscanned on the spike node, inside the spike', () => {
    expect(log.logOnlyMessages).toBeGreaterThan(0);
    const logOnly = docs.filter((d) => d.email.message_id?.startsWith('delivered-'));
    expect(new Set(logOnly.map((d) => d.email.message_id)).size).toBe(log.logOnlyMessages);
    for (const d of logOnly) {
      expect(d.observer.hostname).toBe(quarantine.spike.node);
      expect(['error', 'fallback', undefined]).toContain(d.mailverdict.scan?.status);
      const at = Date.parse(d['@timestamp']);
      expect(at).toBeGreaterThanOrEqual(quarantine.spike.start.getTime());
      expect(at).toBeLessThan(quarantine.spike.end.getTime());
    }
  });
});
