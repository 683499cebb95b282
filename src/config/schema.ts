// The configuration schema: the single description of every option, its default and its limits.
// Strings that look like numbers or booleans are coerced (environment variables are always strings);
// unknown keys are rejected. Cross-field rules live in the `superRefine` blocks next to their fields.
// Every message is an "expected …" phrase; format-issues.ts prefixes the key path and the value seen.
import { z } from 'zod';
import { alertConfigSchema } from '../alerts/alert-config.js';
import { GATEWAY_IDS } from '../parsers/gateway-ids.js';
import { CLUSTER_NODE_EXPECTED, DEFAULT_REDIS_PORT, DEFAULT_SENTINEL_PORT, SENTINEL_EXPECTED, parseRedisNode } from './redis-node.js';

const MIB = 1024 * 1024;

/** Keys whose values are secrets: never logged, never echoed in errors, `[redacted]` by redactConfig. */
export const SECRET_KEYS: readonly string[] = ['password', 'accessToken', 'apiKey', 'clientSecret', 'refreshToken', 'sentinelPassword'];

/**
 * `<secret>File` keys kept as paths and read again by the program while it runs (a token file that a
 * sidecar rewrites every hour), instead of being replaced by the file's content once at load.
 */
export const RELOADED_SECRET_FILES: readonly string[] = ['accessTokenFile'];

/** Marks an array an environment variable may set as a comma-separated list. */
export const ENV_LIST = 'env:list';
/** Marks a non-scalar node an environment variable may set with a plain string (a mailbox path). */
export const ENV_SCALAR = 'env:scalar';

/** Log levels pino knows. */
export const LOG_LEVELS = ['fatal', 'error', 'warn', 'info', 'debug', 'trace', 'silent'] as const;

function message(text: string): { errorMap: z.ZodErrorMap } {
  return { errorMap: () => ({ message: text }) };
}

function coerceInteger(value: unknown): unknown {
  if (typeof value === 'string' && /^\s*-?\d{1,15}\s*$/.test(value)) return Number(value.trim());
  return value;
}

function coerceBoolean(value: unknown): unknown {
  if (typeof value !== 'string') return value;
  const lower = value.trim().toLowerCase();
  if (lower === 'true') return true;
  if (lower === 'false') return false;
  return value;
}

function integer(min: number, max: number) {
  const text = `expected an integer between ${min} and ${max}`;
  return z.preprocess(coerceInteger, z.number(message(text)).int(text).min(min, text).max(max, text));
}

function boolean() {
  return z.preprocess(coerceBoolean, z.boolean(message('expected true or false')));
}

function text(expected = 'expected a non-empty string') {
  return z.string(message(expected)).min(1, expected);
}

function oneOf<const T extends readonly [string, ...string[]]>(values: T) {
  return z.enum(values, message(`expected one of ${values.map((v) => `"${v}"`).join(', ')}`));
}

function urlWithScheme(schemes: readonly string[]) {
  const expected = `expected a URL starting with ${schemes.map((s) => `${s}://`).join(' or ')}`;
  return z.string(message(expected)).refine((value) => {
    try {
      return schemes.includes(new URL(value).protocol.replace(/:$/, ''));
    } catch {
      return false;
    }
  }, expected);
}

/** A file path; whether it can be read is checked by loadConfig (paths are data here). */
function filePath() {
  return text('expected a file path');
}

const DATE_ONLY = /^\d{4}-\d{2}-\d{2}$/;
const DATE_TIME = /^\d{4}-\d{2}-\d{2}T\d{2}:\d{2}(:\d{2}(\.\d{1,9})?)?(Z|[+-]\d{2}:\d{2})$/;

function date() {
  const expected = 'expected a date like 2024-01-31 or 2024-01-31T12:00:00Z';
  return z
    .preprocess((v) => (v instanceof Date ? v.toISOString() : v), z.string(message(expected)))
    .refine((v) => (DATE_ONLY.test(v) || DATE_TIME.test(v)) && !Number.isNaN(Date.parse(v)), expected)
    .transform((v) => new Date(DATE_ONLY.test(v) ? `${v}T00:00:00Z` : v));
}

function list<T extends z.ZodTypeAny>(element: T, expected: string) {
  // A single value where a list is expected is taken as a list of one (`nodes: http://…`).
  return z.preprocess(
    (v) => (v === undefined || Array.isArray(v) ? v : [v]),
    z.array(element, message(expected)).min(1, expected),
  );
}

