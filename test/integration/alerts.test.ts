// The alerter against the real Elasticsearch: synthetic traffic of several gateways, a fallback spike on one,
// low-volume noise on another, a restart in the middle, and local HTTP webhook receivers (one flaky).
import { readFileSync } from 'node:fs';
import { createServer, type Server } from 'node:http';
import type { AddressInfo } from 'node:net';
import { Client } from '@elastic/elasticsearch';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { alertConfigSchema } from '../../src/alerts/alert-config.js';
import type { AlertEvent } from '../../src/alerts/alert-event.js';
import { Alerter, type AlerterConfig } from '../../src/alerts/alerter.js';
import { fetchScanStats } from '../../src/alerts/scan-stats-query.js';
import { mappingProblems } from '../../src/mappings/field-paths.js';
import { serviceSettings, uniqueName } from '../support/services.js';

const MIN = 60_000;
const T = Date.parse('2025-04-08T00:00:00.000Z');
const at = (minutes: number): Date => new Date(T + minutes * MIN);

function template(file: string, pattern: string): Record<string, unknown> {
  const t = JSON.parse(readFileSync(new URL(`../../mappings/${file}`, import.meta.url), 'utf8')) as Record<string, unknown>;
  return { ...t, index_patterns: [pattern] };
}
const messagesTemplate = template('mailverdict-template.json', 'x');

function doc(ms: number, gateway: string, hostname: string | undefined, status: string): Record<string, unknown> {
  const d: Record<string, unknown> = {
    '@timestamp': new Date(ms).toISOString(),
    event: { kind: 'event', category: ['email'], type: ['info'], dataset: 'mailverdict.message', created: new Date(ms).toISOString() },
    email: { message_id: `${gateway}-${ms}-${status}@example.com` },
    mailverdict: {
      gateway, spam: { verdict: status === 'complete' ? 'clean' : 'none' }, scan: { status }, auth: {}, gateways: [],
      origin: { kind: 'file', path: 'synthetic' }, headers: {}, parse: { warnings: [], parser_version: 'test' },
    },
  };
  if (hostname !== undefined) d['observer'] = { vendor: 'Kaspersky', product: 'KSMG', hostname };
  return d;
}

/** Every 15-minute window from `fromMin` to `toMin`: `total` messages of which `bad` have `status`. */
function traffic(fromMin: number, toMin: number, gw: string, host: string | undefined, total: number, bad: number, status: string): Record<string, unknown>[] {
  const out: Record<string, unknown>[] = [];
  for (let w = fromMin; w < toMin; w += 15) {
    for (let i = 0; i < total; i++) {
      const ms = T + w * MIN + Math.floor((i * 15 * MIN) / total) + 1000;
      out.push(doc(ms, gw, host, i < bad ? status : 'complete'));
    }
  }
  return out;
}

interface Receiver { server: Server; url: string; bodies: unknown[]; hits: number }

async function receiver(failFirst: number): Promise<Receiver> {
  const r: Receiver = { server: createServer(), url: '', bodies: [], hits: 0 };
  r.server.on('request', (req, res) => {
    const chunks: Buffer[] = [];
    req.on('data', (c: Buffer) => chunks.push(c));
    req.on('end', () => {
      r.hits++;
      if (r.hits <= failFirst) {
        res.statusCode = 503;
        res.end('down');
        return;
      }
      r.bodies.push(JSON.parse(Buffer.concat(chunks).toString('utf8')));
      res.end('ok');
    });
  });
  await new Promise<void>((resolve) => r.server.listen(0, '127.0.0.1', resolve));
  r.url = `http://127.0.0.1:${(r.server.address() as AddressInfo).port}/hook/secret`;
  return r;
}

