// A small OAuth2 provider (token endpoint with the refresh-token grant, and RFC 7662 introspection) and a
// private Dovecot whose oauth2 passdb validates XOAUTH2 tokens against it: the pair stands in for Microsoft
// 365 / Gmail in the tests. The Dovecot has its own config, ports and mail under a temp dir (the shared one
// is never touched); PLAIN logins with a password stay possible for putting mail in.
import { execFileSync, spawnSync } from 'node:child_process';
import { randomBytes } from 'node:crypto';
import { chmodSync, chownSync, closeSync, mkdirSync, openSync, mkdtempSync, readFileSync, rmSync, writeFileSync } from 'node:fs';
import { createServer, type IncomingMessage, type Server, type ServerResponse } from 'node:http';
import { connect } from 'node:net';
import { tmpdir } from 'node:os';
import { join } from 'node:path';

export interface IssuedToken {
  value: string;
  issuedAt: number;
  /** The server stops accepting it after this (ms since epoch), whatever expires_in said. */
  validUntil: number;
  revoked: boolean;
}

export interface TokenServerOptions {
  clientId: string;
  clientSecret: string;
  refreshToken: string;
  user: string;
  /** How long a token really works, in ms. */
  lifeMs: number;
  /** What the token response says (seconds). */
  expiresIn: number;
  /** Hand out a new refresh token with every access token and stop accepting the old one (as Microsoft may). */
  rotateRefreshToken: boolean;
}

export class TokenServer {
  readonly tokens: IssuedToken[] = [];
  readonly refreshGrants: { ok: boolean; error?: string }[] = [];
  readonly introspections: { token: string; active: boolean }[] = [];
  private refreshToken: string;

  private constructor(private readonly server: Server, readonly port: number, private readonly options: TokenServerOptions) {
    this.refreshToken = options.refreshToken;
  }

  static async start(options: TokenServerOptions): Promise<TokenServer> {
    let self: TokenServer | undefined;
    const server = createServer((req, res) => { void self?.handle(req, res); });
    await new Promise<void>((resolve) => server.listen(0, '127.0.0.1', () => resolve()));
    const address = server.address();
    const port = typeof address === 'object' && address !== null ? address.port : 0;
    self = new TokenServer(server, port, options);
    return self;
  }

  get tokenUrl(): string {
    return `http://127.0.0.1:${this.port}/token`;
  }

  get introspectionUrl(): string {
    return `http://127.0.0.1:${this.port}/introspect`;
  }

  /** A token as if obtained elsewhere (a sidecar writing the token file). */
  mint(lifeMs = this.options.lifeMs): IssuedToken {
    const token: IssuedToken = { value: `at-${this.tokens.length + 1}-${randomBytes(12).toString('hex')}`, issuedAt: Date.now(), validUntil: Date.now() + lifeMs, revoked: false };
    this.tokens.push(token);
    return token;
  }

  revoke(value: string): void {
    for (const t of this.tokens) if (t.value === value) t.revoked = true;
  }

  isActive(value: string): boolean {
    const t = this.tokens.find((x) => x.value === value);
    return t !== undefined && !t.revoked && Date.now() < t.validUntil;
  }

  private async handle(req: IncomingMessage, res: ServerResponse): Promise<void> {
    const chunks: Buffer[] = [];
    for await (const c of req) chunks.push(c as Buffer);
    const form = new URLSearchParams(Buffer.concat(chunks).toString('utf8'));
    const url = new URL(req.url ?? '/', 'http://localhost');
    const json = (status: number, body: unknown): void => {
      res.writeHead(status, { 'content-type': 'application/json' }).end(JSON.stringify(body));
    };
    if (url.pathname === '/token' && req.method === 'POST') {
      const o = this.options;
      if (form.get('grant_type') !== 'refresh_token') return json(400, { error: 'unsupported_grant_type' });
      if (form.get('client_id') !== o.clientId || form.get('client_secret') !== o.clientSecret) {
        this.refreshGrants.push({ ok: false, error: 'invalid_client' });
        return json(401, { error: 'invalid_client', error_description: 'client authentication failed' });
      }
      if (form.get('refresh_token') !== this.refreshToken) {
        this.refreshGrants.push({ ok: false, error: 'invalid_grant' });
        return json(400, { error: 'invalid_grant', error_description: 'AADSTS70000: the refresh token is invalid or was already used' });
      }
      const token = this.mint();
      const body: Record<string, unknown> = { token_type: 'Bearer', access_token: token.value, expires_in: o.expiresIn, scope: form.get('scope') ?? '' };
      if (o.rotateRefreshToken) {
        this.refreshToken = `rt-${randomBytes(12).toString('hex')}`;
        body['refresh_token'] = this.refreshToken;
      }
      this.refreshGrants.push({ ok: true });
      return json(200, body);
    }
    if (url.pathname === '/introspect') {
      const auth = req.headers.authorization?.replace(/^Bearer\s+/i, '');
      const token = form.get('token') ?? url.searchParams.get('token') ?? auth ?? '';
      const active = this.isActive(token);
      this.introspections.push({ token, active });
      return json(200, active ? { active: true, username: this.options.user, scope: 'imap' } : { active: false });
    }
    json(404, { error: 'not_found' });
  }

  async stop(): Promise<void> {
    this.server.closeAllConnections();
    await new Promise<void>((resolve) => this.server.close(() => resolve()));
  }
}