/** Key prefixes and names end up in Redis keys, BullMQ job ids and Elasticsearch index names. */
const SAFE_NAME = /^[A-Za-z0-9][A-Za-z0-9._-]{0,63}$/;
const INDEX_PREFIX = /^[a-z0-9][a-z0-9._-]{0,63}$/;

function isLoopback(host: string): boolean {
  const h = host.toLowerCase().replace(/^\[|\]$/g, '');
  return h === 'localhost' || h === '::1' || /^127\.\d{1,3}\.\d{1,3}\.\d{1,3}$/.test(h);
}

function redisNode(expected: string, defaultPort: number) {
  return z.string(message(expected)).refine((value) => parseRedisNode(value, defaultPort) !== undefined, expected);
}

/** Where Redis is: exactly one of these keys is set. */
const REDIS_TOPOLOGY_KEYS = ['url', 'cluster', 'sentinels'] as const;

const redisSchema = z
  .object({
    /** Redis URL of a single server, `redis://host:6379/0` or `rediss://…` for TLS. Credentials are better given below. Exactly one of url, cluster, sentinels. */
    url: urlWithScheme(['redis', 'rediss']).optional(),
    /**
     * Redis Cluster: some of its nodes (`redis://host:port`, `rediss://…` or `host:port`); the client finds the
     * rest. The queue's keys get a hash tag (README "Redis Cluster and Sentinel"). Exactly one of url, cluster, sentinels.
     */
    cluster: list(redisNode(CLUSTER_NODE_EXPECTED, DEFAULT_REDIS_PORT), 'expected a list of one or more cluster nodes').describe(ENV_LIST).optional(),
    /**
     * Redis Sentinel: the sentinels (`host:port`, port 26379 when absent, or `redis://` / `rediss://` URLs) that
     * tell where the master of `name` is. Exactly one of url, cluster, sentinels.
     */
    sentinels: list(redisNode(SENTINEL_EXPECTED, DEFAULT_SENTINEL_PORT), 'expected a list of one or more sentinels').describe(ENV_LIST).optional(),
    /** The Sentinel master group name (`sentinel monitor <name> …` in sentinel.conf). Required with sentinels. */
    name: text('expected the master group name the sentinels monitor').optional(),
    /** ACL user name (Redis 6+) on the Redis servers (every cluster node, the Sentinel master and replicas). Needs `password`. */
    username: text().optional(),
    /** Redis password. Secret: may be given as `passwordFile` (a path) or `MAILVERDICT_REDIS_PASSWORD_FILE`. */
    password: text().optional(),
    /** ACL user name on the sentinels themselves, when they require one. Needs `sentinelPassword`. */
    sentinelUsername: text().optional(),
    /** Password of the sentinels themselves (`requirepass` in sentinel.conf). Secret: may be given as `sentinelPasswordFile`. */
    sentinelPassword: text().optional(),
    /**
     * TLS settings of the Redis servers; present = connect with TLS even when the URL says `redis://`. With
     * sentinels, the sentinels use TLS when given as `rediss://` and then trust the same CA.
     */
    tls: z
      .object({
        /** PEM file with the CA certificate(s) to trust instead of the system store. */
        caFile: filePath().optional(),
        /** Verify the server certificate. Turn off only for testing. @default true */
        rejectUnauthorized: boolean().default(true),
      }, message('expected a mapping'))
      .strict()
      .optional(),
    /** Prefix of every Redis key mailverdict writes (queues, watermarks, locks). @default "mailverdict" */
    keyPrefix: text('expected 1-64 letters, digits, ".", "_" or "-"')
      .regex(SAFE_NAME, 'expected 1-64 letters, digits, ".", "_" or "-"')
      .default('mailverdict'),
  }, message('expected a mapping'))
  .strict()
  .superRefine((redis, ctx) => {
    const noValue = { noValue: true };
    const given = REDIS_TOPOLOGY_KEYS.filter((key) => redis[key] !== undefined);
    if (given.length === 0) {
      ctx.addIssue({ code: 'custom', path: [], message: 'expected one of url (a single server), cluster (Redis Cluster nodes) or sentinels (with name), got none', params: noValue });
    }
    if (given.length > 1) {
      ctx.addIssue({ code: 'custom', path: [given[1]!], message: `expected only one of url, cluster or sentinels, got ${given.join(' and ')}`, params: noValue });
    }
    if (redis.sentinels !== undefined && redis.name === undefined) {
      ctx.addIssue({ code: 'custom', path: ['name'], message: 'missing, expected the master group name the sentinels monitor because sentinels is set', params: noValue });
    }
    for (const key of ['name', 'sentinelUsername', 'sentinelPassword'] as const) {
      if (redis[key] !== undefined && redis.sentinels === undefined) {
        ctx.addIssue({ code: 'custom', path: [key], message: 'expected no value: it is used only with sentinels', params: noValue });
      }
    }
    if (redis.username !== undefined && redis.password === undefined) {
      ctx.addIssue({ code: 'custom', path: ['password'], message: 'expected a password because username is set', params: noValue });
    }
    if (redis.sentinelUsername !== undefined && redis.sentinelPassword === undefined) {
      ctx.addIssue({ code: 'custom', path: ['sentinelPassword'], message: 'expected a password because sentinelUsername is set', params: noValue });
    }
    for (const key of ['cluster', 'sentinels'] as const) {
      const nodes = redis[key];
      if (nodes === undefined) continue;
      // Entries that are not node addresses have their own issue.
      const schemes = new Set(nodes.map((n) => parseRedisNode(n, 1)?.tls).filter((tls) => tls !== undefined));
      if (schemes.size > 1) {
        ctx.addIssue({ code: 'custom', path: [key], message: 'expected every entry with TLS (rediss://) or every one without, got both', params: noValue });
      }
    }
  });

