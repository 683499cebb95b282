// Reads one mailbox: connect, open (read-only unless a post-commit action needs write access),
// backfill from the committed watermark (or the start date) in UID chunks, then wait for new mail
// with IDLE ('exists' events) or by polling; reconnect with backoff after any failure. Batches go
// on the queue with the UID interval they cover, so the watermark can advance over expunged gaps.
// Every pollIntervalMs the mailbox is opened again: a server may keep serving a deleted mailbox's
// old view to a session that has it selected (Dovecot does when the delete falls outside IDLE),
// and only a fresh SELECT/EXAMINE shows a recreated mailbox's new UIDVALIDITY.
// Redis replicates asynchronously: after a failover the queue may have lost a batch the old master had
// acknowledged (or the watermark lost a report the queue had not). The watermark then waits for a batch no
// worker will ever process, while this reader's position is past it; so when idle, a reader whose position is
// above the committed watermark asks the queue for the batch the watermark waits for, and reads again from the
// watermark when the queue no longer holds it (document ids make the re-read harmless).
import { ImapFlow, type ImapFlowOptions } from 'imapflow';
import type { RedisClient } from '../queue/connection.js';
import { Batcher, type BatchLimits } from '../queue/batcher.js';
import { HEADER_ENCODING, batchJobId, type FetchedMessage, type MessageBatchJob } from '../queue/message-batch.js';
import type { AccountSettings, MailboxSettings } from './account-settings.js';
import { accessTokenSource, type AccessTokenSource } from './access-token-source.js';
import { describeError, type CollectorEvents } from './collector-events.js';
import { fetchHeaders } from './fetch-headers.js';
import { imapOptions } from './imap-options.js';
import { writeMailboxStatus, type MailboxStatusUpdate } from '../mailbox-state/mailbox-status.js';
import { applyPostCommit } from './post-commit.js';
import { Watermark } from '../mailbox-state/watermark.js';

export interface MailboxReaderDeps {
  redis: RedisClient;
  keyPrefix: string;
  enqueue(job: MessageBatchJob): Promise<void>;
  /** Jobs waiting in the queue, for backpressure. */
  waitingJobs(): Promise<number>;
  /** Whether the queue still holds the job (waiting, delayed or being processed); absent: never asked. */
  jobPending?(jobId: string): Promise<boolean>;
  createClient?(options: ImapFlowOptions): ImapFlow;
  events?: CollectorEvents | undefined;
  /** The account's XOAUTH2 tokens, shared by its mailboxes; made from the account when absent. */
  tokens?: AccessTokenSource | undefined;
}

export interface MailboxReaderOptions {
  account: AccountSettings;
  mailbox: MailboxSettings;
  batch: BatchLimits;
  maxWaitingJobs: number;
  collectorId: string;
  reconnectMinMs?: number;
  reconnectMaxMs?: number;
  /** How often to look for newly committed UIDs while idle, when a post-commit action is set. */
  postCommitCheckMs?: number;
  /** Extra imapflow options (tests: TLS servername). */
  imapExtra?: Partial<ImapFlowOptions>;
}

/** A batch this session enqueued, until the watermark has passed it. */
interface OutstandingBatch {
  jobId: string;
  /** The batch covers the UIDs in (lo, hi]. */
  lo: number;
  hi: number;
}

/**
 * Thrown inside a session to start over with a fresh connection and watermark. Not an error: a changed
 * UIDVALIDITY is routine (a mailbox deleted and recreated, a server migrated) and is reported as such.
 */
class ResyncNeeded extends Error {
  constructor(readonly reason: 'uidvalidity' | 'watermark') {
    super(reason === 'uidvalidity' ? 'UIDVALIDITY changed' : 'watermark state missing');
  }
}

export class MailboxReader {
  readonly watermark: Watermark;
  private existsCount = 0;
  private wake: (() => void) | undefined;
  private cursor = 0;
  private floor = 0;
  private outstanding: OutstandingBatch[] = [];
  /** When the last immediate (no-delay) resync happened, so repeated resyncs back off. */
  private lastResyncAt = Number.NEGATIVE_INFINITY;
  private readonly tokens: AccessTokenSource | undefined;
  /** The access token of the last login, kept out of error messages. */
  private lastToken: string | undefined;

