import type { ConnectorContext, ZendeskSystemConfig } from '@spoc/core';
import nock from 'nock';
import pino from 'pino';
import { afterEach, beforeAll, describe, expect, it } from 'vitest';
import { createZendeskConnector } from './zendesk-connector.ts';

const HOST = 'https://acme.zendesk.com';
const config: ZendeskSystemConfig = {
  baseUrl: `${HOST}/api/v2`,
  email: 'ops@acme.com',
  apiToken: 'tok',
  oauthToken: undefined,
  rateLimit: { perMinute: 700 },
};
const ctx: ConnectorContext = {
  logger: pino({ level: 'silent' }),
  roles: { account_owner: { field: 'account_manager', value: 'id' }, csm: { field: 'csm_email', value: 'email' } },
  xrefFields: ['external_id'],
};
const fast = { retry: { baseDelayMs: 1, maxDelayMs: 2 }, jobPollMs: 1 };
const org = (id: number, manager: number | null, csm: string | null = null) => ({
  id,
  name: `Org ${id}`,
  external_id: `001${id}`,
  domain_names: [`org${id}.example`],
  organization_fields: { account_manager: manager, csm_email: csm },
  updated_at: '2026-01-01T00:00:00Z',
});
const basic = `Basic ${Buffer.from('ops@acme.com/token:tok').toString('base64')}`;

beforeAll(() => nock.disableNetConnect());
afterEach(() => nock.cleanAll());

async function collect<T>(iterable: AsyncIterable<T>): Promise<T[]> {
  const out: T[] = [];
  for await (const item of iterable) out.push(item);
  return out;
}

