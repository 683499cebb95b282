// The alerter: every interval, evaluate each spike rule per gateway node and the silent-collector rule per mailbox,
// record transitions in the alert index (the commit point: only a transition this process created is sent),
// then log them and send them to the webhooks. State lives in the alert index, so restarts and several
// alerter processes never notify the same transition twice.
import type { SearchStore } from '../sink/search-store.js';
import type { RedisClient } from '../queue/connection.js';
import type { AlertConfig } from './alert-config.js';
import { alertKey, type ActiveAlert, type AlertEvent } from './alert-event.js';
import { silentLogger, type AlertLogger } from './alert-logger.js';
import { AlertStore, alertIndexName } from './alert-store.js';
import { evaluateSilence, mailboxGatewayKey, SILENT_COLLECTOR_RULE } from './evaluate-silence.js';
import { evaluateSpike, type GatewayStats } from './evaluate-spike.js';
import { redisMailboxPollReader, type MailboxPollReader, type WatchedMailbox } from './mailbox-polls.js';
import { fetchNodeScanStats, mergeStats } from './node-scan-stats-query.js';
import { fetchScanStats, type ScanStatsQuery } from './scan-stats-query.js';
import { sendWebhook, sleep, type Sleep, type WebhookResult } from './webhook-notifier.js';

/** The parts of the main configuration the alerter reads (the full `Config` fits). */
export interface AlerterConfig {
  alerts: AlertConfig;
  elasticsearch: { indexPrefix: string };
  redis?: { keyPrefix: string };
  accounts?: readonly { id: string; mailboxes: readonly (string | { path: string })[] }[];
}

export interface AlerterDeps {
  client: SearchStore;
  /** Needed for the silent-collector rule (unless `mailboxPolls` is given). */
  redis?: RedisClient;
  mailboxPolls?: MailboxPollReader;
  logger?: AlertLogger;
  fetch?: typeof fetch;
  sleep?: Sleep;
  now?: () => Date;
}

export interface Notification {
  event: AlertEvent;
  webhooks: WebhookResult[];
}

export class Alerter {
  readonly store: AlertStore;
  private readonly logger: AlertLogger;
  private readonly now: () => Date;
  private readonly startedAt: Date;
  private readonly polls: MailboxPollReader | undefined;
  private readonly abort = new AbortController();
  private timer: NodeJS.Timeout | undefined;
  private running: Promise<unknown> | undefined;
  private stopped = false;

  constructor(private readonly config: AlerterConfig, private readonly deps: AlerterDeps) {
    this.store = new AlertStore(deps.client, alertIndexName(config.elasticsearch.indexPrefix));
    this.logger = deps.logger ?? silentLogger;
    this.now = deps.now ?? (() => new Date());
    this.startedAt = this.now();
    this.polls = deps.mailboxPolls ?? (deps.redis === undefined
      ? undefined
      : redisMailboxPollReader(deps.redis, config.redis?.keyPrefix ?? 'mailverdict', watchedMailboxes(config)));
  }

  /** Evaluates every rule once at `now` and sends what changed. Returns the transitions this call recorded. */
  async evaluateOnce(now: Date = this.now()): Promise<Notification[]> {
    const { alerts } = this.config;
    const windowEnd = new Date(Math.floor(now.getTime() / alerts.intervalMs) * alerts.intervalMs);
    const active = await this.store.loadActive();
    const events: AlertEvent[] = [];
    const index = `${this.config.elasticsearch.indexPrefix}-2*`;
    for (const rule of alerts.rules) {
      const stats = await fetchGatewayStats(this.deps.client, index, { rule, groupBy: alerts.groupBy, timeField: alerts.timeField, windowEnd });
      const seen = new Set<string>();
      for (const s of stats) {
        seen.add(s.gateway);
        const event = evaluateSpike(rule, s, active.get(alertKey(rule.name, s.gateway)), now);
        if (event !== undefined) events.push(event);
      }
      // A gateway with no traffic at all in the lookback period is back to normal too.
      for (const a of active.values()) {
        if (a.rule !== rule.name || seen.has(a.gateway)) continue;
        const empty = { gateway: a.gateway, windows: [], baseline: { total: 0, matched: 0 } };
        const quiet = Array.from({ length: rule.resolveAfterWindows }, (_, i) => {
          const end = windowEnd.getTime() - (rule.resolveAfterWindows - 1 - i) * rule.windowMs;
          return { start: new Date(end - rule.windowMs).toISOString(), end: new Date(end).toISOString(), total: 0, matched: 0, byStatus: {} };
        });
        const event = evaluateSpike(rule, { ...empty, windows: quiet }, a, now);
        if (event !== undefined) events.push(event);
      }
    }
    if (alerts.silentCollector.enabled && this.polls !== undefined) {
      const watched = new Set<string>();
      for (const poll of await this.polls()) {
        const gateway = mailboxGatewayKey(poll.account, poll.mailbox);
        watched.add(gateway);
        const event = evaluateSilence(alerts.silentCollector, poll, active.get(alertKey(SILENT_COLLECTOR_RULE, gateway)), now, this.startedAt);
        if (event !== undefined) events.push(event);
      }
    }
    const sent: Notification[] = [];
    for (const event of events) {
      if (!(await this.store.record(event))) continue;
      sent.push({ event, webhooks: await this.notify(event) });
    }
    return sent;
  }

