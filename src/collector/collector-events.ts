// Hooks through which the process wiring (metrics, logs) watches the collector; all optional.

export interface CollectorEvents {
  fetched?(account: string, mailbox: string, count: number): void;
  enqueued?(account: string, mailbox: string, count: number): void;
  reconnect?(account: string, mailbox: string, error: { code: string; message: string }): void;
  error?(account: string, mailbox: string, error: { code: string; message: string }): void;
  lockLost?(account: string, mailbox: string, reason: string): void;
  /** The mailbox's UIDVALIDITY is another one than the watermark's: it is read again from the start. Routine. */
  uidvalidityChanged?(account: string, mailbox: string, change: { from: number; to: number }): void;
  /** The watermark state vanished from Redis (emptied, evicted): the mailbox is read again from the start. */
  watermarkLost?(account: string, mailbox: string): void;
  /**
   * The batch the committed watermark waits for is no longer in the queue (a Redis failover lost it, replication
   * being asynchronous): the mailbox is read again from the watermark, `committed`, instead of from `position`.
   */
  batchLost?(account: string, mailbox: string, at: { committed: number; position: number }): void;
}

/** A bounded error code and a message fit for logs and status (secrets removed, length capped). */
export function describeError(error: unknown, secrets: readonly (string | undefined)[] = []): { code: string; message: string } {
  const e = error as { code?: unknown; authenticationFailed?: unknown; responseText?: unknown; message?: unknown } | undefined;
  let code = 'error';
  if (e?.authenticationFailed === true) code = 'auth_failed';
  else if (typeof e?.code === 'string' && /^[A-Za-z0-9_]{1,40}$/.test(e.code)) code = e.code;
  let message = typeof e?.responseText === 'string' && e.responseText !== '' ? e.responseText
    : typeof e?.message === 'string' ? e.message : String(error);
  for (const s of secrets) if (s !== undefined && s.length >= 3) message = message.split(s).join('[redacted]');
  if (message.length > 300) message = message.slice(0, 300) + '…';
  return { code, message };
}
