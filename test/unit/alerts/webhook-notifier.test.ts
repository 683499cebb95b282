import { describe, expect, it } from 'vitest';
import { webhookSchema } from '../../../src/alerts/alert-config.js';
import type { AlertEvent } from '../../../src/alerts/alert-event.js';
import { redactUrl, sendWebhook, webhookBody } from '../../../src/alerts/webhook-notifier.js';

const event: AlertEvent = {
  '@timestamp': '2025-04-08T10:15:00.000Z', alert_id: 'a1', rule: 'scan-incomplete', gateway: 'ksmg', state: 'fired', message: 'spike',
};

function fakeFetch(statuses: (number | Error)[]): { fetch: typeof fetch; calls: { url: string; body: string }[] } {
  const calls: { url: string; body: string }[] = [];
  const f = (async (url: string | URL | Request, init?: RequestInit) => {
    calls.push({ url: String(url), body: String(init?.body) });
    const next = statuses[Math.min(calls.length - 1, statuses.length - 1)];
    if (next instanceof Error) throw next;
    return new Response('x', { status: next ?? 200 });
  }) as typeof fetch;
  return { fetch: f, calls };
}

describe('sendWebhook', () => {
  const hook = webhookSchema.parse({ url: 'https://hooks.example.com/secret-token', maxAttempts: 4, initialBackoffMs: 10 });

  it('retries connection errors and 5xx with growing backoff until success', async () => {
    const { fetch, calls } = fakeFetch([new Error('ECONNREFUSED'), 503, 200]);
    const waits: number[] = [];
    const r = await sendWebhook(hook, event, { fetch, sleep: async (ms) => { waits.push(ms); } });
    expect(r).toMatchObject({ ok: true, attempts: 3, status: 200 });
    expect(waits).toEqual([10, 20]);
    expect(JSON.parse(calls[0]?.body ?? '')).toEqual({ source: 'mailverdict', event: 'alert.fired', alert: event });
  });

  it('gives up after maxAttempts and does not retry a 400', async () => {
    const down = fakeFetch([500]);
    expect(await sendWebhook(hook, event, { fetch: down.fetch, sleep: async () => {} })).toMatchObject({ ok: false, attempts: 4, error: 'HTTP 500' });
    const bad = fakeFetch([400]);
    expect(await sendWebhook(hook, event, { fetch: bad.fetch, sleep: async () => {} })).toMatchObject({ ok: false, attempts: 1 });
  });

  it('formats a Slack-compatible body and never reports the secret part of the URL', () => {
    const body = webhookBody('slack', event) as { text: string };
    expect(body.text).toContain('[mailverdict fired] spike');
    expect(redactUrl(hook.url)).toBe('https://hooks.example.com/…');
  });
});
