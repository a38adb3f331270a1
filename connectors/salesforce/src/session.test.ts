import { Writable } from 'node:stream';
import nock from 'nock';
import pino from 'pino';
import { afterEach, beforeAll, describe, expect, it } from 'vitest';
import { API, account, BASE, config, ctx, fast, LOGIN, queryPage, sfError } from '../test/fixtures.ts';
import { createSalesforceConnector } from './connector.ts';

beforeAll(() => nock.disableNetConnect());
afterEach(() => {
  nock.cleanAll();
});

const expired = () => [401, sfError('INVALID_SESSION_ID', 'Session expired or invalid')] as const;
const token = (accessToken: string) => ({
  access_token: accessToken,
  instance_url: BASE,
  id: `${LOGIN}/id/00D000000000001AAA/005000000000001AAA`,
  token_type: 'Bearer',
  issued_at: '1767225600000',
  signature: 'sig',
});
const refreshing = { ...config, accessToken: 'stale', refreshToken: 'rt-1', clientId: 'cid', clientSecret: 'cs' };

async function readAll(connector: ReturnType<typeof createSalesforceConnector>) {
  const ids: string[] = [];
  for await (const page of connector.readAccounts({ since: null })) ids.push(...page.records.map((r) => r.id));
  return ids;
}

describe('session: refresh on 401 and replay once', () => {
  it('refreshes an expired token with the refresh-token grant and replays the call with the new token', async () => {
    const login = nock(LOGIN)
      .post(
        '/services/oauth2/token',
        (body) =>
          body.grant_type === 'refresh_token' &&
          body.refresh_token === 'rt-1' &&
          body.client_id === 'cid' &&
          body.client_secret === 'cs',
      )
      .reply(200, token('fresh'));
    nock(BASE)
      .get(`${API}/query`)
      .query(true)
      .matchHeader('authorization', 'Bearer stale')
      .reply(...expired())
      .get(`${API}/query`)
      .query(true)
      .matchHeader('authorization', 'Bearer fresh')
      .reply(200, queryPage([account(1)], '01gR-1'))
      .get(`${API}/query/01gR-1`)
      .matchHeader('authorization', 'Bearer fresh')
      .reply(200, queryPage([account(2)]));
    const connector = createSalesforceConnector(refreshing, ctx, fast);
    expect(await readAll(connector)).toHaveLength(2);
    expect(login.isDone()).toBe(true);
    // The refused call, its replay, and the second page; no retry was needed.
    expect(connector.stats()).toEqual({ calls: 3, retries: 0, throttled: 0 });
  });

  it('stops with an auth error when the refresh token is refused, without putting any token in the message', async () => {
    nock(LOGIN)
      .post('/services/oauth2/token')
      .reply(400, { error: 'invalid_grant', error_description: 'expired access/refresh token' });
    nock(BASE)
      .get(`${API}/query`)
      .query(true)
      .reply(...expired());
    const error = await readAll(createSalesforceConnector(refreshing, ctx, fast)).catch((e: unknown) => e);
    expect(error).toMatchObject({ kind: 'auth', code: 'SALESFORCE_REFRESH_FAILED' });
    expect((error as Error).message).toContain('expired access/refresh token');
    expect((error as Error).message).not.toMatch(/rt-1|stale|cs\b/);
  });

  it('replays only once: a new token that is refused too is an auth error, not a refresh loop', async () => {
    const login = nock(LOGIN).post('/services/oauth2/token').once().reply(200, token('fresh'));
    nock(BASE)
      .get(`${API}/query`)
      .query(true)
      .times(2)
      .reply(...expired());
    const connector = createSalesforceConnector(refreshing, ctx, fast);
    await expect(readAll(connector)).rejects.toMatchObject({ kind: 'auth', code: 'INVALID_SESSION_ID' });
    expect(login.isDone()).toBe(true);
    expect(connector.stats().calls).toBe(2);
  });

  it('with only an access token, a 401 is an auth error at once', async () => {
    nock(BASE)
      .get(`${API}/query`)
      .query(true)
      .reply(...expired());
    const connector = createSalesforceConnector(config, ctx, fast);
    await expect(readAll(connector)).rejects.toMatchObject({
      kind: 'auth',
      message: expect.stringContaining('no refreshToken or client credentials'),
    });
    expect(connector.stats()).toMatchObject({ calls: 1, retries: 0 });
  });

  it('gets a token by the client-credentials grant when only clientId and clientSecret are configured', async () => {
    nock(LOGIN)
      .post(
        '/services/oauth2/token',
        (body) => body.grant_type === 'client_credentials' && body.client_id === 'cid' && body.client_secret === 'cs',
      )
      .reply(200, token('cc-token'));
    nock(BASE)
      .get(`${API}/query`)
      .query(true)
      .matchHeader('authorization', 'Bearer cc-token')
      .reply(200, queryPage([account(1)]));
    const connector = createSalesforceConnector(
      { ...config, accessToken: undefined, clientId: 'cid', clientSecret: 'cs' },
      ctx,
      fast,
    );
    expect(await readAll(connector)).toHaveLength(1);
    expect(connector.stats().calls).toBe(1);
  });

  it('never writes a token to the log, even at debug level', async () => {
    const lines: string[] = [];
    const sink = new Writable({
      write(chunk, _enc, done) {
        lines.push(String(chunk));
        done();
      },
    });
    nock(LOGIN).post('/services/oauth2/token').reply(200, token('secret-fresh'));
    nock(BASE)
      .get(`${API}/query`)
      .query(true)
      .reply(...expired())
      .get(`${API}/query`)
      .query(true)
      .reply(200, queryPage([account(1), { Id: 'bad' }]));
    const logger = pino({ level: 'debug' }, sink);
    await readAll(createSalesforceConnector(refreshing, { ...ctx, logger }, fast));
    expect(lines.length).toBeGreaterThan(0);
    expect(lines.join('')).not.toMatch(/secret-fresh|stale|rt-1/);
  });
});
