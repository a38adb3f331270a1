import type { ConnectorContext } from '@spoc/core/connector';
import nock from 'nock';
import pino from 'pino';
import { afterEach, beforeAll, describe, expect, it, vi } from 'vitest';
import { createZendeskConnector } from './connector.ts';
import type { ZendeskSettings } from './settings.ts';

const HOST = 'https://acme.zendesk.com';
const config: ZendeskSettings = {
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
  cascades: [],
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
/** The open-ticket handover as a run does it: preview (reads only), then apply what it found. */
async function handOver(requests: { accountRecordId: string; fromId: string; toId: string }[]) {
  const connector = createZendeskConnector(config, ctx, fast);
  const preview = await connector.previewCascade?.(requests.map((r) => ({ kind: 'openTickets' as const, ...r })));
  const results = await connector.applyCascade?.(preview?.moves ?? []);
  return { preview, results };
}

/** One page of an organization's ticket list (cursor-paged), `next` the link to the one after. */
const ticketList = (tickets: object[], next: string | null = null) => ({
  tickets,
  meta: { has_more: next !== null, after_cursor: next ? 'more' : null },
  links: { next },
});

const basic = `Basic ${Buffer.from('ops@acme.com/token:tok').toString('base64')}`;

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

  it('lists agents and admins by cursor, 100 a page; end-users are not people; suspended or inactive agents are inactive', async () => {
    nock(HOST, { reqheaders: { authorization: 'Bearer oauth-tok' } })
      .get('/api/v2/users.json')
      .query({ 'role[]': ['agent', 'admin'], 'page[size]': '100' })
      .reply(200, {
        users: [
          { id: 1, email: 'a@acme.test', name: 'Ann', role: 'agent', active: true, suspended: false },
          { id: 2, email: 'b@acme.test', role: 'admin', active: true, suspended: true },
          { id: 3, email: 'buyer@customer.example', role: 'end-user', active: true, suspended: false },
        ],
        meta: { has_more: true, after_cursor: 'c2' },
        links: {
          next: `${HOST}/api/v2/users.json?role%5B%5D=agent&role%5B%5D=admin&page%5Bsize%5D=100&page%5Bafter%5D=c2`,
        },
      })
      .get('/api/v2/users.json')
      .query({ 'role[]': ['agent', 'admin'], 'page[size]': '100', 'page[after]': 'c2' })
      .reply(200, {
        users: [{ id: 4, email: 'd@acme.test', role: 'agent', active: false, suspended: false }],
        meta: { has_more: false, after_cursor: null },
        links: { next: null },
      });
    const oauth = { ...config, email: undefined, apiToken: undefined, oauthToken: 'oauth-tok' };
    const connector = createZendeskConnector(oauth, ctx, fast);
    const pages = await collect(connector.listPeople());
    expect(pages.map((p) => p.map((x) => [x.id, x.email, x.active]))).toEqual([
      [
        ['1', 'a@acme.test', true],
        ['2', 'b@acme.test', false],
      ],
      [['4', 'd@acme.test', false]],
    ]);
    expect(pages[0]?.[0]).toMatchObject({ system: 'zendesk', name: 'Ann' });
    expect(connector.stats().calls).toBe(2);
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

  it('waits the Retry-After of a text/plain 429 before asking again, then succeeds', async () => {
    vi.useFakeTimers({ toFake: ['setTimeout', 'clearTimeout', 'Date'] });
    const users = { users: [{ id: 1, email: 'a@acme.test', role: 'agent', active: true }], meta: { has_more: false } };
    const scope = nock(HOST)
      .get('/api/v2/users.json')
      .query(true)
      .reply(429, 'Rate limit for ratelimit exceeded. Please wait and try again.', {
        'Content-Type': 'text/plain',
        'Retry-After': '30',
      });
    const second = nock(HOST).get('/api/v2/users.json').query(true).reply(200, users);
    const connector = createZendeskConnector(config, ctx, { retry: { random: () => 0 }, jobPollMs: 1 });
    const done = collect(connector.listPeople());
    await vi.advanceTimersByTimeAsync(29_000);
    expect(scope.isDone()).toBe(true);
    expect(second.isDone()).toBe(false); // still waiting: no request before Retry-After
    await vi.advanceTimersByTimeAsync(1_500);
    expect((await done).flat().map((p) => p.email)).toEqual(['a@acme.test']);
    expect(connector.stats()).toEqual({ calls: 2, retries: 1, throttled: 1 });
  });

  it('retries a 503 and fails fast, without retrying, on rejected credentials', async () => {
    nock(HOST)
      .get('/api/v2/users.json')
      .query(true)
      .reply(503, { error: 'ServiceUnavailable' })
      .get('/api/v2/users.json')
      .query(true)
      .reply(200, { users: [], meta: { has_more: false } });
    expect((await collect(createZendeskConnector(config, ctx, fast).listPeople())).flat()).toEqual([]);

    nock(HOST).get('/api/v2/users.json').query(true).reply(401, { error: "Couldn't authenticate you" });
    const connector = createZendeskConnector(config, ctx, fast);
    await expect(collect(connector.listPeople())).rejects.toMatchObject({ kind: 'auth', code: 'ZENDESK_UNAUTHORIZED' });
    expect(connector.stats()).toMatchObject({ calls: 1, retries: 0 });
  });

  it('check() names a missing field and one of the wrong type', async () => {
    nock(HOST)
      .get('/api/v2/users/me.json')
      .reply(200, { user: { id: 1, role: 'admin' } })
      .get('/api/v2/organization_fields.json')
      .query({ 'page[size]': '100' })
      .reply(200, { organization_fields: [{ key: 'account_manager', type: 'text', active: true }] });
    const check = await createZendeskConnector(config, ctx, fast).check();
    expect(check.problems).toEqual([
      'organization field "account_manager" is text, not a lookup to users (value: user_id) (role account_owner)',
      'Zendesk has no organization field "csm_email" (role csm)',
    ]);
  });

  it('hands over only the unsolved tickets the previous POC holds', async () => {
    nock(HOST)
      .get('/api/v2/organizations/5/tickets.json')
      .query({ 'page[size]': '100' })
      .reply(
        200,
        ticketList([
          { id: 10, status: 'open', assignee_id: 360001, organization_id: 5 },
          { id: 11, status: 'pending', assignee_id: 360001, organization_id: 5 },
          { id: 12, status: 'open', assignee_id: 360009, organization_id: 5 },
          { id: 13, status: 'solved', assignee_id: 360001, organization_id: 5 },
          { id: 15, status: 'closed', assignee_id: 360001, organization_id: 5 },
        ]),
      )
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
    const { preview, results } = await handOver([{ accountRecordId: '5', fromId: '360001', toId: '360002' }]);
    expect(preview?.moves.map((m) => m.id)).toEqual(['10', '11']);
    expect(results).toEqual([{ accountRecordId: '5', updated: 2, failed: [] }]);
  });
});

describe('Zendesk incremental reads', () => {
  const exportPath = '/api/v2/incremental/organizations.json';
  const since = (startTime: number) => JSON.stringify({ startTime });

  it('follows the export across pages, yields a record of the boundary second once, and never moves the cursor past what it read', async () => {
    const a = { ...org(1, 360001), updated_at: '2023-11-14T22:13:20Z' }; // 1700000000
    const b = { ...org(2, 360002), updated_at: '2023-11-14T22:15:00Z' }; // 1700000100
    const c = { ...org(3, null), updated_at: '2023-11-14T22:15:00Z' }; // same second as b
    nock(HOST)
      .get(exportPath)
      .query({ start_time: '1699999000' })
      .reply(200, {
        organizations: [a, b],
        next_page: `${HOST}${exportPath}?start_time=1700000100`,
        count: 2,
        end_time: 1700000100,
        end_of_stream: false,
      })
      // start_time is inclusive: the second page repeats b (same second) and brings c.
      .get(exportPath)
      .query({ start_time: '1700000100' })
      .reply(200, {
        organizations: [b, c],
        next_page: `${HOST}${exportPath}?start_time=1700000100`,
        count: 2,
        end_time: 1700000100,
        end_of_stream: true,
      });
    const connector = createZendeskConnector(config, ctx, fast);
    const pages = await collect(connector.readAccounts({ since: since(1699999000) }));
    expect(pages.map((p) => p.records.map((r) => r.id))).toEqual([['1', '2'], ['3']]);
    expect(pages.map((p) => JSON.parse(p.cursor))).toEqual([{ startTime: 1700000100 }, { startTime: 1700000100 }]);
    expect(pages[0]?.records[0]?.modifiedAt).toBe('2023-11-14T22:13:20Z');
    expect(connector.stats().calls).toBe(2);
  });

  it('the next run re-reads from the last record’s second, so an edit landing in that second is not lost', async () => {
    nock(HOST)
      .get(exportPath)
      .query({ start_time: '1700000100' })
      .reply(200, {
        organizations: [{ ...org(3, 360009), updated_at: '2023-11-14T22:15:00Z' }],
        next_page: null,
        count: 1,
        end_time: 1700000100,
        end_of_stream: true,
      });
    const pages = await collect(createZendeskConnector(config, ctx, fast).readAccounts({ since: since(1700000100) }));
    expect(pages[0]?.records[0]?.roles.account_owner).toEqual({ id: '360009' });
  });

  it('a start_time Zendesk calls too recent (clock skew) reads nothing and keeps the cursor', async () => {
    nock(HOST).get(exportPath).query({ start_time: '1700000100' }).reply(400, {
      error: 'InvalidValue',
      description: 'Too recent start_time. Use a start_time older than 1 minute',
    });
    const connector = createZendeskConnector(config, ctx, fast);
    const pages = await collect(connector.readAccounts({ since: since(1700000100) }));
    expect(pages).toEqual([{ records: [], cursor: since(1700000100), rejected: [] }]);
    expect(connector.stats()).toMatchObject({ calls: 1, retries: 0 });
  });

  it('an unreadable cursor falls back to a full read; a malformed organization is rejected, not fatal', async () => {
    nock(HOST)
      .get('/api/v2/organizations.json')
      .query({ 'page[size]': '100' })
      .reply(200, {
        organizations: [org(1, 360001), { id: 'not-a-number', name: 7 }],
        meta: { has_more: false },
        links: { next: null },
      });
    const pages = await collect(createZendeskConnector(config, ctx, fast).readAccounts({ since: 'garbage' }));
    expect(pages[0]?.records.map((r) => r.id)).toEqual(['1']);
    expect(pages[0]?.rejected).toEqual([{ id: 'not-a-number', reason: expect.stringContaining('id') }]);
  });

  it('follows page[after] when a cursor page has no next link', async () => {
    nock(HOST)
      .get('/api/v2/organizations.json')
      .query({ 'page[size]': '100' })
      .reply(200, { organizations: [org(1, null)], meta: { has_more: true, after_cursor: 'xyz' } })
      .get('/api/v2/organizations.json')
      .query({ 'page[size]': '100', 'page[after]': 'xyz' })
      .reply(200, { organizations: [org(2, null)], meta: { has_more: false } });
    const pages = await collect(createZendeskConnector(config, ctx, fast).readAccounts({ since: null }));
    expect(pages.flatMap((p) => p.records.map((r) => r.id))).toEqual(['1', '2']);
  });
});

describe('Zendesk writes', () => {
  const write = (recordId: string, role = 'account_owner', id = '360005', email = 'c@acme.test') => ({
    recordId,
    role,
    to: { id, email },
  });
  const completed = (id: string, orgIds: number[]) => ({
    job_status: {
      id,
      status: 'completed',
      results: orgIds.map((o, index) => ({ id: o, index, action: 'update', status: 'Updated', success: true })),
    },
  });

  it('writes an email-kind role as the person’s email and an id-kind role as a numeric user id', async () => {
    nock(HOST)
      .put('/api/v2/organizations/update_many.json', {
        organizations: [{ id: 9, organization_fields: { csm_email: 'new.csm@acme.test' } }],
      })
      .reply(200, { job_status: { id: 'j9', status: 'queued' } })
      .get('/api/v2/job_statuses/j9.json')
      .reply(200, completed('j9', [9]));
    const results = await createZendeskConnector(config, ctx, fast).writeAssignments([
      write('9', 'csm', '360077', 'new.csm@acme.test'),
    ]);
    expect(results).toEqual([{ recordId: '9', role: 'csm', ok: true }]);
  });

  it('sends at most 100 organizations per update_many; a record the job forgot is a failure', async () => {
    const ids = Array.from({ length: 150 }, (_, i) => 1000 + i);
    // Only a 100-organization and a 50-organization call are answered.
    nock(HOST)
      .put(
        '/api/v2/organizations/update_many.json',
        (body: { organizations: unknown[] }) => body.organizations.length === 100,
      )
      .reply(200, { job_status: { id: 'a', status: 'queued' } })
      .get('/api/v2/job_statuses/a.json')
      // The job lists 99 of its 100 organizations.
      .reply(200, completed('a', ids.slice(0, 99)))
      .put(
        '/api/v2/organizations/update_many.json',
        (body: { organizations: unknown[] }) => body.organizations.length === 50,
      )
      .reply(200, { job_status: { id: 'b', status: 'queued' } })
      .get('/api/v2/job_statuses/b.json')
      .reply(200, completed('b', ids.slice(100)));
    const connector = createZendeskConnector(config, ctx, fast);
    const results = await connector.writeAssignments(ids.map((i) => write(String(i))));
    expect(results.filter((r) => r.ok)).toHaveLength(149);
    expect(results[99]).toMatchObject({ recordId: '1099', ok: false, error: { code: 'NO_RESULT', kind: 'record' } });
    expect(connector.stats().calls).toBe(4);
  });

  it('a killed job is sent again for the records it never reached, and only those', async () => {
    const sent: number[][] = [];
    const ids = (body: { organizations: { id: number }[] }) => body.organizations.map((o) => o.id);
    nock(HOST)
      .put('/api/v2/organizations/update_many.json', (body) => {
        sent.push(ids(body));
        return true;
      })
      .reply(200, { job_status: { id: 'k', status: 'queued' } })
      .get('/api/v2/job_statuses/k.json')
      // Killed after two of four: one done, one refused (its id is its position, 1).
      .reply(200, {
        job_status: {
          id: 'k',
          status: 'killed',
          message: 'Job was killed',
          results: [
            { id: 1, index: 0, success: true },
            { id: 1, index: 1, success: false, error: 'InvalidValue', details: 'not an agent' },
          ],
        },
      })
      .put('/api/v2/organizations/update_many.json', (body) => {
        sent.push(ids(body));
        return true;
      })
      .reply(200, { job_status: { id: 'r', status: 'queued' } })
      .get('/api/v2/job_statuses/r.json')
      .reply(200, {
        job_status: {
          id: 'r',
          status: 'completed',
          results: [
            { id: 3, index: 0, success: true },
            { id: 4, index: 1, success: true },
          ],
        },
      });
    const connector = createZendeskConnector(config, ctx, fast);
    const results = await connector.writeAssignments(['1', '2', '3', '4'].map((i) => write(i)));
    expect(sent).toEqual([
      [1, 2, 3, 4],
      [3, 4],
    ]);
    expect(results).toEqual([
      { recordId: '1', role: 'account_owner', ok: true },
      expect.objectContaining({ recordId: '2', ok: false, error: expect.objectContaining({ code: 'InvalidValue' }) }),
      { recordId: '3', role: 'account_owner', ok: true },
      { recordId: '4', role: 'account_owner', ok: true },
    ]);
  });

  it('a job killed every time fails its unreached records after three jobs, naming the kill', async () => {
    nock(HOST)
      .put('/api/v2/organizations/update_many.json')
      .times(3)
      .reply(200, { job_status: { id: 'k', status: 'queued' } })
      .get('/api/v2/job_statuses/k.json')
      .times(3)
      .reply(200, { job_status: { id: 'k', status: 'killed', message: 'Job was killed', results: null } });
    const connector = createZendeskConnector(config, ctx, fast);
    const [result] = await connector.writeAssignments([write('7')]);
    expect(result).toMatchObject({
      ok: false,
      error: { code: 'JOB_KILLED', message: expect.stringContaining('killed') },
    });
    expect(connector.stats().calls).toBe(6);
  });

  it('a job still running at the deadline fails its records instead of being assumed done', async () => {
    nock(HOST)
      .put('/api/v2/organizations/update_many.json')
      .reply(200, { job_status: { id: 'slow', status: 'queued' } })
      .get('/api/v2/job_statuses/slow.json')
      .times(20)
      .reply(200, { job_status: { id: 'slow', status: 'working' } });
    const connector = createZendeskConnector(config, ctx, { ...fast, jobPollMs: 2, jobTimeoutMs: 20 });
    const [result] = await connector.writeAssignments([write('1')]);
    expect(result).toMatchObject({
      ok: false,
      error: { code: 'JOB_FAILED', message: expect.stringContaining('still working') },
    });
    // Polls back off (2, 4, 8, … ms) rather than hammering the job endpoint.
    expect(connector.stats().calls).toBeLessThanOrEqual(6);
  });

  it('a rejected chunk fails only its records; a job whose status cannot be read is reported unknown', async () => {
    const ids = Array.from({ length: 201 }, (_, i) => String(i + 1));
    // Chunks run concurrently: each PUT is told apart by its first organization.
    const startsWith = (id: number) => (body: { organizations: { id: number }[] }) => body.organizations[0]?.id === id;
    nock(HOST)
      .put('/api/v2/organizations/update_many.json', startsWith(1))
      .reply(200, { job_status: { id: 'ok', status: 'queued' } })
      .get('/api/v2/job_statuses/ok.json')
      .reply(200, completed('ok', ids.slice(0, 100).map(Number)))
      .put('/api/v2/organizations/update_many.json', startsWith(101))
      .reply(422, { error: 'RecordInvalid', description: 'Record validation errors' })
      .put('/api/v2/organizations/update_many.json', startsWith(201))
      .reply(200, { job_status: { id: 'lost', status: 'queued' } })
      .get('/api/v2/job_statuses/lost.json')
      .reply(404, { error: 'RecordNotFound', description: 'Not found' });
    const results = await createZendeskConnector(config, ctx, fast).writeAssignments(ids.map((i) => write(i)));
    expect(results.slice(0, 100).every((r) => r.ok)).toBe(true);
    expect(results[100]).toMatchObject({
      ok: false,
      error: { code: 'HTTP_422', message: expect.stringContaining('RecordInvalid') },
    });
    expect(results[200]).toMatchObject({ ok: false, error: { code: 'JOB_UNKNOWN' } });
  });

  it('rejected credentials on the first update_many stop the writes: the run is told, not given 150 failures', async () => {
    nock(HOST)
      .put('/api/v2/organizations/update_many.json')
      .times(2)
      .reply(401, { error: "Couldn't authenticate you" });
    const connector = createZendeskConnector(config, ctx, { ...fast, jobConcurrency: 1 });
    await expect(
      connector.writeAssignments(Array.from({ length: 150 }, (_, i) => write(String(i + 1)))),
    ).rejects.toMatchObject({ kind: 'auth' });
    expect(connector.stats().calls).toBe(1);
  });
});

describe('Zendesk check()', () => {
  it('names an anonymous (unrecognised) API user, an inactive field and an email field that is not text', async () => {
    nock(HOST)
      .get('/api/v2/users/me.json')
      .reply(200, { user: { id: null, role: 'end-user', email: 'invalid@example.com' } })
      .get('/api/v2/organization_fields.json')
      .query({ 'page[size]': '100' })
      .reply(200, {
        organization_fields: [
          { key: 'account_manager', type: 'lookup', relationship_target_type: 'zendesk/user', active: false },
          { key: 'csm_email', type: 'dropdown', active: true },
        ],
      });
    const check = await createZendeskConnector(config, ctx, fast).check();
    expect(check.ok).toBe(false);
    expect(check.problems).toEqual([
      'Zendesk did not recognise the credentials (users/me is anonymous)',
      'organization field "account_manager" is inactive (role account_owner)',
      'organization field "csm_email" is dropdown, not text (value: email) (role csm)',
    ]);
  });

  it('names an API user who is only an agent (the incremental export is admin-only)', async () => {
    nock(HOST)
      .get('/api/v2/users/me.json')
      .reply(200, { user: { id: 7, role: 'agent' } })
      .get('/api/v2/organization_fields.json')
      .query({ 'page[size]': '100' })
      .reply(200, {
        organization_fields: [
          { key: 'account_manager', type: 'lookup', relationship_target_type: 'zendesk/user', active: true },
          { key: 'csm_email', type: 'regexp', active: true },
        ],
      });
    const check = await createZendeskConnector(config, ctx, fast).check();
    expect(check.problems).toEqual([expect.stringContaining('is agent, not an admin')]);
  });

  it('passes for a lookup to users and a text field; a missing cross-reference field is named', async () => {
    nock(HOST)
      .get('/api/v2/users/me.json')
      .reply(200, { user: { id: 42, role: 'admin' } })
      .get('/api/v2/organization_fields.json')
      .query({ 'page[size]': '100' })
      .reply(200, {
        organization_fields: [
          { key: 'account_manager', type: 'lookup', relationship_target_type: 'zendesk/user', active: true },
          { key: 'csm_email', type: 'text', active: true },
        ],
      });
    const withXref = { ...ctx, xrefFields: ['external_id', 'sf_account_id'] };
    expect(await createZendeskConnector(config, withXref, fast).check()).toEqual({
      ok: false,
      problems: ['Zendesk has no organization field "sf_account_id" (cross-reference)'],
    });
  });
});

describe('Zendesk open-ticket handover', () => {
  const ticket = (id: number, org: number, assignee: number | null, status = 'open') => ({
    id,
    status,
    assignee_id: assignee,
    organization_id: org,
    subject: `Ticket ${id}`,
  });

  it('hands over every open ticket of an organization with over 1,000, following its list page by page', async () => {
    const scope = nock(HOST);
    // Organization 6 holds 1,050 open tickets of the previous POC: 11 pages, no cap.
    const all = Array.from({ length: 1050 }, (_, i) => ticket(i + 1, 6, 360001));
    for (let n = 0; n < 11; n++) {
      const next =
        n < 10 ? `${HOST}/api/v2/organizations/6/tickets.json?page%5Bsize%5D=100&page%5Bafter%5D=p${n + 1}` : null;
      scope
        .get('/api/v2/organizations/6/tickets.json')
        .query(n === 0 ? { 'page[size]': '100' } : { 'page[size]': '100', 'page[after]': `p${n}` })
        .reply(200, ticketList(all.slice(n * 100, n * 100 + 100), next));
    }
    for (let n = 0; n < 11; n++) {
      const ids = all.slice(n * 100, n * 100 + 100).map((t) => t.id);
      scope
        .put('/api/v2/tickets/update_many.json', { ticket: { assignee_id: 360003 } })
        .query({ ids: ids.join(',') })
        .reply(200, {
          job_status: {
            id: `x${n}`,
            status: 'completed',
            results: ids.map((id, index) => ({ id, index, success: true })),
          },
        });
    }
    const { preview, results } = await handOver([{ accountRecordId: '6', fromId: '360001', toId: '360003' }]);
    expect(preview?.problems).toEqual([]);
    expect(results).toEqual([{ accountRecordId: '6', updated: 1050, failed: [] }]);
    expect(scope.isDone()).toBe(true);
  });

  it('a ticket the job could not update is reported; its neighbours still count as moved', async () => {
    nock(HOST)
      .get('/api/v2/organizations/5/tickets.json')
      .query(true)
      .reply(200, ticketList([ticket(20, 5, 360001), ticket(21, 5, 360001, 'new'), ticket(22, 5, null)]))
      .put('/api/v2/tickets/update_many.json')
      .query({ ids: '20,21' })
      .reply(200, { job_status: { id: 'j', status: 'queued' } })
      .get('/api/v2/job_statuses/j.json')
      .reply(200, {
        job_status: {
          id: 'j',
          status: 'completed',
          results: [
            { id: 20, success: true },
            { id: 21, success: false, error: 'TicketUpdateFailed', details: 'Assignee is not a member of the group' },
          ],
        },
      });
    const [result] = (await handOver([{ accountRecordId: '5', fromId: '360001', toId: '360002' }])).results ?? [];
    expect(result).toEqual({
      accountRecordId: '5',
      updated: 1,
      failed: [
        {
          id: '21',
          error: { code: 'TicketUpdateFailed', kind: 'record', message: 'Assignee is not a member of the group' },
        },
      ],
    });
  });
});

describe('Zendesk open tickets: preview and count', () => {
  it('a preview reads only (no update_many) and a count is one search', async () => {
    const asked: string[] = [];
    nock(HOST)
      .get('/api/v2/organizations/5/tickets.json')
      .query({ 'page[size]': '100' })
      .reply(200, ticketList([{ id: 10, status: 'open', assignee_id: 360001, organization_id: 5 }]))
      .get('/api/v2/search.json')
      .query((q) => {
        asked.push(String(q.query));
        return true;
      })
      .reply(200, { results: [], next_page: null, count: 42 });
    const connector = createZendeskConnector(config, ctx, fast);
    expect(connector.cascades).toEqual(['openTickets']);
    const preview = await connector.previewCascade?.([
      { kind: 'openTickets', accountRecordId: '5', fromId: '360001', toId: '360002' },
      // No previous POC known: nothing of theirs can move, and nothing is read for it.
      { kind: 'openTickets', accountRecordId: '7', fromId: null, toId: '360002' },
    ]);
    expect(preview).toEqual({
      moves: [{ kind: 'openTickets', accountRecordId: '5', id: '10', toId: '360002' }],
      problems: [],
    });
    expect(await connector.countCascadeScope?.('openTickets')).toBe(42);
    expect(asked).toEqual(['type:ticket status<solved']);
  });
});