  constructor(private readonly options: MailboxReaderOptions, private readonly deps: MailboxReaderDeps) {
    this.watermark = new Watermark(deps.redis, deps.keyPrefix, { account: options.account.id, mailbox: options.mailbox.path });
    this.tokens = deps.tokens ?? accessTokenSource(options.account);
  }

  private get ref(): { account: string; mailbox: string } {
    return { account: this.options.account.id, mailbox: this.options.mailbox.path };
  }

  /** Runs until the signal aborts; never throws (errors are recorded and retried). */
  async run(signal: AbortSignal): Promise<void> {
    const min = this.options.reconnectMinMs ?? 1_000;
    const max = this.options.reconnectMaxMs ?? 60_000;
    let failures = 0;
    const onAbort = (): void => this.wake?.();
    signal.addEventListener('abort', onAbort);
    try {
      while (!signal.aborted) {
        try {
          await this.session(signal, () => { failures = 0; });
        } catch (error) {
          if (signal.aborted) break;
          failures++;
          if (error instanceof ResyncNeeded) {
            // The next session's watermark.open reports the UIDVALIDITY change (with both values).
            if (error.reason === 'watermark') this.deps.events?.watermarkLost?.(this.ref.account, this.ref.mailbox);
            await this.status({ phase: 'connecting' });
          } else {
            const err = describeError(error, [this.options.account.password, this.options.account.accessToken, this.lastToken]);
            this.deps.events?.error?.(this.ref.account, this.ref.mailbox, err);
            this.deps.events?.reconnect?.(this.ref.account, this.ref.mailbox, err);
            await this.status({ phase: 'error', lastError: `${err.code}: ${err.message}`, lastErrorAt: new Date().toISOString() });
          }
          // A resync starts over at once, but only once in a while: one that keeps recurring backs off.
          const immediate = error instanceof ResyncNeeded && failures === 1 && Date.now() - this.lastResyncAt > max;
          if (immediate) this.lastResyncAt = Date.now();
          const delay = immediate ? 0
            : Math.min(max, min * 2 ** Math.min(failures - 1, 20)) * (0.8 + 0.4 * Math.random());
          await this.sleep(delay, signal);
        }
      }
    } finally {
      signal.removeEventListener('abort', onAbort);
      await this.status({ phase: 'stopped' });
    }
  }

