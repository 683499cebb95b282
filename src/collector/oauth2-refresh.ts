// The OAuth2 refresh-token grant (RFC 6749 §6) as Microsoft 365 and Google implement it: a form POST to
// the token endpoint, answered with a JSON access token, its lifetime and sometimes a new refresh token
// (Microsoft rotates them). Errors carry the endpoint's `error` code and description, never a token.

export interface OAuth2Settings {
  tokenUrl: string;
  clientId: string;
  clientSecret?: string | undefined;
  refreshToken: string;
  scope?: string | undefined;
}

export interface RefreshedToken {
  accessToken: string;
  /** When the provider says the token stops working (ms since epoch); undefined when it did not say. */
  expiresAt: number | undefined;
  /** A rotated refresh token to use from now on, when the provider sent one. */
  refreshToken: string | undefined;
}

export class OAuth2Error extends Error {
  override readonly name = 'OAuth2Error';
  constructor(message: string, readonly code: string) {
    super(message);
  }
}

/** Token responses are small; a big one is not a token endpoint. */
const MAX_RESPONSE_BYTES = 256 * 1024;

export async function refreshAccessToken(settings: OAuth2Settings, options: { timeoutMs?: number; now?: () => number } = {}): Promise<RefreshedToken> {
  const body = new URLSearchParams({ grant_type: 'refresh_token', refresh_token: settings.refreshToken, client_id: settings.clientId });
  if (settings.clientSecret !== undefined) body.set('client_secret', settings.clientSecret);
  if (settings.scope !== undefined) body.set('scope', settings.scope);
  const where = new URL(settings.tokenUrl).origin;
  let response: Response;
  try {
    response = await fetch(settings.tokenUrl, {
      method: 'POST',
      headers: { 'content-type': 'application/x-www-form-urlencoded', accept: 'application/json' },
      body,
      signal: AbortSignal.timeout(options.timeoutMs ?? 30_000),
    });
  } catch (err) {
    const cause = (err as { cause?: { code?: unknown } }).cause?.code;
    const why = typeof cause === 'string' ? cause : (err as Error).name === 'TimeoutError' ? 'timed out' : (err as Error).message;
    throw new OAuth2Error(`OAuth2 token endpoint ${where} unreachable: ${why}`, 'oauth2_unreachable');
  }
  const text = await readLimited(response);
  let json: Record<string, unknown> = {};
  try {
    const parsed: unknown = JSON.parse(text);
    if (parsed !== null && typeof parsed === 'object' && !Array.isArray(parsed)) json = parsed as Record<string, unknown>;
  } catch { /* not JSON: reported below */ }
  if (!response.ok) {
    const code = typeof json['error'] === 'string' ? json['error'] : `http_${response.status}`;
    const description = typeof json['error_description'] === 'string' ? `: ${json['error_description'].split('\n')[0]!.slice(0, 200)}` : '';
    throw new OAuth2Error(`OAuth2 token endpoint ${where} refused the refresh token (${code}${description})`, 'oauth2_refused');
  }
  const accessToken = json['access_token'];
  if (typeof accessToken !== 'string' || accessToken === '') {
    throw new OAuth2Error(`OAuth2 token endpoint ${where} answered without an access_token`, 'oauth2_bad_response');
  }
  const now = (options.now ?? Date.now)();
  const expiresIn = Number(json['expires_in']);
  const refreshToken = json['refresh_token'];
  return {
    accessToken,
    expiresAt: Number.isFinite(expiresIn) && expiresIn > 0 ? now + expiresIn * 1000 : undefined,
    refreshToken: typeof refreshToken === 'string' && refreshToken !== '' ? refreshToken : undefined,
  };
}

async function readLimited(response: Response): Promise<string> {
  const reader = response.body?.getReader();
  if (reader === undefined) return '';
  const chunks: Uint8Array[] = [];
  let size = 0;
  for (;;) {
    const { done, value } = await reader.read();
    if (done) break;
    size += value.byteLength;
    if (size > MAX_RESPONSE_BYTES) {
      await reader.cancel().catch(() => undefined);
      break;
    }
    chunks.push(value);
  }
  return Buffer.concat(chunks).toString('utf8');
}