const elasticsearchSchema = z
  .object({
    /** Which search engine the nodes run: `elasticsearch` (8.x) or `opensearch` (2.x); each has its own client. @default "elasticsearch" */
    engine: oneOf(['elasticsearch', 'opensearch']).default('elasticsearch'),
    /** Elasticsearch node URLs (`http://` or `https://`); a single URL is accepted too. */
    nodes: list(urlWithScheme(['http', 'https']), 'expected a list of one or more http(s) URLs').describe(ENV_LIST),
    /** API key (the base64 `encoded` form). Secret: may be given as `apiKeyFile`. Excludes username/password. */
    apiKey: text().optional(),
    /** Basic-auth user. Needs `password`; excludes `apiKey`. */
    username: text().optional(),
    /** Basic-auth password. Secret: may be given as `passwordFile`. */
    password: text().optional(),
    /** PEM file with the CA certificate(s) to trust for https nodes. */
    caFile: filePath().optional(),
    /** Verify the server certificate. Turn off only for testing. @default true */
    rejectUnauthorized: boolean().default(true),
    /** Prefix of index names: `<prefix>-YYYY.MM`, `<prefix>-deadletter`, templates. @default "mailverdict" */
    indexPrefix: text('expected 1-64 lowercase letters, digits, ".", "_" or "-"')
      .regex(INDEX_PREFIX, 'expected 1-64 lowercase letters, digits, ".", "_" or "-"')
      .default('mailverdict'),
    /**
     * Replica shards per primary of every mailverdict index: set in the index templates and on the existing indices
     * by `mailverdict setup`. On a cluster, 1 or more keeps every document when a node dies. When absent, replicas
     * auto-expand 0-1 (none on a single node, one once there is a second).
     */
    replicas: integer(0, 32).optional(),
    /** Monthly indices older than this many months are deleted by the retention task. @default 13 */
    retentionMonths: integer(1, 1200).default(13),
    /** Most documents in one bulk request. @default 1000 */
    bulkMaxDocs: integer(1, 100_000).default(1000),
    /** Most bytes in one bulk request body. @default 5 MiB (5242880) */
    bulkMaxBytes: integer(1024, 512 * MIB).default(5 * MIB),
    /** Timeout of one request, in milliseconds. @default 30000 */
    requestTimeoutMs: integer(100, 3_600_000).default(30_000),
    /** Retries of a failed request (connection errors, 429, 5xx) before giving up. @default 5 */
    maxRetries: integer(0, 100).default(5),
  }, message('expected a mapping'))
  .strict()
  .superRefine((es, ctx) => {
    if (es.apiKey !== undefined && (es.username !== undefined || es.password !== undefined)) {
      ctx.addIssue({ code: 'custom', path: ['apiKey'], message: 'expected either apiKey or username/password, not both', params: { noValue: true } });
    }
    if ((es.username === undefined) !== (es.password === undefined)) {
      const missing = es.username === undefined ? 'username' : 'password';
      ctx.addIssue({ code: 'custom', path: [missing], message: `expected ${missing} too: basic auth needs both username and password`, params: { noValue: true } });
    }
  });