  private async notify(event: AlertEvent): Promise<WebhookResult[]> {
    const log = { alert: { id: event.alert_id, rule: event.rule, gateway: event.gateway, state: event.state } };
    if (event.state === 'fired') this.logger.warn(log, event.message);
    else this.logger.info(log, event.message);
    const options: { fetch?: typeof fetch; sleep: Sleep; signal: AbortSignal } = { sleep: this.deps.sleep ?? sleep, signal: this.abort.signal };
    if (this.deps.fetch !== undefined) options.fetch = this.deps.fetch;
    const results = await Promise.all(this.config.alerts.webhooks.map((hook) => sendWebhook(hook, event, options)));
    for (const r of results) {
      if (!r.ok) this.logger.error({ ...log, webhook: r }, `alert webhook failed after ${r.attempts} attempts: ${r.error ?? 'unknown error'}`);
    }
    return results;
  }

  /** Runs `evaluateOnce` every interval (aligned to interval multiples) until {@link stop}. */
  start(): void {
    if (this.timer !== undefined || this.stopped) return;
    const schedule = (): void => {
      if (this.stopped) return;
      const interval = this.config.alerts.intervalMs;
      // A few seconds past the boundary, so messages of the window just closed had time to be indexed.
      const delay = interval - (this.now().getTime() % interval) + Math.min(5000, interval / 10);
      this.timer = setTimeout(() => {
        this.running = this.evaluateOnce().catch((err: unknown) => {
          this.logger.error({ err }, 'alert evaluation failed; retrying next interval');
        }).finally(() => {
          this.running = undefined;
          schedule();
        });
      }, delay);
    };
    schedule();
  }

  /** Stops the schedule and waits for an evaluation in progress (webhook retries are cut short). */
  async stop(): Promise<void> {
    this.stopped = true;
    if (this.timer !== undefined) clearTimeout(this.timer);
    this.timer = undefined;
    this.abort.abort();
    await this.running;
  }
}

/**
 * Per gateway node: documents with the per-gateway arrays count for every gateway that stamped them; older
 * documents count for their top-level gateway and host (`groupBy`), under the same "<id>@<host>" key.
 */
export async function fetchGatewayStats(client: SearchStore, index: string, q: ScanStatsQuery): Promise<GatewayStats[]> {
  const byKey = new Map<string, GatewayStats>();
  for (const s of [...await fetchNodeScanStats(client, index, q), ...await fetchScanStats(client, index, q)]) {
    const seen = byKey.get(s.gateway);
    byKey.set(s.gateway, seen === undefined ? s : mergeStats(seen, s));
  }
  return [...byKey.values()];
}

export function watchedMailboxes(config: AlerterConfig): WatchedMailbox[] {
  return (config.accounts ?? []).flatMap((a) => a.mailboxes.map((m) => ({ account: a.id, mailbox: typeof m === 'string' ? m : m.path })));
}

/** Starts the alerter loop (for `mailverdict alert` and `mailverdict run`). */
export function runAlerter(config: AlerterConfig, deps: AlerterDeps): Alerter {
  const alerter = new Alerter(config, deps);
  if (config.alerts.enabled) alerter.start();
  return alerter;
}

export async function stopAlerter(alerter: Alerter): Promise<void> {
  await alerter.stop();
}

export type { ActiveAlert };
