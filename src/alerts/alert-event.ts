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
  /**
   * The same fields the message documents carry, so the dashboards' gateway, host and mailbox controls filter
   * the alert panels too (instead of emptying them): the gateway id and node of a spike, the mailbox of a
   * silent collector.
   */
  mailverdict?: {
    gateway?: string;
    gateway_ids?: string[];
    gateway_nodes?: string[];
    origin?: { account: string; mailbox: string };
  };
  observer?: { hostname: string };
}

/** "ksmg@gw2.example.com" → the gateway and host fields of a spike alert ("ksmg" alone: no host). */
export function gatewayNodeFields(node: string): Pick<AlertEvent, 'mailverdict' | 'observer'> {
  const at = node.indexOf('@');
  const id = at < 0 ? node : node.slice(0, at);
  const host = at < 0 ? '' : node.slice(at + 1);
  const out: Pick<AlertEvent, 'mailverdict' | 'observer'> = { mailverdict: { gateway: id, gateway_ids: [id], gateway_nodes: [node] } };
  if (host !== '') out.observer = { hostname: host };
  return out;
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
