import type { ConnectorContext } from '@spoc/core/connector';
import nock from 'nock';
import pino from 'pino';
import { afterEach, beforeAll, describe, expect, it, vi } from 'vitest';
import {
  API_KEY,
  agent,
  BASIC,
  company,
  companyField,
  HOST,
  INVALID_CHOICE,
  nextLink,
  ticket,
} from '../test/fixtures.ts';
import { createFreshdeskConnector } from './connector.ts';
import type { FreshdeskSettings } from './settings.ts';

const settings: FreshdeskSettings = { baseUrl: HOST, apiKey: API_KEY, rateLimit: { perMinute: 200 } };
const ctx = (roles: ConnectorContext['roles'] = { account_owner: { field: 'account_manager', value: 'email' } }) =>
  ({ logger: pino({ level: 'silent' }), roles, xrefFields: ['sf_account_id'], cascades: [] }) as ConnectorContext;
const fast = { retry: { baseDelayMs: 1, maxDelayMs: 2 }, jobPollMs: 1 };
const dropdownRoles: ConnectorContext['roles'] = {
  account_owner: { field: 'account_manager', value: 'email' },
  csm: { field: 'csm', value: 'id' },
};
const agents = [
  agent(11, 'anna.schmidt@acme.test', 'Anna Schmidt'),
  agent(12, 'bruno.rossi@acme.test', 'Bruno Rossi'),
  agent(13, 'chloe.martin@acme.test', 'Chloe Martin', { deactivated: true }),
  agent(14, 'david.novak@acme.test', 'David Novak', { contact: { active: false } }),
  agent(15, 'other.anna@acme.test', 'Twin Name'),
  agent(16, 'third.anna@acme.test', 'Twin Name'),
];

beforeAll(() => nock.disableNetConnect());
afterEach(() => {
  nock.cleanAll();
  vi.useRealTimers();
});

async function collect<T>(iterable: AsyncIterable<T>): Promise<T[]> {
  const out: T[] = [];
  for await (const item of iterable) out.push(item);
  return out;
}