const queueSchema = z
  .object({
    /** BullMQ queue name (no ":"). @default "mailverdict-messages" */
    name: text('expected 1-64 letters, digits, ".", "_" or "-"')
      .regex(SAFE_NAME, 'expected 1-64 letters, digits, ".", "_" or "-"')
      .default('mailverdict-messages'),
    /** Most messages in one job. @default 200 */
    batchMaxMessages: integer(1, 10_000).default(200),
    /** Most bytes of header data in one job. @default 2 MiB (2097152) */
    batchMaxBytes: integer(1024, 256 * MIB).default(2 * MIB),
    /** Collectors stop fetching while more jobs than this wait (backpressure). @default 200 */
    maxWaitingJobs: integer(1, 1_000_000).default(200),
  }, message('expected a mapping'))
  .strict();

const listenSchema = z
  .object({
    /** Address the syslog receiver binds (all of UDP, TCP and TLS). @default "127.0.0.1" */
    host: text('expected a host name or address').default('127.0.0.1'),
    /** UDP port (RFC 5426); off when absent. */
    udpPort: integer(0, 65535).optional(),
    /** TCP port (RFC 6587, octet counting or LF framing); off when absent. */
    tcpPort: integer(0, 65535).optional(),
    /** TLS port (RFC 5425); off when absent. Needs `tls`. */
    tlsPort: integer(0, 65535).optional(),
    /** Certificate of the TLS port. */
    tls: z
      .object({
        /** PEM certificate (chain) the TLS port presents. */
        certFile: filePath(),
        /** PEM private key of that certificate. */
        keyFile: filePath(),
        /** PEM CA to verify client certificates with (with requestCert). */
        caFile: filePath().optional(),
        /** Require and verify a client certificate. @default false */
        requestCert: boolean().default(false),
      }, message('expected a mapping'))
      .strict()
      .optional(),
    /** Longest syslog message kept; longer ones are cut there (with a warning on the document). @default 64 KiB (65536) */
    maxFrameBytes: integer(480, 16 * MIB).default(64 * 1024),
    /** Most log lines in one job. @default 1000 */
    batchMaxLines: integer(1, 100_000).default(1000),
    /** Most bytes of log lines in one job. @default 1 MiB (1048576) */
    batchMaxBytes: integer(1024, 256 * MIB).default(MIB),
    /** A partial batch is queued after this many milliseconds. @default 500 */
    flushMs: integer(10, 60_000).default(500),
    /** Lines held in memory while the queue is full; beyond that TCP reads pause and UDP datagrams are dropped (counted). @default 20000 */
    maxBufferedLines: integer(1, 10_000_000).default(20_000),
  }, message('expected a mapping'))
  .strict()
  .superRefine((listen, ctx) => {
    if (listen.tlsPort !== undefined && listen.tls === undefined) {
      ctx.addIssue({ code: 'custom', path: ['tls'], message: 'expected tls.certFile and tls.keyFile because tlsPort is set', params: { noValue: true } });
    }
  });

const workerSchema = z
  .object({
    /** Jobs one worker process handles at once. @default 2 */
    concurrency: integer(1, 1000).default(2),
  }, message('expected a mapping'))
  .strict();

/** Gateway ids the parsers report (ksmg, klms, imail, …): `gateway:` must name one of them. */
const gatewayIdSchema = z.string(message('expected a gateway id')).refine((id) => GATEWAY_IDS.includes(id), {
  message: `expected one of the gateway ids ${GATEWAY_IDS.map((id) => `"${id}"`).join(', ')}`,
});

/**
 * Whose quarantine a mailbox is: a gateway id (`gateway: ksmg`), or `{ id, hostname }` when the gateway's host
 * should be recorded for messages whose headers and Received: trace do not name it.
 */
const gatewaySchema = z.preprocess(
  (v) => (typeof v === 'string' ? { id: v } : v),
  z
    .object({
      /** Gateway id; the document's top level describes this gateway when its headers are in the message. */
      id: gatewayIdSchema,
      /** The gateway's host name (observer.hostname) when neither its headers nor the Received: trace name it. */
      hostname: text('expected a host name').regex(/^[A-Za-z0-9_.-]{1,253}$/, 'expected a host name').optional(),
    }, message('expected a gateway id or a mapping with "id"'))
    .strict(),
);

