// Pure silent-collector rule: a mailbox that has not been polled successfully for too long looks exactly like a
// quiet gateway, so it gets its own alert. The alert id is derived from the last success, so a restarted alerter
// computes the same id for the same silence and the alert index turns the repeat into a no-op.
import type { SilentCollectorConfig } from './alert-config.js';
import type { ActiveAlert, AlertEvent } from './alert-event.js';

export const SILENT_COLLECTOR_RULE = 'collector-silent';

export interface MailboxPoll {
  account: string;
  mailbox: string;
  /** Last completed successful poll; undefined when none is recorded. */
  lastSuccessAt: Date | undefined;
}

export function mailboxGatewayKey(account: string, mailbox: string): string {
  return `${account}/${mailbox}`;
}

/**
 * @param since when the alerter started watching: a mailbox with no recorded success counts as silent from then,
 *   so a fresh install does not alert before the collector had a chance to poll.
 */
export function evaluateSilence(
  config: SilentCollectorConfig,
  poll: MailboxPoll,
  active: ActiveAlert | undefined,
  now: Date,
  since: Date,
): AlertEvent | undefined {
  const reference = poll.lastSuccessAt ?? since;
  const silentMs = now.getTime() - reference.getTime();
  const silent = silentMs > config.maxSilenceMs;
  const gateway = mailboxGatewayKey(poll.account, poll.mailbox);
  if (active === undefined && !silent) return undefined;
  // Only a recorded success ends a silence: after a restart `since` is new, which proves nothing.
  if (active !== undefined && (silent || poll.lastSuccessAt === undefined)) return undefined;
  const last = poll.lastSuccessAt?.toISOString();
  const event: AlertEvent = {
    '@timestamp': now.toISOString(),
    alert_id: active?.alertId ?? `${SILENT_COLLECTOR_RULE}:${gateway}:${last ?? 'never'}`,
    rule: SILENT_COLLECTOR_RULE,
    gateway,
    state: silent ? 'fired' : 'resolved',
    account: poll.account,
    mailbox: poll.mailbox,
    mailverdict: { origin: { account: poll.account, mailbox: poll.mailbox } },
    message: silent
      ? `${SILENT_COLLECTOR_RULE}: no successful poll of ${gateway} for ${Math.round(silentMs / 60_000)} min`
        + ` (last: ${last ?? 'never'})`
      : `${SILENT_COLLECTOR_RULE}: ${gateway} polled successfully again at ${last ?? 'unknown'}`,
  };
  if (last !== undefined) event.last_success = last;
  return event;
}
