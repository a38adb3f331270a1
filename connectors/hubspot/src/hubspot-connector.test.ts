import type { ConnectorContext, HubspotSystemConfig } from '@spoc/core';
import nock from 'nock';
import pino from 'pino';
import { afterEach, beforeAll, describe, expect, it } from 'vitest';
import { createHubspotConnector } from './hubspot-connector.ts';

const BASE = 'https://api.hubapi.com';
const ctx: ConnectorContext = {
  logger: pino({ level: 'silent' }),
  roles: { account_owner: { field: 'hubspot_owner_id', value: 'id' } },
  xrefFields: [],
};
const config: HubspotSystemConfig = {
  accessToken: 'pat',
  baseUrl: undefined,
  rateLimit: { perTenSeconds: 190, searchPerSecond: 5 },
};
const fast = { retry: { baseDelayMs: 1, maxDelayMs: 2 } };
const company = (id: string) => ({
  id,
  properties: {
    name: `C${id}`,
    domain: `c${id}.example`,
    hubspot_owner_id: '7',
    hs_lastmodifieddate: '2026-01-01T00:00:00.000Z',
  },
  createdAt: '2026-01-01T00:00:00.000Z',
  updatedAt: '2026-01-01T00:00:00.000Z',
  archived: false,
});

beforeAll(() => nock.disableNetConnect());
afterEach(() => nock.cleanAll());

async function readFull(connector = createHubspotConnector(config, ctx, fast)) {
  const ids: string[] = [];
  for await (const page of connector.readAccounts({ since: null })) ids.push(...page.records.map((r) => r.id));
  return { ids, connector };
}

describe('HubSpot connector (nock)', () => {
  it('asks only for the properties it needs and retries a TEN_SECONDLY_ROLLING 429', async () => {
    nock(BASE)
      .get('/crm/v3/objects/companies')
      .query((q) => q.limit === '100' && String(q.properties) === 'name,domain,hs_lastmodifieddate,hubspot_owner_id')
      .reply(
        429,
        {
          status: 'error',
          message: 'You have reached your ten_secondly_rolling limit.',
          errorType: 'RATE_LIMIT',
          policyName: 'TEN_SECONDLY_ROLLING',
        },
        { 'Retry-After': '0' },
      )
      .get('/crm/v3/objects/companies')
      .query(true)
      .reply(
        200,
        { results: [company('1'), company('2')], paging: { next: { after: '2' } } },
        { 'X-HubSpot-RateLimit-Remaining': '150', 'X-HubSpot-RateLimit-Interval-Milliseconds': '10000' },
      )
      .get('/crm/v3/objects/companies')
      .query((q) => q.after === '2')
      .reply(200, { results: [company('3')] });
    const { ids, connector } = await readFull();
    expect(ids).toEqual(['1', '2', '3']);
    expect(connector.stats()).toMatchObject({ calls: 3, retries: 1, throttled: 1 });
  });

  it('stops cleanly at the daily limit with a message, without retrying', async () => {
    nock(BASE).get('/crm/v3/objects/companies').query(true).reply(429, {
      status: 'error',
      message: 'You have reached your daily limit.',
      errorType: 'RATE_LIMIT',
      policyName: 'DAILY',
    });
    await expect(readFull()).rejects.toMatchObject({
      kind: 'vendor',
      code: 'HUBSPOT_DAILY_LIMIT',
      message: expect.stringContaining('daily'),
    });
  });

  it('retries 5xx and names a bad token as an auth error', async () => {
    nock(BASE)
      .get('/crm/v3/objects/companies')
      .query(true)
      .reply(502, 'bad gateway')
      .get('/crm/v3/objects/companies')
      .query(true)
      .reply(200, { results: [company('9')] });
    expect((await readFull()).ids).toEqual(['9']);
    nock(BASE).get('/crm/v3/objects/companies').query(true).reply(401, {
      status: 'error',
      message: 'Authentication credentials not found.',
      category: 'INVALID_AUTHENTICATION',
    });
    await expect(readFull()).rejects.toMatchObject({ kind: 'auth', code: 'HUBSPOT_UNAUTHORIZED' });
  });

  it('maps a 207 to per-record failures and keeps the rest of the batch', async () => {
    nock(BASE)
      .post('/crm/v3/objects/companies/batch/update', (b) => b.inputs.length === 2)
      .reply(207, {
        status: 'COMPLETE',
        results: [company('1')],
        numErrors: 1,
        errors: [
          {
            status: 'error',
            category: 'OBJECT_NOT_FOUND',
            message: 'Could not get some objects',
            context: { ids: ['2'] },
          },
        ],
        startedAt: '2026-01-01T00:00:00.000Z',
        completedAt: '2026-01-01T00:00:00.000Z',
      });
    const results = await createHubspotConnector(config, ctx, fast).writeAssignments([
      { recordId: '1', role: 'account_owner', to: { id: '8', email: 'a@x' } },
      { recordId: '2', role: 'account_owner', to: { id: '8', email: 'a@x' } },
    ]);
    expect(results).toEqual([
      { recordId: '1', role: 'account_owner', ok: true },
      {
        recordId: '2',
        role: 'account_owner',
        ok: false,
        error: { code: 'OBJECT_NOT_FOUND', kind: 'record', message: 'Could not get some objects' },
      },
    ]);
  });
});
