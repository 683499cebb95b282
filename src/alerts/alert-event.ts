// What the alerter writes to the alert index (mappings/alerts-template.json), logs and sends to webhooks.

export type AlertState = 'fired' | 'resolved';

/** One alert transition; the document in the alert index has exactly these fields. */
export interface AlertEvent {
  '@timestamp': string;
  /** Same for the `fired` and the `resolved` event of one incident. */
  alert_id: string;
  rule: string;
  /** Gateway key ("ksmg", "ksmg@mx1.example.com") or, for the silent-collector rule, "account/mailbox". */
  gateway: string;
  state: AlertState;
  window?: { start: string; end: string };
  statuses?: string[];
  count?: number;
  total?: number;
  share?: number;
  baseline?: number;
  account?: string;
  mailbox?: string;
  last_success?: string;
  message: string;
}

/** An incident that fired and has not resolved yet (read back from the alert index). */
export interface ActiveAlert {
  alertId: string;
  rule: string;
  gateway: string;
  firedAt: string;
}

/** Key of one rule × gateway pair in state maps. */
export function alertKey(rule: string, gateway: string): string {
  return `${rule}\u0000${gateway}`;
}