  private async session(signal: AbortSignal, connected: () => void): Promise<void> {
    const { account, mailbox } = this.options;
    const useIdle = account.useIdle ?? true;
    const action = account.afterCommit?.action ?? 'none';
    const pollMs = account.pollIntervalMs ?? 30_000;
    // Asked at every (re)connect: a token file may have been rewritten, a refreshed token may be due.
    const token = await this.tokens?.current();
    this.lastToken = token;
    const client = (this.deps.createClient ?? ((o) => new ImapFlow(o)))(imapOptions(account, {
      disableAutoIdle: !useIdle,
      // Start IDLE soon after the last command so new mail is announced within a second or so.
      autoIdleDelay: 1_000,
      ...this.options.imapExtra,
    }, token));
    let closed = false;
    client.on('error', () => undefined); // surfaced through the failing command
    client.on('exists', () => { this.existsCount++; this.wake?.(); });
    client.on('close', () => { closed = true; this.wake?.(); });
    const abortClose = (): void => { client.close(); };
    signal.addEventListener('abort', abortClose);
    try {
      await this.status({ phase: 'connecting', collector: this.options.collectorId });
      try {
        await client.connect();
      } catch (error) {
        // An expired or revoked token: the next attempt reads the file again or refreshes.
        if (token !== undefined && (error as { authenticationFailed?: unknown }).authenticationFailed === true) this.tokens?.rejected(token);
        throw error;
      }
      const box = await client.mailboxOpen(mailbox.path, { readOnly: action === 'none' });
      let openedAt = Date.now();
      const uidvalidity = Number(box.uidValidity);
      const before = await this.watermark.read();
      const { committed, reset } = await this.watermark.open(uidvalidity);
      if (reset && before !== undefined) this.deps.events?.uidvalidityChanged?.(this.ref.account, this.ref.mailbox, { from: before.uidvalidity, to: uidvalidity });
      this.cursor = committed;
      this.outstanding = [];
      this.floor = await this.startFloor(client, box.uidNext);
      connected();
      // A last error older than this is shown as recovered by `status`.
      await this.status({ connectedAt: new Date().toISOString() });
      const batcher = new Batcher(this.options.batch);
      const idleCapable = useIdle && client.capabilities.has('IDLE');

      while (!signal.aborted) {
        if (closed) throw new Error('IMAP connection closed');
        if (Date.now() - openedAt >= pollMs) {
          // Throws when the mailbox is gone (NO from the server): the reconnect loop backs off.
          await client.mailboxOpen(mailbox.path, { readOnly: action === 'none' });
          openedAt = Date.now();
        }
        const current = client.mailbox;
        if (current === false || Number(current.uidValidity) !== uidvalidity) throw new ResyncNeeded('uidvalidity');
        const state = await this.watermark.read();
        if (state === undefined || state.uidvalidity !== uidvalidity) throw new ResyncNeeded('watermark');

        const seenBefore = this.existsCount;
        const from = Math.max(this.cursor, this.floor) + 1;
        const found = await client.search({ uid: `${from}:*` }, { uid: true });
        // imapflow resolves false/undefined when the server refused the search or the connection is
        // gone; read as "no new mail" that would hide the failure, so start over instead.
        if (!Array.isArray(found)) throw new Error(closed ? 'IMAP connection closed' : 'IMAP SEARCH failed');
        const uids = found.filter((u) => u >= from).sort((a, b) => a - b);
        const pollAt = new Date().toISOString();
        await this.status({ phase: uids.length > 0 ? 'backfill' : 'waiting', backlog: uids.length, lastPollAt: pollAt, lastSeenUid: this.cursor });

        const chunk = Math.max(1, account.batchSize ?? 500);
        for (let i = 0; i < uids.length && !signal.aborted; i += chunk) {
          await this.backpressure(signal);
          if (signal.aborted) break;
          const messages = await fetchHeaders(client, uids.slice(i, i + chunk));
          this.deps.events?.fetched?.(this.ref.account, this.ref.mailbox, messages.length);
          for (const m of messages) for (const b of batcher.add(m)) await this.enqueue(uidvalidity, b);
          await this.status({ backlog: Math.max(0, uids.length - i - chunk), lastSeenUid: messages.at(-1)?.uid ?? this.cursor });
        }
        if (signal.aborted) break;
        const rest = batcher.flush();
        if (rest.length > 0) await this.enqueue(uidvalidity, rest);
        await this.status({ lastSeenUid: this.cursor, backlog: 0 });

        if (action !== 'none') {
          await applyPostCommit(client, this.watermark, uidvalidity, account.afterCommit ?? { action }, this.floor);
        }
        if (uids.length > 0) continue; // more may have arrived while we were busy
        if (await this.rewindIfBatchLost(uidvalidity, state.committed)) continue;
        await this.waitForMail(signal, seenBefore, idleCapable, action !== 'none', () => closed);
      }
    } finally {
      signal.removeEventListener('abort', abortClose);
      if (!closed) await client.logout().catch(() => client.close());
    }
  }