describe('Zendesk connector (nock)', () => {
  it('pages organizations by cursor with API-token auth, mapping lookup and email fields', async () => {
    nock(HOST, { reqheaders: { authorization: basic } })
      .get('/api/v2/organizations.json')
      .query({ 'page[size]': '100' })
      .reply(
        200,
        {
          organizations: [org(1, 360001, 'Anna@Acme.test')],
          meta: { has_more: true, after_cursor: 'a' },
          links: { next: `${HOST}/api/v2/organizations.json?page[size]=100&page[after]=a` },
        },
        { Date: 'Sun, 22 Nov 2026 10:00:00 GMT' },
      )
      .get('/api/v2/organizations.json')
      .query({ 'page[size]': '100', 'page[after]': 'a' })
      .reply(200, {
        organizations: [org(2, null)],
        meta: { has_more: true, after_cursor: 'b' },
        links: { next: `${HOST}/api/v2/organizations.json?page[size]=100&page[after]=b` },
      })
      .get('/api/v2/organizations.json')
      .query({ 'page[size]': '100', 'page[after]': 'b' })
      .reply(200, { organizations: [org(3, 360002)], meta: { has_more: false }, links: { next: null } });
    const pages = await collect(createZendeskConnector(config, ctx, fast).readAccounts({ since: null }));
    const records = pages.flatMap((p) => p.records);
    expect(records.map((r) => r.id)).toEqual(['1', '2', '3']);
    expect(records[0]).toMatchObject({
      roles: { account_owner: { id: '360001' }, csm: { email: 'Anna@Acme.test' } },
      xrefs: { external_id: '0011' },
      domains: ['org1.example'],
    });
    expect(records[1]?.roles.account_owner).toBeNull();
    // The next incremental export starts a minute before the full read began.
    expect(JSON.parse(pages[2]?.cursor ?? '')).toEqual({ startTime: Date.parse('2026-11-22T10:00:00Z') / 1000 - 60 });
  });

  it('an unchanged incremental read costs one export call and keeps its end_time as the cursor', async () => {
    nock(HOST)
      .get('/api/v2/incremental/organizations.json')
      .query({ start_time: '1700000000' })
      .reply(200, { organizations: [], next_page: null, count: 0, end_time: 1700000300, end_of_stream: true });
    const connector = createZendeskConnector(config, ctx, fast);
    const pages = await collect(connector.readAccounts({ since: JSON.stringify({ startTime: 1700000000 }) }));
    expect(pages.map((p) => JSON.parse(p.cursor))).toEqual([{ startTime: 1700000300 }]);
    expect(connector.stats().calls).toBe(1);
  });

  it('lists agents and admins only; a suspended agent is inactive', async () => {
    nock(HOST)
      .get('/api/v2/users.json')
      .query(true)
      .reply(200, {
        users: [
          { id: 1, email: 'a@acme.test', role: 'agent', active: true, suspended: false },
          { id: 2, email: 'b@acme.test', role: 'admin', active: true, suspended: true },
          { id: 3, email: 'buyer@customer.example', role: 'end-user', active: true, suspended: false },
        ],
        meta: { has_more: false },
        links: { next: null },
      });
    const people = (await collect(createZendeskConnector(config, ctx, fast).listPeople())).flat();
    expect(people.map((p) => [p.id, p.active])).toEqual([
      ['1', true],
      ['2', false],
    ]);
  });

  it('writes with update_many, polls the job to completion and maps each result; a failed job fails its records', async () => {
    nock(HOST)
      .put('/api/v2/organizations/update_many.json', {
        organizations: [
          { id: 1, organization_fields: { account_manager: 360005, csm_email: 'c@acme.test' } },
          { id: 2, organization_fields: { account_manager: 360005 } },
        ],
      })
      .reply(200, { job_status: { id: 'j1', status: 'queued' } })
      .get('/api/v2/job_statuses/j1.json')
      .reply(200, { job_status: { id: 'j1', status: 'working' } })
      .get('/api/v2/job_statuses/j1.json')
      .reply(200, {
        job_status: {
          id: 'j1',
          status: 'completed',
          results: [
            { id: 1, index: 0, action: 'update', status: 'Updated', success: true },
            {
              id: 2,
              index: 1,
              action: 'update',
              success: false,
              error: 'OrganizationNotFound',
              details: 'no such org',
            },
          ],
        },
      })
      .put('/api/v2/organizations/update_many.json')
      .reply(200, { job_status: { id: 'j2', status: 'queued' } })
      .get('/api/v2/job_statuses/j2.json')
      .reply(200, { job_status: { id: 'j2', status: 'failed', message: 'worker died' } });
    const connector = createZendeskConnector(config, ctx, fast);
    const results = await connector.writeAssignments([
      { recordId: '1', role: 'account_owner', to: { id: '360005', email: 'c@acme.test' } },
      { recordId: '1', role: 'csm', to: { id: '360005', email: 'c@acme.test' } },
      { recordId: '2', role: 'account_owner', to: { id: '360005', email: 'c@acme.test' } },
    ]);
    expect(results.map((r) => (r.ok ? 'ok' : r.error.code))).toEqual(['ok', 'ok', 'OrganizationNotFound']);
    const failedJob = await connector.writeAssignments([
      { recordId: '7', role: 'account_owner', to: { id: '1', email: 'x' } },
    ]);
    expect(failedJob[0]).toMatchObject({
      ok: false,
      error: { code: 'JOB_FAILED', message: expect.stringContaining('worker died') },
    });
  });

  it('waits out a 429 sent as text/plain with Retry-After, then succeeds', async () => {
    nock(HOST)
      .get('/api/v2/users.json')
      .query(true)
      .reply(429, 'Rate limit for ratelimit exceeded. Please wait and try again.', {
        'Content-Type': 'text/plain',
        'Retry-After': '0',
      })
      .get('/api/v2/users.json')
      .query(true)
      .reply(200, {
        users: [{ id: 1, email: 'a@acme.test', role: 'agent', active: true }],
        meta: { has_more: false },
        links: {},
      });
    const connector = createZendeskConnector(config, ctx, fast);
    const people = (await collect(connector.listPeople())).flat();
    expect(people).toHaveLength(1);
    expect(connector.stats()).toMatchObject({ retries: 1, throttled: 1 });
  });

  it('check() names a missing field and one of the wrong type', async () => {
    nock(HOST)
      .get('/api/v2/users/me.json')
      .reply(200, { user: { id: 1, role: 'admin' } })
      .get('/api/v2/organization_fields.json')
      .reply(200, { organization_fields: [{ key: 'account_manager', type: 'text', active: true }] });
    const check = await createZendeskConnector(config, ctx, fast).check();
    expect(check.problems).toEqual([
      'organization field "account_manager" is text, not a lookup to users (value: user_id) (role account_owner)',
      'Zendesk has no organization field "csm_email" (role csm)',
    ]);
  });

  it('hands over only the unsolved tickets the previous POC holds', async () => {
    nock(HOST)
      .get('/api/v2/search.json')
      .query({ query: 'type:ticket assignee:360001 status<solved' })
      .reply(200, {
        results: [
          { id: 10, status: 'open', assignee_id: 360001, organization_id: 5 },
          { id: 11, status: 'pending', assignee_id: 360001, organization_id: 5 },
          { id: 12, status: 'open', assignee_id: 360009, organization_id: 5 },
          { id: 13, status: 'solved', assignee_id: 360001, organization_id: 5 },
          { id: 14, status: 'open', assignee_id: 360001, organization_id: 6 },
        ],
        next_page: null,
        count: 4,
      })
      .put('/api/v2/tickets/update_many.json', { ticket: { assignee_id: 360002 } })
      .query({ ids: '10,11' })
      .reply(200, { job_status: { id: 'j3', status: 'queued' } })
      .get('/api/v2/job_statuses/j3.json')
      .reply(200, {
        job_status: {
          id: 'j3',
          status: 'completed',
          results: [
            { id: 10, success: true },
            { id: 11, success: true },
          ],
        },
      });
    const results = await createZendeskConnector(config, ctx, fast).handOverOpenTickets?.([
      { accountRecordId: '5', fromId: '360001', toId: '360002' },
    ]);
    expect(results).toEqual([{ accountRecordId: '5', updated: 2, failed: [] }]);
  });
});