const mailboxSchema = z
  .preprocess(
    // A plain string is the mailbox path: `mailboxes: [INBOX, Quarantine]`.
    (v) => (typeof v === 'string' ? { path: v } : v),
    z
      .object({
        /** Mailbox path as the server names it, e.g. `INBOX` or `Quarantine/Spam`. */
        path: text('expected a mailbox path'),
        /** Backfill only messages received on or after this date; overrides the account's `startDate`. */
        startDate: date().optional(),
        /** The gateway whose quarantine this mailbox is; overrides the account's `gateway`. */
        gateway: gatewaySchema.optional(),
      }, message('expected a mailbox path or a mapping with "path"'))
      .strict(),
  )
  .describe(ENV_SCALAR);

const afterCommitSchema = z
  .object({
    /**
     * What to do to a message once it is indexed (and the watermark committed). Mailboxes are opened
     * read-only unless this is not "none". @default "none"
     */
    action: oneOf(['none', 'seen', 'move', 'delete']).default('none'),
    /** Target mailbox for action "move" (required then, not allowed otherwise). */
    moveTo: text('expected a mailbox path').optional(),
  }, message('expected a mapping'))
  .strict();

const oauth2Schema = z
  .object({
    /**
     * The identity provider's token endpoint, e.g. `https://login.microsoftonline.com/<tenant>/oauth2/v2.0/token`
     * (Microsoft 365) or `https://oauth2.googleapis.com/token` (Google).
     */
    tokenUrl: urlWithScheme(['https', 'http']),
    /** The application (client) id registered with the provider. */
    clientId: text('expected a client id'),
    /** Client secret (confidential clients; Google needs one). Secret: may be given as `clientSecretFile`. */
    clientSecret: text().optional(),
    /** Long-lived refresh token from the one-time consent. Secret: may be given as `refreshTokenFile`. */
    refreshToken: text(),
    /**
     * Scopes to ask for, space-separated, e.g. `https://outlook.office365.com/IMAP.AccessAsUser.All offline_access`
     * (Microsoft 365) or `https://mail.google.com/` (Google). Omitted from the request when absent.
     */
    scope: text('expected space-separated scopes').optional(),
  }, message('expected a mapping'))
  .strict()
  .superRefine((oauth2, ctx) => {
    const url = new URL(oauth2.tokenUrl);
    if (url.protocol === 'http:' && !isLoopback(url.hostname)) {
      ctx.addIssue({ code: 'custom', path: ['tokenUrl'], message: 'expected an https:// URL: the client secret and refresh token would travel in cleartext', params: { noValue: true } });
    }
  });