describe('Freshdesk connector (nock)', () => {
  it('pages companies 100 at a time by the Link header, with Basic apiKey:X, mapping domains, email text and xref', async () => {
    const scope = nock(HOST, { reqheaders: { authorization: BASIC } })
      .get('/api/v2/companies')
      .query({ per_page: '100' })
      .reply(
        200,
        [company(1, { account_manager: 'Anna.Schmidt@acme.test', sf_account_id: '001A' }, '2026-02-01T10:00:00Z')],
        nextLink('/api/v2/companies?per_page=100&page=2'),
      )
      .get('/api/v2/companies')
      .query({ per_page: '100', page: '2' })
      .reply(200, [company(2, { account_manager: null, sf_account_id: '' }), { id: 'bad', name: 3 }]);
    const connector = createFreshdeskConnector(settings, ctx(), fast);
    const pages = await collect(connector.readAccounts({ since: null }));
    expect(scope.isDone()).toBe(true);
    expect(pages.flatMap((p) => p.records)).toEqual([
      {
        system: 'freshdesk',
        id: '1',
        name: 'Company 1',
        domains: ['company1.example'],
        xrefs: { sf_account_id: '001A' },
        roles: { account_owner: { email: 'Anna.Schmidt@acme.test' } },
        modifiedAt: '2026-02-01T10:00:00Z',
      },
      expect.objectContaining({ id: '2', xrefs: { sf_account_id: null }, roles: { account_owner: null } }),
    ]);
    expect(pages[1]?.rejected).toEqual([{ id: 'bad', reason: expect.stringContaining('id') }]);
    expect(JSON.parse(pages[1]?.cursor ?? '')).toMatchObject({ maxUpdatedAt: '2026-02-01T10:00:00Z' });
    expect(connector.stats().calls).toBe(2);
  });

  it('never follows a next link to another host: only its path is asked of the configured account', async () => {
    nock(HOST)
      .get('/api/v2/agents')
      .query({ per_page: '100' })
      .reply(200, [agents[0]], { Link: '<https://evil.example/api/v2/agents?per_page=100&page=2>; rel="next"' })
      .get('/api/v2/agents')
      .query({ per_page: '100', page: '2' })
      .reply(200, [agents[1]]);
    const people = (await collect(createFreshdeskConnector(settings, ctx(), fast).listPeople())).flat();
    expect(people.map((p) => p.id)).toEqual(['11', '12']);
  });

  it('reads agents as people: the contact’s email and name; deactivated or unverified agents are inactive', async () => {
    nock(HOST).get('/api/v2/agents').query({ per_page: '100' }).reply(200, agents.slice(0, 4));
    const people = (await collect(createFreshdeskConnector(settings, ctx(), fast).listPeople())).flat();
    expect(people).toEqual([
      { system: 'freshdesk', id: '11', email: 'anna.schmidt@acme.test', active: true, name: 'Anna Schmidt' },
      { system: 'freshdesk', id: '12', email: 'bruno.rossi@acme.test', active: true, name: 'Bruno Rossi' },
      { system: 'freshdesk', id: '13', email: 'chloe.martin@acme.test', active: false, name: 'Chloe Martin' },
      { system: 'freshdesk', id: '14', email: 'david.novak@acme.test', active: false, name: 'David Novak' },
    ]);
  });

  it('waits out a 429’s Retry-After before asking again (fake timers)', async () => {
    vi.useFakeTimers({ toFake: ['setTimeout', 'clearTimeout', 'Date'] });
    const limited = nock(HOST).get('/api/v2/agents').query(true).reply(
      429,
      { message: 'You have exceeded the limit of requests per minute' },
      {
        'Retry-After': '30',
        'X-RateLimit-Total': '200',
        'X-RateLimit-Remaining': '0',
        'X-Ratelimit-Used-CurrentRequest': '1',
      },
    );
    const second = nock(HOST).get('/api/v2/agents').query(true).reply(200, [agents[0]]);
    const connector = createFreshdeskConnector(settings, ctx(), { retry: { random: () => 0 } });
    const done = collect(connector.listPeople());
    await vi.advanceTimersByTimeAsync(29_000);
    expect(limited.isDone()).toBe(true);
    expect(second.isDone()).toBe(false); // no request before Retry-After
    await vi.advanceTimersByTimeAsync(1_500);
    expect((await done).flat().map((p) => p.email)).toEqual(['anna.schmidt@acme.test']);
    expect(connector.stats()).toEqual({ calls: 2, retries: 1, throttled: 1 });
  });

  it('retries 5xx answers, and stops at once on a refused key', async () => {
    nock(HOST)
      .get('/api/v2/companies')
      .query(true)
      .reply(502, 'Bad gateway')
      .get('/api/v2/companies')
      .query(true)
      .reply(503, { description: 'Service unavailable' })
      .get('/api/v2/companies')
      .query(true)
      .reply(200, [company(1, {})]);
    const connector = createFreshdeskConnector(settings, ctx(), fast);
    expect((await collect(connector.readAccounts({ since: null }))).flatMap((p) => p.records)).toHaveLength(1);
    expect(connector.stats().retries).toBe(2);

    const refused = nock(HOST)
      .get('/api/v2/companies')
      .query(true)
      .reply(401, { code: 'invalid_credentials', message: 'You have to be logged in to perform this action.' });
    const again = createFreshdeskConnector(settings, ctx(), fast);
    await expect(collect(again.readAccounts({ since: null }))).rejects.toMatchObject({
      kind: 'auth',
      message: expect.stringContaining('You have to be logged in'),
    });
    expect(refused.isDone()).toBe(true);
    expect(again.stats().retries).toBe(0);
  });

  it('writes one PUT per company with its roles merged; a validation error fails only that company, with its reason', async () => {
    const bodies: unknown[] = [];
    nock(HOST)
      .put('/api/v2/companies/1', (b) => bodies.push(b) > 0)
      .reply(200, company(1, {}))
      .put('/api/v2/companies/2')
      .reply(400, {
        description: 'Validation failed',
        errors: [
          {
            field: 'account_manager',
            message: 'Has 300 characters, it can have maximum of 255 characters',
            code: 'invalid_value',
          },
        ],
      })
      .put('/api/v2/companies/3')
      .reply(404);
    const roles = {
      account_owner: { field: 'account_manager', value: 'email' as const },
      csm: { field: 'csm_email', value: 'email' as const },
    };
    const connector = createFreshdeskConnector(settings, ctx(roles), fast);
    const to = { id: '11', email: 'anna.schmidt@acme.test' };
    const results = await connector.writeAssignments([
      { recordId: '1', role: 'account_owner', to },
      { recordId: '2', role: 'account_owner', to },
      { recordId: '1', role: 'csm', to: { id: '12', email: 'bruno.rossi@acme.test' } },
      { recordId: '3', role: 'account_owner', to },
    ]);
    expect(bodies).toEqual([
      { custom_fields: { account_manager: 'anna.schmidt@acme.test', csm_email: 'bruno.rossi@acme.test' } },
    ]);
    expect(results).toEqual([
      { recordId: '1', role: 'account_owner', ok: true },
      {
        recordId: '2',
        role: 'account_owner',
        ok: false,
        error: {
          code: 'invalid_value',
          kind: 'record',
          message:
            'Freshdesk: Validation failed (account_manager: Has 300 characters, it can have maximum of 255 characters)',
        },
      },
      { recordId: '1', role: 'csm', ok: true },
      {
        recordId: '3',
        role: 'account_owner',
        ok: false,
        error: expect.objectContaining({ code: 'HTTP_404', kind: 'record' }),
      },
    ]);
    expect(connector.stats().calls).toBe(3);
  });

  it('maps dropdown choices to agents by email or by a name only one agent has, and never guesses', async () => {
    nock(HOST).get('/api/v2/agents').query({ per_page: '100' }).reply(200, agents);
    nock(HOST)
      .get('/api/v2/companies')
      .query({ per_page: '100' })
      .reply(200, [
        company(1, { account_manager: null, csm: 'Bruno.Rossi@acme.test' }),
        company(2, { account_manager: null, csm: ' anna schmidt ' }),
        company(3, { account_manager: null, csm: 'Twin Name' }),
        company(4, { account_manager: null, csm: 'Nobody Here' }),
      ]);
    const records = (
      await collect(createFreshdeskConnector(settings, ctx(dropdownRoles), fast).readAccounts({ since: null }))
    ).flatMap((p) => p.records);
    expect(records.map((r) => r.roles.csm)).toEqual([
      { id: '12' },
      { id: '11' },
      { email: 'Twin Name' }, // two agents share the name: held as an unknown value
      { email: 'Nobody Here' },
    ]);
  });

  it('writes the dropdown choice naming the agent; a target no choice names fails before any call', async () => {
    nock(HOST)
      .get('/api/v2/company_fields')
      .reply(200, [
        companyField(1, 'account_manager', 'custom_text'),
        companyField(2, 'csm', 'custom_dropdown', ['Anna Schmidt', 'bruno.rossi@acme.test', 'Twin Name']),
      ]);
    nock(HOST).get('/api/v2/agents').query({ per_page: '100' }).reply(200, agents);
    const bodies: unknown[] = [];
    nock(HOST)
      .put('/api/v2/companies/1', (b) => bodies.push(b) > 0)
      .reply(200, {})
      .put('/api/v2/companies/2', (b) => bodies.push(b) > 0)
      .reply(200, {})
      .put('/api/v2/companies/5')
      .reply(400, INVALID_CHOICE);
    const connector = createFreshdeskConnector(settings, ctx(dropdownRoles), fast);
    const results = await connector.writeAssignments([
      { recordId: '1', role: 'csm', to: { id: '11', email: 'anna.schmidt@acme.test' } },
      { recordId: '2', role: 'csm', to: { id: '12', email: 'bruno.rossi@acme.test' } },
      { recordId: '3', role: 'csm', to: { id: '14', email: 'david.novak@acme.test' } },
      { recordId: '4', role: 'csm', to: { id: '15', email: 'other.anna@acme.test' } },
      { recordId: '5', role: 'account_owner', to: { id: '11', email: 'anna.schmidt@acme.test' } },
    ]);
    expect(bodies).toEqual([
      { custom_fields: { csm: 'Anna Schmidt' } },
      { custom_fields: { csm: 'bruno.rossi@acme.test' } },
    ]);
    expect(results.map((r) => (r.ok ? 'ok' : `${r.error.code}: ${r.error.message}`))).toEqual([
      'ok',
      'ok',
      'NO_DROPDOWN_CHOICE: the dropdown offers no choice for david.novak@acme.test or "David Novak" (choices name agents by email or full name)',
      'NO_DROPDOWN_CHOICE: several agents are named "Twin Name": the dropdown choice cannot tell them apart',
      "invalid_value: Freshdesk: Validation failed (csm: It should be one of these values: 'Anna Schmidt,Bruno Rossi')",
    ]);
  });

  it('hands over only the previous POC’s open and pending tickets, by bulk_update job or a lone PUT', async () => {
    nock(HOST)
      .get('/api/v2/tickets')
      .query({ company_id: '1', updated_since: '2000-01-01T00:00:00Z', per_page: '100' })
      .reply(
        200,
        [ticket(1, 1, 2, 11), ticket(2, 1, 3, 11), ticket(3, 1, 4, 11), ticket(4, 1, 5, 11)],
        nextLink('/api/v2/tickets?company_id=1&updated_since=2000-01-01T00:00:00Z&per_page=100&page=2'),
      )
      .get('/api/v2/tickets')
      .query({ company_id: '1', updated_since: '2000-01-01T00:00:00Z', per_page: '100', page: '2' })
      .reply(200, [ticket(5, 1, 2, 12), ticket(6, 1, 2, null), ticket(7, 1, 2, 11)])
      .get('/api/v2/tickets')
      .query({ company_id: '2', updated_since: '2000-01-01T00:00:00Z', per_page: '100' })
      .reply(200, [ticket(8, 2, 3, 11), ticket(9, 2, 2, 15)]);
    const connector = createFreshdeskConnector(settings, ctx(), fast);
    const preview = await connector.previewCascade?.([
      { kind: 'openTickets', accountRecordId: '1', fromId: '11', toId: '12' },
      { kind: 'openTickets', accountRecordId: '2', fromId: '11', toId: '16' },
    ]);
    expect(preview?.moves.map((m) => `${m.accountRecordId}/${m.id}→${m.toId}`)).toEqual([
      '1/1→12',
      '1/2→12',
      '1/7→12',
      '2/8→16',
    ]);

    const bulkBodies: unknown[] = [];
    nock(HOST)
      .post('/api/v2/tickets/bulk_update', (b) => bulkBodies.push(b) > 0)
      .reply(202, { job_id: 'job-1', href: `${HOST}/api/v2/jobs/job-1` })
      .get('/api/v2/jobs/job-1')
      .reply(200, { id: 'job-1', status: 'IN PROGRESS', data: [] })
      .get('/api/v2/jobs/job-1')
      .reply(200, {
        id: 'job-1',
        status: 'COMPLETED',
        data: [
          { id: 1, success: true },
          { id: 2, success: true },
          { id: 7, success: false, errors: [{ field: 'responder_id', message: 'is invalid', code: 'invalid_value' }] },
        ],
      })
      .put('/api/v2/tickets/8', { responder_id: 16 })
      .reply(200, ticket(8, 2, 3, 16));
    const results = await connector.applyCascade?.(preview?.moves ?? []);
    expect(bulkBodies).toEqual([{ bulk_action: { ids: [1, 2, 7], properties: { responder_id: 12 } } }]);
    expect(results).toEqual([
      {
        accountRecordId: '1',
        updated: 2,
        failed: [
          {
            id: '7',
            error: { code: 'TICKET_NOT_UPDATED', kind: 'record', message: 'responder_id: is invalid' },
          },
        ],
      },
      { accountRecordId: '2', updated: 1, failed: [] },
    ]);
  });

  it('counts open and pending tickets in one filter call, and checks the role fields’ types', async () => {
    nock(HOST)
      .get('/api/v2/search/tickets')
      .query({ query: '"status:2 OR status:3"' })
      .reply(200, { results: [ticket(1, 1, 2, 11)], total: 412 });
    const connector = createFreshdeskConnector(settings, ctx(dropdownRoles), fast);
    expect(await connector.countCascadeScope?.('openTickets')).toBe(412);

    nock(HOST)
      .get('/api/v2/agents/me')
      .reply(200, agents[0], { 'X-RateLimit-Total': '400', 'X-RateLimit-Remaining': '399' })
      .get('/api/v2/company_fields')
      .reply(200, [
        companyField(1, 'account_manager', 'custom_dropdown', ['x']),
        companyField(2, 'csm', 'custom_text'),
      ]);
    expect(await connector.check()).toEqual({
      ok: false,
      problems: [
        'company field "account_manager" is custom_dropdown, not a single-line text field (value: email) (role account_owner)',
        'company field "csm" is custom_text, not a dropdown (value: agent_dropdown) (role csm)',
        'Freshdesk has no company field "sf_account_id" (cross-reference)',
      ],
      details: { rateLimitPerMinute: 400 },
    });
  });

  it('reuses the agents listPeople read to resolve dropdown choices: no second agent read', async () => {
    nock(HOST).get('/api/v2/agents').query({ per_page: '100' }).once().reply(200, agents);
    nock(HOST)
      .get('/api/v2/companies')
      .query({ per_page: '100' })
      .reply(200, [company(1, { account_manager: null, csm: 'Anna Schmidt' })]);
    const connector = createFreshdeskConnector(settings, ctx(dropdownRoles), fast);
    expect((await collect(connector.listPeople())).flat()).toHaveLength(6);
    const [page] = await collect(connector.readAccounts({ since: null }));
    expect(page?.records[0]?.roles.csm).toEqual({ id: '11' });
    expect(connector.stats().calls).toBe(2);
  });

  it('stops writing when Freshdesk stays down: written companies stay written, the rest fail with the reason', async () => {
    nock(HOST).put('/api/v2/companies/1').reply(200, {}).put('/api/v2/companies/2').times(2).reply(503, {});
    const connector = createFreshdeskConnector(settings, ctx(), {
      ...fast,
      writeConcurrency: 1,
      retry: { ...fast.retry, maxAttempts: 2 },
    });
    const to = { id: '11', email: 'anna.schmidt@acme.test' };
    const results = await connector.writeAssignments(
      ['1', '2', '3'].map((recordId) => ({ recordId, role: 'account_owner', to })),
    );
    expect(results.map((r) => (r.ok ? 'ok' : r.error.code))).toEqual(['ok', 'HTTP_503', 'HTTP_503']);
    expect(nock.pendingMocks()).toEqual([]); // company 3 was never sent

    nock(HOST).put('/api/v2/companies/1').reply(401, { code: 'invalid_credentials', message: 'no' });
    await expect(
      createFreshdeskConnector(settings, ctx(), fast).writeAssignments([{ recordId: '1', role: 'account_owner', to }]),
    ).rejects.toMatchObject({ kind: 'auth' });
  });

  it('reports tickets of a job whose status cannot be read as unknown, never as moved', async () => {
    nock(HOST)
      .post('/api/v2/tickets/bulk_update')
      .reply(202, { job_id: 'job-2' })
      .get('/api/v2/jobs/job-2')
      .times(2)
      .reply(500, {});
    const connector = createFreshdeskConnector(settings, ctx(), { ...fast, retry: { ...fast.retry, maxAttempts: 2 } });
    const moves = ['1', '2'].map((id) => ({ kind: 'openTickets' as const, accountRecordId: '9', id, toId: '12' }));
    const [result] = (await connector.applyCascade?.(moves)) ?? [];
    expect(result?.updated).toBe(0);
    expect(result?.failed.map((f) => f.error.code)).toEqual(['JOB_UNKNOWN', 'JOB_UNKNOWN']);
  });
});
