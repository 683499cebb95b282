// Sends alert transitions to HTTP webhooks. A receiver that is down or answers 429/5xx is retried with
// exponential backoff (bounded); a 4xx other than 408/429 is a configuration problem and is not retried.
import type { WebhookConfig } from './alert-config.js';
import type { AlertEvent } from './alert-event.js';

export interface WebhookResult {
  url: string;
  ok: boolean;
  attempts: number;
  status?: number;
  error?: string;
}

export type Sleep = (ms: number, signal?: AbortSignal) => Promise<void>;

export const sleep: Sleep = (ms, signal) => new Promise((resolve) => {
  if (signal?.aborted) return resolve();
  const timer = setTimeout(done, ms);
  function done(): void {
    clearTimeout(timer);
    signal?.removeEventListener('abort', done);
    resolve();
  }
  signal?.addEventListener('abort', done, { once: true });
});

/** The request body for one transition in the webhook's format. */
export function webhookBody(format: WebhookConfig['format'], event: AlertEvent): unknown {
  if (format === 'slack') {
    const icon = event.state === 'fired' ? ':rotating_light:' : ':white_check_mark:';
    const text = `${icon} [mailverdict ${event.state}] ${event.message}`;
    return { text, blocks: [{ type: 'section', text: { type: 'mrkdwn', text } }] };
  }
  return { source: 'mailverdict', event: `alert.${event.state}`, alert: event };
}

function retryable(status: number): boolean {
  return status === 408 || status === 429 || status >= 500;
}

/** Host only: webhook URLs often carry a secret token in the path or query. */
export function redactUrl(url: string): string {
  try {
    const u = new URL(url);
    return `${u.protocol}//${u.host}/…`;
  } catch {
    return '[invalid url]';
  }
}

export async function sendWebhook(
  hook: WebhookConfig,
  event: AlertEvent,
  options: { fetch?: typeof fetch; sleep?: Sleep; signal?: AbortSignal } = {},
): Promise<WebhookResult> {
  const doFetch = options.fetch ?? fetch;
  const wait = options.sleep ?? sleep;
  const body = JSON.stringify(webhookBody(hook.format, event));
  const result: WebhookResult = { url: redactUrl(hook.url), ok: false, attempts: 0 };
  let backoff = hook.initialBackoffMs;
  for (let attempt = 1; attempt <= hook.maxAttempts; attempt++) {
    result.attempts = attempt;
    try {
      const response = await doFetch(hook.url, {
        method: 'POST',
        headers: { 'content-type': 'application/json', ...hook.headers },
        body,
        signal: AbortSignal.timeout(hook.timeoutMs),
      });
      await response.arrayBuffer().catch(() => undefined);
      result.status = response.status;
      if (response.ok) {
        result.ok = true;
        delete result.error;
        return result;
      }
      result.error = `HTTP ${response.status}`;
      if (!retryable(response.status)) return result;
    } catch (err) {
      result.error = err instanceof Error ? err.message : String(err);
    }
    if (attempt < hook.maxAttempts) {
      if (options.signal?.aborted) return result;
      await wait(backoff, options.signal);
      backoff = Math.min(hook.maxBackoffMs, Math.max(1, backoff * 2));
    }
  }
  return result;
}