const accountSchema = z
  .object({
    /** Unique id of the account; used in Redis keys, job ids, metrics labels and documents. */
    id: text('expected 1-64 letters, digits, ".", "_" or "-"').regex(SAFE_NAME, 'expected 1-64 letters, digits, ".", "_" or "-"'),
    /** IMAP server host name or address. */
    host: text('expected a host name'),
    /** IMAP server port (usually 993 for implicit TLS, 143 for STARTTLS). */
    port: integer(1, 65535),
    /**
     * "implicit" (TLS from the first byte, port 993), "starttls" (upgrade, port 143; fails if the server
     * does not offer it) or "none" (cleartext: only to a loopback host, or with `allowInsecure: true`).
     */
    tls: oneOf(['implicit', 'starttls', 'none']),
    /** Verify the server certificate. Set false only for testing. @default true */
    verifyCertificate: boolean().default(true),
    /** Allow `tls: "none"` to a non-loopback host (credentials in cleartext). @default false */
    allowInsecure: boolean().default(false),
    /** PEM file with the CA certificate(s) to trust (e.g. a private CA or a self-signed server). */
    caFile: filePath().optional(),
    /** Login name. */
    user: text('expected a user name'),
    /** Password (LOGIN/PLAIN). Secret: may be given as `passwordFile`. Exactly one of password/accessToken. */
    password: text().optional(),
    /** OAuth2 access token (XOAUTH2), used as is: it stops working when it expires. Secret. */
    accessToken: text().optional(),
    /**
     * File holding an OAuth2 access token (XOAUTH2) that something else keeps fresh: read again at every
     * (re)connect and after the server refuses a token.
     */
    accessTokenFile: filePath().optional(),
    /** OAuth2 refresh-token flow (XOAUTH2): a new access token is fetched before the old one expires. */
    oauth2: oauth2Schema.optional(),
    /** UIDs fetched per FETCH command while backfilling. @default 500 */
    batchSize: integer(1, 100_000).default(500),
    /** Poll interval when the server has no IDLE or `useIdle` is false, in milliseconds. @default 30000 */
    pollIntervalMs: integer(100, 86_400_000).default(30_000),
    /** Wait for new mail with IDLE where the server supports it. @default true */
    useIdle: boolean().default(true),
    /** Backfill only messages received on or after this date (per-mailbox `startDate` overrides). */
    startDate: date().optional(),
    /** Post-commit mailbox action. @default { action: "none" } */
    afterCommit: afterCommitSchema.default({}),
    /**
     * The gateway whose quarantine the account's mailboxes are (`ksmg`, or `{ id: ksmg, hostname: gw1.example.com }`):
     * the top level of each document describes that gateway when its headers are present (README "Which gateway
     * is the top level"). A mailbox's own `gateway` overrides it.
     */
    gateway: gatewaySchema.optional(),
    /** Mailboxes to read: paths or `{ path, startDate, gateway }`. */
    mailboxes: list(mailboxSchema, 'expected a list of one or more mailboxes').describe(ENV_LIST),
  }, message('expected a mapping'))
  .strict()
  .superRefine((account, ctx) => {
    const noValue = { noValue: true };
    const credentials = (['password', 'accessToken', 'accessTokenFile', 'oauth2'] as const).filter((key) => account[key] !== undefined);
    if (credentials.length > 1) {
      ctx.addIssue({ code: 'custom', path: [credentials[1]!], message: `expected one of password, accessToken, accessTokenFile or oauth2, got ${credentials.join(' and ')}`, params: noValue });
    }
    if (credentials.length === 0) {
      ctx.addIssue({ code: 'custom', path: [], message: 'expected password (or passwordFile), accessToken, accessTokenFile or oauth2, got none', params: noValue });
    }
    if (account.tls === 'none' && !account.allowInsecure && !isLoopback(account.host)) {
      ctx.addIssue({ code: 'custom', path: ['tls'], message: `expected "implicit" or "starttls": "none" sends the credentials in cleartext to ${account.host}; set allowInsecure: true to accept that`, params: noValue });
    }
    const { action, moveTo } = account.afterCommit;
    if (action === 'move' && moveTo === undefined) {
      ctx.addIssue({ code: 'custom', path: ['afterCommit', 'moveTo'], message: 'expected a mailbox path because action is "move"', params: noValue });
    }
    if (action !== 'move' && moveTo !== undefined) {
      ctx.addIssue({ code: 'custom', path: ['afterCommit', 'moveTo'], message: `expected no moveTo: it is used only with action "move" (action is "${action}")`, params: noValue });
    }
    const seen = new Set<string>();
    account.mailboxes.forEach((mailbox, index) => {
      if (seen.has(mailbox.path)) {
        ctx.addIssue({ code: 'custom', path: ['mailboxes', index, 'path'], message: `expected each mailbox once, "${mailbox.path}" is listed twice`, params: noValue });
      }
      seen.add(mailbox.path);
    });
    if (action === 'move' && moveTo !== undefined && seen.has(moveTo)) {
      ctx.addIssue({ code: 'custom', path: ['afterCommit', 'moveTo'], message: `expected a mailbox that is not read by this account ("${moveTo}" is in mailboxes)`, params: noValue });
    }
  })
  .transform((account) => ({
    ...account,
    // Resolved here so the collector needs only the mailbox: its own date, else the account's.
    mailboxes: account.mailboxes.map((mailbox) => {
      const startDate = mailbox.startDate ?? account.startDate;
      const gateway = mailbox.gateway ?? account.gateway;
      return {
        path: mailbox.path,
        ...(startDate === undefined ? {} : { startDate }),
        ...(gateway === undefined ? {} : { gateway }),
      };
    }),
  }));

const httpSchema = z
  .object({
    /** Address the /metrics and /health endpoint listens on. @default "127.0.0.1" */
    host: text('expected a host name or address').default('127.0.0.1'),
    /** Its port; 0 picks a free one. @default 9464 */
    port: integer(0, 65535).default(9464),
  }, message('expected a mapping'))
  .strict();