  /**
   * When the position is past the committed watermark and the batch the watermark waits for is no longer in
   * the queue, moves the position back to the watermark (true: read again from there).
   */
  private async rewindIfBatchLost(uidvalidity: number, committed: number): Promise<boolean> {
    this.outstanding = this.outstanding.filter((b) => b.hi > committed);
    if (this.deps.jobPending === undefined || this.cursor <= committed) return false;
    // Batches are contiguous from the session's start, so one covers the next UID the watermark needs; none
    // does when the watermark went back below this session's start (state lost in a failover).
    const awaited = this.outstanding.find((b) => b.lo <= committed);
    if (awaited !== undefined && (await this.deps.jobPending(awaited.jobId))) return false;
    // A worker reports a batch before its job leaves the queue: read the watermark again, after the queue, so a
    // batch finished in between shows as progress rather than as lost.
    const now = await this.watermark.read();
    if (now === undefined || now.uidvalidity !== uidvalidity || now.committed !== committed) return false;
    this.deps.events?.batchLost?.(this.ref.account, this.ref.mailbox, { committed, position: this.cursor });
    this.cursor = committed;
    this.outstanding = [];
    return true;
  }

  /** UIDs at or below this were received before the start date and are not read. */
  private async startFloor(client: ImapFlow, uidNext: number): Promise<number> {
    const date = this.options.mailbox.startDate ?? this.options.account.startDate;
    if (date === undefined) return 0;
    const since = date instanceof Date ? date : new Date(date);
    if (Number.isNaN(since.getTime())) return 0;
    const found = await client.search({ since }, { uid: true });
    if (!Array.isArray(found)) throw new Error('IMAP SEARCH failed');
    const uids = found;
    let min = Number.POSITIVE_INFINITY;
    for (const u of uids) if (u < min) min = u;
    return Number.isFinite(min) ? min - 1 : Math.max(0, uidNext - 1);
  }

  private async enqueue(uidvalidity: number, messages: FetchedMessage[]): Promise<void> {
    const last = messages[messages.length - 1];
    if (last === undefined) return;
    const job: MessageBatchJob = {
      account: this.ref.account,
      mailbox: this.ref.mailbox,
      uidvalidity,
      fromUid: this.cursor,
      messages,
      headerEncoding: HEADER_ENCODING,
      enqueuedAt: new Date().toISOString(),
    };
    const gateway = this.options.mailbox.gateway ?? this.options.account.gateway;
    if (gateway !== undefined) job.gateway = gateway.hostname === undefined ? { id: gateway.id } : { id: gateway.id, hostname: gateway.hostname };
    await this.deps.enqueue(job);
    this.outstanding.push({ jobId: batchJobId(job), lo: this.cursor, hi: last.uid });
    this.cursor = last.uid;
    this.deps.events?.enqueued?.(this.ref.account, this.ref.mailbox, messages.length);
  }

  private async backpressure(signal: AbortSignal): Promise<void> {
    let paused = false;
    while (!signal.aborted && (await this.deps.waitingJobs()) > this.options.maxWaitingJobs) {
      if (!paused) await this.status({ phase: 'backpressure' });
      paused = true;
      await this.sleep(500, signal);
    }
    if (paused) await this.status({ phase: 'backfill' });
  }

  private async waitForMail(signal: AbortSignal, seenBefore: number, idle: boolean, postCommit: boolean, isClosed: () => boolean): Promise<void> {
    let timeout = this.options.account.pollIntervalMs ?? 30_000;
    if (postCommit) timeout = Math.min(timeout, this.options.postCommitCheckMs ?? 2_000);
    const deadline = Date.now() + timeout;
    while (!signal.aborted && !isClosed() && Date.now() < deadline) {
      if (idle && this.existsCount !== seenBefore) return;
      await this.sleep(Math.min(deadline - Date.now(), idle ? 60_000 : timeout), signal);
    }
  }

  /** Sleeps, woken early by abort, new mail or a closed connection. */
  private sleep(ms: number, signal: AbortSignal): Promise<void> {
    if (ms <= 0 || signal.aborted) return Promise.resolve();
    return new Promise((resolve) => {
      // One sleeper at a time: the reader is sequential.
      const done = (): void => {
        clearTimeout(timer);
        if (this.wake === done) this.wake = undefined;
        resolve();
      };
      const timer = setTimeout(done, ms);
      this.wake = done;
    });
  }

  private async status(update: MailboxStatusUpdate): Promise<void> {
    await writeMailboxStatus(this.deps.redis, this.deps.keyPrefix, this.ref, update).catch(() => undefined);
  }
}
