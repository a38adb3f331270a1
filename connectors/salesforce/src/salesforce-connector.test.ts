import type { ConnectorContext, SalesforceSystemConfig } from '@spoc/core';
import nock from 'nock';
import pino from 'pino';
import { afterEach, beforeAll, describe, expect, it } from 'vitest';
import { createSalesforceConnector } from './salesforce-connector.ts';

const BASE = 'https://acme.my.salesforce.com';
const API = '/services/data/v62.0';
const ctx: ConnectorContext = {
  logger: pino({ level: 'silent' }),
  roles: { account_owner: { field: 'OwnerId', value: 'id' } },
  xrefFields: [],
};
const config: SalesforceSystemConfig = {
  instanceUrl: BASE,
  apiVersion: '62.0',
  accessToken: 'tok',
  refreshToken: undefined,
  clientId: undefined,
  clientSecret: undefined,
  loginUrl: 'https://login.salesforce.com',
  dailyApiShare: 0.5,
};
const fast = { retry: { baseDelayMs: 1, maxDelayMs: 2 } };

const account = (n: number, stamp = '2026-01-01T00:00:00.000+0000') => ({
  attributes: { type: 'Account', url: `${API}/sobjects/Account/001${n}` },
  Id: `00100000000000${n}`,
  Name: `Customer ${n}`,
  Website: `c${n}.example`,
  OwnerId: '005000000000001AAA',
  SystemModstamp: stamp,
});

beforeAll(() => nock.disableNetConnect());
afterEach(() => nock.cleanAll());

async function drain(connector: ReturnType<typeof createSalesforceConnector>, since: string | null = null) {
  const pages = [];
  for await (const page of connector.readAccounts({ since })) pages.push(page);
  return pages;
}

describe('Salesforce connector (nock)', () => {
  it('follows nextRecordsUrl and resumes from (SystemModstamp, Id) with a tie-breaker', async () => {
    nock(BASE)
      .get(`${API}/query`)
      .query((q) => String(q.q).includes('ORDER BY SystemModstamp, Id') && !String(q.q).includes('WHERE'))
      .reply(200, {
        totalSize: 3,
        done: false,
        nextRecordsUrl: `${API}/query/01gX-2`,
        records: [account(1), account(2)],
      })
      .get(`${API}/query/01gX-2`)
      .reply(200, { totalSize: 3, done: true, records: [account(3, '2026-01-02T00:00:00.000+0000')] });
    const pages = await drain(createSalesforceConnector(config, ctx, fast));
    expect(pages.map((p) => p.records.length)).toEqual([2, 1]);
    const cursor = pages[1]?.cursor ?? '';
    expect(JSON.parse(cursor)).toEqual({ ts: '2026-01-02T00:00:00.000+0000', id: '001000000000003' });

    nock(BASE)
      .get(`${API}/query`)
      .query((q) =>
        String(q.q).includes(
          "WHERE SystemModstamp > 2026-01-02T00:00:00.000Z OR (SystemModstamp = 2026-01-02T00:00:00.000Z AND Id > '001000000000003')",
        ),
      )
      .reply(200, { totalSize: 0, done: true, records: [] });
    const idle = await drain(createSalesforceConnector(config, ctx, fast), cursor);
    expect(idle.flatMap((p) => p.records)).toEqual([]);
  });

  it('reports a malformed record without failing the page', async () => {
    nock(BASE)
      .get(`${API}/query`)
      .query(true)
      .reply(200, {
        totalSize: 2,
        done: true,
        records: [account(1), { attributes: {}, Id: '001000000000009', SystemModstamp: 42 }],
      });
    const [page] = await drain(createSalesforceConnector(config, ctx, fast));
    expect(page?.records.map((r) => r.id)).toEqual(['001000000000001']);
    expect(page?.rejected).toEqual([{ id: '001000000000009', reason: expect.stringContaining('SystemModstamp') }]);
  });

  it('retries a composite PATCH after a 503 (jsforce never would) and maps per-record errors', async () => {
    nock(BASE)
      .patch(`${API}/composite/sobjects`)
      .reply(503, [{ errorCode: 'SERVER_UNAVAILABLE', message: 'try later' }])
      .patch(`${API}/composite/sobjects`, (body) => body.allOrNone === false && body.records.length === 2)
      .reply(200, [
        { id: '001000000000001', success: true, errors: [] },
        {
          success: false,
          errors: [
            { statusCode: 'INACTIVE_OWNER_OR_USER', message: 'operation performed with inactive user', fields: [] },
          ],
        },
      ]);
    const connector = createSalesforceConnector(config, ctx, fast);
    const results = await connector.writeAssignments([
      { recordId: '001000000000001', role: 'account_owner', to: { id: '005A', email: 'a@x' } },
      { recordId: '001000000000002', role: 'account_owner', to: { id: '005B', email: 'b@x' } },
    ]);
    expect(results).toEqual([
      { recordId: '001000000000001', role: 'account_owner', ok: true },
      {
        recordId: '001000000000002',
        role: 'account_owner',
        ok: false,
        error: { code: 'INACTIVE_OWNER_OR_USER', kind: 'record', message: 'operation performed with inactive user' },
      },
    ]);
    expect(connector.stats()).toMatchObject({ calls: 2, retries: 1 });
  });

  it('refreshes an expired session once and replays the call', async () => {
    nock('https://login.salesforce.com')
      .post('/services/oauth2/token', (body) => body.grant_type === 'refresh_token' && body.refresh_token === 'rt')
      .reply(200, { access_token: 'fresh', instance_url: BASE, id: 'x', token_type: 'Bearer', issued_at: '1' });
    nock(BASE)
      .get(`${API}/query`)
      .query(true)
      .matchHeader('authorization', 'Bearer stale')
      .reply(401, [{ message: 'Session expired or invalid', errorCode: 'INVALID_SESSION_ID' }])
      .get(`${API}/query`)
      .query(true)
      .matchHeader('authorization', 'Bearer fresh')
      .reply(200, { totalSize: 1, done: true, records: [account(1)] });
    const refreshing = { ...config, accessToken: 'stale', refreshToken: 'rt', clientId: 'cid', clientSecret: 'cs' };
    const pages = await drain(createSalesforceConnector(refreshing, ctx, fast));
    expect(pages[0]?.records).toHaveLength(1);
  });

  it('stops with a clear message at the daily limit and before passing its share of the allocation', async () => {
    nock(BASE)
      .get(`${API}/query`)
      .query(true)
      .reply(403, [{ message: 'TotalRequests Limit exceeded.', errorCode: 'REQUEST_LIMIT_EXCEEDED' }]);
    await expect(drain(createSalesforceConnector(config, ctx, fast))).rejects.toMatchObject({
      kind: 'vendor',
      code: 'SALESFORCE_DAILY_LIMIT',
    });

    nock(BASE)
      .get(`${API}/query`)
      .query(true)
      .reply(
        200,
        { totalSize: 2, done: false, nextRecordsUrl: `${API}/query/01gY-1`, records: [account(1)] },
        {
          'Sforce-Limit-Info': 'api-usage=2600/5000',
        },
      );
    const pages: unknown[] = [];
    const run = async () => {
      for await (const page of createSalesforceConnector(config, ctx, fast).readAccounts({ since: null }))
        pages.push(page);
    };
    await expect(run()).rejects.toMatchObject({
      kind: 'vendor',
      code: 'SALESFORCE_API_SHARE',
      message: expect.stringContaining('2600/5000'),
    });
    expect(pages).toHaveLength(1);
  });
});