function freePort(): Promise<number> {
  return new Promise((resolve, reject) => {
    const s = createServer();
    s.once('error', reject);
    s.listen(0, '127.0.0.1', () => {
      const a = s.address();
      const port = typeof a === 'object' && a !== null ? a.port : 0;
      s.close(() => resolve(port));
    });
  });
}

function portOpen(port: number): Promise<boolean> {
  return new Promise((resolve) => {
    const socket = connect(port, '127.0.0.1');
    socket.once('connect', () => { socket.destroy(); resolve(true); });
    socket.once('error', () => resolve(false));
  });
}

/** A private Dovecot (plain IMAP on a free port) with an oauth2 passdb and a password passdb for PLAIN. */
export class OAuth2Dovecot {
  private constructor(readonly dir: string, readonly port: number, readonly user: string, readonly password: string) {}

  static async start(options: { introspectionUrl: string; user: string }): Promise<OAuth2Dovecot> {
    if (spawnSync('dovecot', ['--version']).status !== 0) throw new Error('dovecot is not installed (scripts/services up installs it)');
    const dir = mkdtempSync(join(tmpdir(), 'mv-oauth2-dovecot-'));
    chmodSync(dir, 0o755);
    const port = await freePort();
    const password = `pw-${randomBytes(8).toString('hex')}`;
    const uid = Number(execFileSync('id', ['-u', 'dovecot'], { encoding: 'utf8' }).trim());
    const gid = Number(execFileSync('id', ['-g', 'dovecot'], { encoding: 'utf8' }).trim());
    for (const d of ['run', 'state', 'mail', `mail/${options.user}`]) mkdirSync(join(dir, d), { recursive: true });
    chownSync(join(dir, 'mail'), uid, gid);
    chownSync(join(dir, 'mail', options.user), uid, gid);
    writeFileSync(join(dir, 'users'), `${options.user}:{PLAIN}${password}:${uid}:${gid}::${join(dir, 'mail', options.user)}\n`);
    writeFileSync(join(dir, 'oauth2.conf.ext'), [
      'introspection_mode = post',
      `introspection_url = ${options.introspectionUrl}`,
      'username_attribute = username',
      'active_attribute = active',
      'active_value = true',
      'force_introspection = yes',
      '',
    ].join('\n'));
    writeFileSync(join(dir, 'dovecot.conf'), `# Private Dovecot for OAuth2 tests.
base_dir = ${dir}/run
state_dir = ${dir}/state
log_path = ${dir}/dovecot.log
protocols = imap
listen = 127.0.0.1
ssl = no
disable_plaintext_auth = no
auth_mechanisms = plain xoauth2 oauthbearer
auth_cache_size = 0
first_valid_uid = ${uid}
last_valid_uid = 0
default_internal_user = dovecot
default_login_user = dovenull
mail_location = maildir:~/Maildir
mail_fsync = never
passdb {
  driver = oauth2
  mechanisms = xoauth2 oauthbearer
  args = ${dir}/oauth2.conf.ext
}
passdb {
  driver = passwd-file
  mechanisms = plain
  args = scheme=PLAIN username_format=%u ${dir}/users
}
userdb {
  driver = passwd-file
  args = username_format=%u ${dir}/users
}
service imap-login {
  inet_listener imap {
    address = 127.0.0.1
    port = ${port}
  }
  inet_listener imaps {
    port = 0
  }
}
service pop3-login {
  inet_listener pop3 {
    port = 0
  }
}
service anvil {
  chroot =
}
service stats {
  unix_listener stats-reader {
    mode = 0666
  }
  unix_listener stats-writer {
    mode = 0666
  }
}
`);
    // Output to a file, not a pipe: the daemon keeps its stdio open, a pipe would never reach EOF.
    const out = openSync(join(dir, 'start.log'), 'w');
    const started = spawnSync('dovecot', ['-c', join(dir, 'dovecot.conf')], { stdio: ['ignore', out, out] });
    closeSync(out);
    if (started.status !== 0) throw new Error(`dovecot did not start: ${readFileSync(join(dir, 'start.log'), 'utf8').slice(-2000)}`);
    const deadline = Date.now() + 20_000;
    while (!(await portOpen(port))) {
      if (Date.now() > deadline) throw new Error(`private dovecot not listening on ${port}: ${readFileSync(join(dir, 'dovecot.log'), 'utf8').slice(-2000)}`);
      await new Promise((r) => setTimeout(r, 100));
    }
    return new OAuth2Dovecot(dir, port, options.user, password);
  }

  log(): string {
    try {
      return readFileSync(join(this.dir, 'dovecot.log'), 'utf8');
    } catch {
      return '';
    }
  }

  async stop(): Promise<void> {
    let pid: number | undefined;
    try {
      pid = Number(readFileSync(join(this.dir, 'run', 'master.pid'), 'utf8').trim());
    } catch { /* not running */ }
    if (pid !== undefined && Number.isInteger(pid) && pid > 1) {
      try {
        process.kill(pid, 'SIGTERM');
      } catch { /* gone */ }
      const deadline = Date.now() + 10_000;
      for (;;) {
        try {
          process.kill(pid, 0);
        } catch {
          break;
        }
        if (Date.now() > deadline) break;
        await new Promise((r) => setTimeout(r, 100));
      }
    }
    rmSync(this.dir, { recursive: true, force: true });
  }
}