describe('alerter (real Elasticsearch)', () => {
  const client = new Client({ node: serviceSettings().esUrl });
  const prefix = uniqueName('it-alerts');
  let good: Receiver;
  let flaky: Receiver;
  let config: AlerterConfig;
  const mkAlerter = (): Alerter => new Alerter(config, { client, sleep: async () => {} });

  beforeAll(async () => {
    await client.indices.putIndexTemplate({ name: `${prefix}-messages`, ...template('mailverdict-template.json', `${prefix}-2*`) } as never);
    await client.indices.putIndexTemplate({ name: `${prefix}-alerts`, ...template('alerts-template.json', `${prefix}-alerts*`) } as never);
    const docs = [
      // One day of normal traffic before T: mx1 has 1 timeout in 40 per window, mx2 none, imail 1 error in 20.
      ...traffic(-24 * 60, 0, 'ksmg', 'mx1.example.com', 40, 1, 'timeout'),
      ...traffic(-24 * 60, 0, 'ksmg', 'mx2.example.com', 40, 0, 'timeout'),
      ...traffic(-24 * 60, 0, 'imail', undefined, 20, 1, 'error'),
      // The spike: 30 minutes where half of mx1's mail went out with "fallback"; the others stay normal.
      ...traffic(0, 30, 'ksmg', 'mx1.example.com', 40, 20, 'fallback'),
      ...traffic(0, 30, 'ksmg', 'mx2.example.com', 40, 0, 'timeout'),
      ...traffic(0, 30, 'imail', undefined, 20, 1, 'error'),
      // Back to normal.
      ...traffic(30, 120, 'ksmg', 'mx1.example.com', 40, 1, 'timeout'),
      ...traffic(30, 120, 'ksmg', 'mx2.example.com', 40, 0, 'timeout'),
      // Night-time noise on a small gateway: 2 timeouts out of 3 messages, no history at all.
      ...traffic(0, 15, 'klms', 'night.example.com', 3, 2, 'timeout'),
    ];
    for (const d of docs.slice(0, 3)) expect(mappingProblems(d, messagesTemplate)).toEqual([]);
    const operations = docs.flatMap((d) => [{ index: { _index: `${prefix}-2025.04` } }, d]);
    const bulk = await client.bulk({ operations, refresh: 'wait_for' });
    expect(bulk.errors).toBe(false);
    good = await receiver(0);
    flaky = await receiver(2);
    config = {
      alerts: alertConfigSchema.parse({
        silentCollector: { enabled: false },
        webhooks: [
          { url: good.url },
          { url: flaky.url, format: 'slack', maxAttempts: 5, initialBackoffMs: 1 },
        ],
      }),
      elasticsearch: { indexPrefix: prefix },
    };
  });

  afterAll(async () => {
    await client.indices.delete({ index: `${prefix}-*`, ignore_unavailable: true, allow_no_indices: true });
    await client.indices.deleteIndexTemplate({ name: `${prefix}-messages` }).catch(() => undefined);
    await client.indices.deleteIndexTemplate({ name: `${prefix}-alerts` }).catch(() => undefined);
    await client.close();
    good.server.close();
    flaky.server.close();
  });

  const states = (sent: { event: AlertEvent }[]): string[] => sent.map((s) => `${s.event.state} ${s.event.gateway}`);

  it('before the spike nothing fires (normal baseline traffic)', async () => {
    expect(states(await mkAlerter().evaluateOnce(at(0)))).toEqual([]);
  });

  it('a fallback spike on one gateway fires exactly one alert, for that gateway only; low-volume noise does not', async () => {
    const sent = await mkAlerter().evaluateOnce(at(15));
    expect(states(sent)).toEqual(['fired ksmg@mx1.example.com']);
    expect(sent[0]?.event).toMatchObject({ rule: 'scan-incomplete', count: 20, total: 40, share: 0.5, statuses: ['timeout', 'fallback', 'error'] });
    expect(sent[0]?.event.message).toContain('fallback 20');
    expect(sent[0]?.webhooks.map((w) => w.ok)).toEqual([true, true]);
    // The quiet gateways and the noisy night gateway were evaluated, they just did not cross.
    const rule = config.alerts.rules[0];
    if (rule === undefined) throw new Error('no default rule');
    const stats = await fetchScanStats(client, `${prefix}-2*`, { rule, groupBy: config.alerts.groupBy, timeField: '@timestamp', windowEnd: at(15) });
    const current = new Map(stats.map((s) => [s.gateway, s.windows.at(-1)]));
    expect([...current.keys()].sort()).toEqual(['imail', 'klms@night.example.com', 'ksmg@mx1.example.com', 'ksmg@mx2.example.com']);
    expect(current.get('klms@night.example.com')).toMatchObject({ total: 3, matched: 2 });
    expect(current.get('imail')).toMatchObject({ total: 20, matched: 1 });
  });

  it('the flaky receiver was retried until it accepted; the good one got it on the first try', () => {
    expect(flaky.hits).toBe(3);
    expect(good.hits).toBe(1);
  });

  it('while the spike lasts, and across a restart of the alerter, nothing is sent twice', async () => {
    expect(states(await mkAlerter().evaluateOnce(at(15)))).toEqual([]);
    const restarted = mkAlerter();
    expect(states(await restarted.evaluateOnce(at(16)))).toEqual([]);
    expect(states(await restarted.evaluateOnce(at(30)))).toEqual([]);
    // One normal window is not enough (resolveAfterWindows = 2).
    expect(states(await mkAlerter().evaluateOnce(at(45)))).toEqual([]);
  });

  it('the spike ending resolves it once', async () => {
    const alerter = mkAlerter();
    const sent = await alerter.evaluateOnce(at(60));
    expect(states(sent)).toEqual(['resolved ksmg@mx1.example.com']);
    expect(states(await alerter.evaluateOnce(at(61)))).toEqual([]);
    expect(states(await mkAlerter().evaluateOnce(at(75)))).toEqual([]);
  });

  it('the alert index holds exactly one fired and one resolved document for the incident', async () => {
    const r = await client.search<AlertEvent>({ index: `${prefix}-alerts`, size: 10, sort: [{ '@timestamp': 'asc' }] });
    const docs = r.hits.hits.map((h) => h._source);
    expect(docs.map((d) => `${d?.state} ${d?.gateway}`)).toEqual(['fired ksmg@mx1.example.com', 'resolved ksmg@mx1.example.com']);
    expect(docs[0]?.alert_id).toBe(docs[1]?.alert_id);
  });

  it('the webhook receivers got exactly the fired and the resolved notification, in the chosen formats', () => {
    const generic = good.bodies as { event: string; alert: AlertEvent }[];
    expect(generic.map((b) => `${b.event} ${b.alert.gateway}`)).toEqual(['alert.fired ksmg@mx1.example.com', 'alert.resolved ksmg@mx1.example.com']);
    const slack = flaky.bodies as { text: string }[];
    expect(slack).toHaveLength(2);
    expect(slack[0]?.text).toMatch(/^:rotating_light: \[mailverdict fired\] scan-incomplete on ksmg@mx1\.example\.com/);
    expect(slack[1]?.text).toMatch(/resolved/);
  });
});