const kibanaSchema = z
  .object({
    /** Kibana base URL for `mailverdict setup --kibana` (saved objects, alerting rules) and `config check`. */
    url: urlWithScheme(['http', 'https']),
    /** Kibana/Elasticsearch API key (encoded form); or username + password. */
    apiKey: text().optional(),
    username: text().optional(),
    password: text().optional(),
    /** Kibana space to import into; the default space when absent. */
    space: text().optional(),
    /**
     * Connector the Kibana alerting rules (`setup --kibana-rules`) notify: `id` of an existing connector and the
     * action `params` it takes (default `{ message }`). Absent: setup creates a server-log connector.
     */
    ruleConnector: z.object({
      id: text(),
      params: z.record(z.unknown()).optional(),
    }, message('expected a mapping with id (and params)')).strict().optional(),
  }, message('expected a mapping'))
  .strict();

const parseSchema = z
  .object({
    /**
     * A message date (Received, Date:, INTERNALDATE) more than this many hours after the message was read is
     * not believed: the next source is used, then the time it was read, with a warning. Bounds the monthly
     * indices hostile dates could open. @default 48
     */
    maxFutureSkewHours: integer(0, 87_600).default(48),
  }, message('expected a mapping'))
  .strict();

const logSchema = z
  .object({
    /** pino log level. @default "info" */
    level: oneOf(LOG_LEVELS).default('info'),
    /** json: one JSON object per line (for log shippers); pretty: readable lines; auto: pretty on a terminal, json otherwise. @default "auto" */
    format: oneOf(['auto', 'json', 'pretty'] as const).default('auto'),
  }, message('expected a mapping'))
  .strict();

export const configSchema = z
  .object({
    /** Redis for the BullMQ queue, watermarks and mailbox locks: one server (url), a Redis Cluster or Sentinel. */
    redis: redisSchema,
    /** Elasticsearch the documents are indexed into. */
    elasticsearch: elasticsearchSchema,
    /** The queue between collectors and workers. */
    queue: queueSchema.default({}),
    /** Worker processes. */
    worker: workerSchema.default({}),
    /** The syslog receiver of `mailverdict listen` (gateway logs). */
    listen: listenSchema.default({}),
    /**
     * The organisation's own mail domains (subdomains included), for `email.direction`: inbound, outbound or
     * internal. Without them every document says `unknown`.
     */
    internalDomains: z
      .array(text('expected a domain name').regex(/^[A-Za-z0-9_.-]{1,253}$/, 'expected a domain name'), message('expected a list of domain names'))
      .default([])
      .describe(ENV_LIST),
    /**
     * IMAP accounts to collect from. Only the roles that read IMAP (`collect`, `run`, `demo`, and the IMAP
     * lines of `config check`) need one; `work`, `alert`, `setup`, `status` and `replay` run without.
     * @default []
     */
    accounts: z
      .array(accountSchema, message('expected a list of accounts'))
      .default([])
      .superRefine((accounts, ctx) => {
        const ids = new Set<string>();
        accounts.forEach((account, index) => {
          if (ids.has(account.id)) {
            ctx.addIssue({ code: 'custom', path: [index, 'id'], message: `expected a unique id, "${account.id}" is used twice`, params: { noValue: true } });
          }
          ids.add(account.id);
        });
      }),
    /** The metrics and health HTTP endpoint every process serves. */
    http: httpSchema.default({}),
    /** Parsing messages into documents. */
    parse: parseSchema.default({}),
    /** Logging. */
    log: logSchema.default({}),
    /** Spike and silent-collector alerting (src/alerts/alert-config.ts); the defaults ship sensible rules. */
    alerts: alertConfigSchema.default({}),
    /** Kibana, when dashboards and rules should be installed there. */
    kibana: kibanaSchema.optional(),
  }, message('expected a mapping'))
  .strict();

/** The validated configuration, with every default filled in. */
export type Config = z.output<typeof configSchema>;
/** What a config file (after `*File` secrets and env overrides are applied) may contain. */
export type ConfigInput = z.input<typeof configSchema>;
export type AccountConfig = Config['accounts'][number];
export type MailboxConfig = AccountConfig['mailboxes'][number];
export type RedisConfig = Config['redis'];
export type ElasticsearchConfig = Config['elasticsearch'];
export type OAuth2Config = z.output<typeof oauth2Schema>;
export type QueueConfig = Config['queue'];
export type ListenConfig = Config['listen'];
