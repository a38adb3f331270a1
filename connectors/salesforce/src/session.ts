import { SpocError } from '@spoc/core/connector';
import { type Connection, OAuth2, type TokenResponse } from 'jsforce';
import { toSpocError } from './errors.ts';
import type { SalesforceSettings } from './settings.ts';

/**
 * The connection's access token: the configured one, else one fetched on first use; a new
 * one after a 401. Refresh-token grant (jsforce's OAuth2.refreshToken) when a refreshToken
 * is configured, else the client-credentials grant when clientId + clientSecret are. Our own
 * code does this instead of jsforce's refresh delegate because the delegate refreshes and
 * replays without end while the org keeps answering 401; here a call is replayed once.
 * Tokens are never logged nor put in messages.
 */
export class Session {
  private readonly conn: Connection;
  private readonly config: SalesforceSettings;
  private readonly timeoutMs: number;
  private pending: Promise<void> | undefined;
  /** Bumped on every new token, so concurrent 401s of one stale token refresh once. */
  private generation = 0;

  constructor(conn: Connection, config: SalesforceSettings, timeoutMs: number) {
    this.conn = conn;
    this.config = config;
    this.timeoutMs = timeoutMs;
  }

  /** How the connector can get a new token, if at all. */
  get grant(): 'refresh_token' | 'client_credentials' | null {
    const { refreshToken, clientId, clientSecret } = this.config;
    if (refreshToken && clientId) return 'refresh_token';
    if (clientId && clientSecret) return 'client_credentials';
    return null;
  }

  /** Token generation a call was sent with; pass it back to `renew` after its 401. */
  get current(): number {
    return this.generation;
  }

  /** Makes sure there is a token to send (client credentials with no configured token: fetch one). */
  async ready(): Promise<void> {
    if (this.conn.accessToken) return;
    if (!this.grant) {
      throw new SpocError(
        'config',
        'SALESFORCE_NO_CREDENTIALS',
        'systems.salesforce needs an accessToken, a refreshToken with clientId, or clientId with clientSecret',
        { system: 'salesforce' },
      );
    }
    await this.renew(this.generation);
  }

  /**
   * A new token after the one of generation `staleGeneration` was refused. When another call
   * already renewed it, returns at once. Refusals and failures are `auth` errors.
   */
  async renew(staleGeneration: number): Promise<void> {
    if (this.generation !== staleGeneration) return;
    this.pending ??= this.fetchToken().finally(() => {
      this.pending = undefined;
    });
    await this.pending;
  }

  private async fetchToken(): Promise<void> {
    const grant = this.grant;
    if (!grant) {
      throw new SpocError(
        'auth',
        'INVALID_SESSION_ID',
        'Salesforce refused the access token (systems.salesforce.accessToken) and no refreshToken or client credentials are configured to get a new one',
        { system: 'salesforce' },
      );
    }
    const oauth2 = new OAuth2({
      clientId: this.config.clientId ?? '',
      loginUrl: this.config.loginUrl,
      ...(this.config.clientSecret ? { clientSecret: this.config.clientSecret } : {}),
    });
    let token: TokenResponse;
    try {
      token = await withTimeout(
        grant === 'refresh_token'
          ? oauth2.refreshToken(this.config.refreshToken ?? '')
          : oauth2.requestToken({ grant_type: 'client_credentials' }),
        this.timeoutMs,
      );
    } catch (error) {
      const e = toSpocError(error);
      // A token endpoint that is down or slow is worth retrying; anything else means the credentials.
      if (e.kind === 'transient') throw e;
      throw new SpocError(
        'auth',
        'SALESFORCE_REFRESH_FAILED',
        `Salesforce did not issue a new access token (${grant} grant at ${this.config.loginUrl}): ${e.message}`,
        { system: 'salesforce', cause: error },
      );
    }
    this.conn.accessToken = token.access_token;
    if (token.instance_url) this.conn.instanceUrl = token.instance_url;
    this.generation++;
  }
}

function withTimeout<T>(promise: Promise<T>, ms: number): Promise<T> {
  let timer: ReturnType<typeof setTimeout> | undefined;
  const timeout = new Promise<never>((_, reject) => {
    timer = setTimeout(() => reject(Object.assign(new Error('Request Timeout'), { name: 'TimeoutError' })), ms);
  });
  return Promise.race([promise, timeout]).finally(() => clearTimeout(timer));
}
