import { afterEach, describe, expect, it } from 'vitest';
import { type RunningSalesforce, startSalesforce, testSeed } from '../test/emulator.ts';

const QUERY = `/services/data/v62.0/query?q=${encodeURIComponent('SELECT Id FROM User')}`;

describe('Salesforce auth, token endpoint and the daily API allocation', () => {
  let sf: RunningSalesforce;
  afterEach(() => sf.close());

  it('answers 401 INVALID_SESSION_ID in Salesforce’s array shape for missing or expired tokens', async () => {
    sf = await startSalesforce(testSeed(5));
    for (const headers of [{}, { Authorization: 'Bearer expired-123' }, { Authorization: 'OAuth invalid' }]) {
      const res = await fetch(sf.url + QUERY, { headers });
      expect(res.status).toBe(401);
      expect(await res.json()).toEqual([{ message: 'Session expired or invalid', errorCode: 'INVALID_SESSION_ID' }]);
    }
    expect((await fetch(sf.url + QUERY, { headers: { Authorization: 'OAuth any-token' } })).status).toBe(200);
  });

  it('lets jsforce refresh an expired token through /services/oauth2/token and replay the call', async () => {
    sf = await startSalesforce(testSeed(5));
    const conn = sf.connect({
      accessToken: 'expired-token',
      refreshToken: 'refresh-1',
      oauth2: { clientId: 'client', clientSecret: 'secret', loginUrl: sf.url },
    });
    const refreshed: string[] = [];
    conn.on('refresh', (token: string) => refreshed.push(token));
    const result = await conn.query('SELECT Id FROM User');
    expect(result.totalSize).toBe(3);
    expect(refreshed).toHaveLength(1);
    expect(conn.accessToken).toBe(refreshed[0]);
    expect(conn.instanceUrl).toBe(sf.url);
    expect(sf.server.stats().requests['POST /services/oauth2/token']).toBe(1);
  });

  it('refuses a bad refresh token with invalid_grant, and issues tokens for client_credentials', async () => {
    sf = await startSalesforce(testSeed(5));
    const conn = sf.connect({
      accessToken: 'expired-token',
      refreshToken: 'bad',
      oauth2: { clientId: 'client', clientSecret: 'secret', loginUrl: sf.url },
    });
    await expect(conn.query('SELECT Id FROM User')).rejects.toThrow(
      'Unable to refresh session due to: expired access/refresh token',
    );
    const form = (fields: Record<string, string>) => ({
      method: 'POST',
      headers: { 'content-type': 'application/x-www-form-urlencoded' },
      body: new URLSearchParams(fields).toString(),
    });
    const bad = await fetch(
      `${sf.url}/services/oauth2/token`,
      form({ grant_type: 'refresh_token', refresh_token: 'bad', client_id: 'c' }),
    );
    expect(bad.status).toBe(400);
    expect(await bad.json()).toEqual({ error: 'invalid_grant', error_description: 'expired access/refresh token' });

    const res = await fetch(`${sf.url}/services/oauth2/token`, {
      method: 'POST',
      headers: { 'content-type': 'application/x-www-form-urlencoded' },
      body: new URLSearchParams({ grant_type: 'client_credentials', client_id: 'c', client_secret: 's' }).toString(),
    });
    expect(res.status).toBe(200);
    const token = (await res.json()) as Record<string, string>;
    expect(token).toMatchObject({ instance_url: sf.url, token_type: 'Bearer' });
    expect(token.id).toMatch(new RegExp(`^${sf.url}/id/00D[A-Za-z0-9]{15}/005[A-Za-z0-9]{15}$`));
    expect(token.issued_at).toMatch(/^\d+$/);
    expect(token.access_token).toBeTruthy();
    expect(token.signature).toBeTruthy();
  });

  it('counts every call in Sforce-Limit-Info and refuses with 403 REQUEST_LIMIT_EXCEEDED once the day is spent', async () => {
    sf = await startSalesforce(testSeed(5, { dailyApiRequests: 3 }));
    const conn = sf.connect();
    await conn.query('SELECT Id FROM User');
    expect(conn.limitInfo.apiUsage).toEqual({ used: 1, limit: 3 });
    const headers = { Authorization: 'Bearer t' };
    const second = await fetch(sf.url + QUERY, { headers });
    expect(second.headers.get('sforce-limit-info')).toBe('api-usage=2/3');
    const limits = (await (await fetch(`${sf.url}/services/data/v62.0/limits`, { headers })).json()) as {
      DailyApiRequests: { Max: number; Remaining: number };
    };
    expect(limits.DailyApiRequests).toEqual({ Max: 3, Remaining: 0 });

    const refused = await fetch(sf.url + QUERY, { headers });
    expect(refused.status).toBe(403);
    expect(await refused.json()).toEqual([
      { message: 'TotalRequests Limit exceeded.', errorCode: 'REQUEST_LIMIT_EXCEEDED' },
    ]);
    await expect(conn.query('SELECT Id FROM User')).rejects.toMatchObject({ errorCode: 'REQUEST_LIMIT_EXCEEDED' });

    // A day later the allocation is back.
    sf.clock.ms = 86_400_000;
    expect((await fetch(sf.url + QUERY, { headers })).status).toBe(200);
  });

  it('answers unknown routes and unsupported versions with NOT_FOUND; lists versions without auth', async () => {
    sf = await startSalesforce(testSeed(5));
    const headers = { Authorization: 'Bearer t' };
    for (const path of [
      '/services/data/v62.0/nothing/here',
      '/services/data/v99.0/limits',
      '/services/data/v62.0/sobjects/Lead/describe',
    ]) {
      const res = await fetch(sf.url + path, { headers });
      expect(res.status).toBe(404);
      expect(await res.json()).toEqual([{ errorCode: 'NOT_FOUND', message: 'The requested resource does not exist' }]);
    }
    const versions = (await (await fetch(`${sf.url}/services/data/`)).json()) as { version: string; url: string }[];
    expect(versions.at(-1)).toEqual({ label: "Winter '25", url: '/services/data/v62.0', version: '62.0' });
  });
});
