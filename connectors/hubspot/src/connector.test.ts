import type { AccountPage, ConnectorContext, PersonRecord } from '@spoc/core/connector';
import nock from 'nock';
import pino from 'pino';
import { afterEach, beforeAll, describe, expect, it, vi } from 'vitest';
import { createHubspotConnector } from './connector.ts';
import { FULL_READ_OVERLAP_MS } from './read-accounts.ts';
import type { HubspotSettings } from './settings.ts';

const BASE = 'https://api.hubapi.com';
const ctx: ConnectorContext = {
  logger: pino({ level: 'silent' }),
  roles: {
    account_owner: { field: 'hubspot_owner_id', value: 'id' },
    csm: { field: 'csm_owner', value: 'id' },
  },
  xrefFields: ['salesforceaccountid'],
  cascades: [],
};
const config: HubspotSettings = {
  accessToken: 'pat-na1-test',
  baseUrl: undefined,
  rateLimit: { perTenSeconds: 190, searchPerSecond: 5 },
};
const fast = { retry: { baseDelayMs: 1, maxDelayMs: 2, random: () => 0 } };
const connector = (options = {}) => createHubspotConnector(config, ctx, { ...fast, ...options });

const company = (id: string, modified = '2026-01-05T08:00:00.000Z', owner: string | null = '101') => ({
  id,
  properties: {
    name: `Company ${id}`,
    domain: `c${id}.example`,
    hubspot_owner_id: owner,
    csm_owner: null,
    salesforceaccountid: null,
    hs_lastmodifieddate: modified,
    hs_object_id: id,
  },
  createdAt: '2025-01-01T00:00:00.000Z',
  updatedAt: modified,
  archived: false,
});
const owner = (id: string, email: string, extra: Record<string, unknown> = {}) => ({
  id,
  email,
  firstName: 'Ann',
  lastName: email.split('@')[0],
  userId: Number(id) + 9000,
  createdAt: '2024-01-01T00:00:00.000Z',
  updatedAt: '2025-01-01T00:00:00.000Z',
  archived: false,
  type: 'PERSON',
  teams: [],
  ...extra,
});
const rateLimited = (policyName: string) => ({
  status: 'error',
  message: `You have reached your ${policyName.toLowerCase()} limit.`,
  errorType: 'RATE_LIMIT',
  correlationId: 'c0ffee',
  policyName,
});

beforeAll(() => nock.disableNetConnect());
afterEach(() => {
  nock.cleanAll();
  vi.useRealTimers();
});

async function pagesOf(iterable: AsyncIterable<AccountPage>) {
  const pages: AccountPage[] = [];
  for await (const page of iterable) pages.push(page);
  return pages;
}

describe('listPeople', () => {
  it('lists active then archived owners page by page; archived are inactive, queues are not people', async () => {
    nock(BASE)
      .get('/crm/v3/owners/')
      .query({ limit: '500', archived: 'false' })
      .reply(200, {
        results: [owner('101', 'ann@acme.test'), owner('102', 'bob@acme.test')],
        paging: { next: { after: '102', link: '?after=102' } },
      })
      .get('/crm/v3/owners/')
      .query({ limit: '500', archived: 'false', after: '102' })
      .reply(200, { results: [owner('103', 'support@acme.test', { type: 'QUEUE', userId: null })] })
      .get('/crm/v3/owners/')
      .query({ limit: '500', archived: 'true' })
      .reply(200, { results: [owner('104', 'gone@acme.test', { archived: true })] });
    const c = connector();
    const people: PersonRecord[] = [];
    for await (const page of c.listPeople()) people.push(...page);
    expect(people).toEqual([
      { system: 'hubspot', id: '101', email: 'ann@acme.test', active: true, name: 'Ann ann' },
      { system: 'hubspot', id: '102', email: 'bob@acme.test', active: true, name: 'Ann bob' },
      { system: 'hubspot', id: '104', email: 'gone@acme.test', active: false, name: 'Ann gone' },
    ]);
    expect(c.stats().calls).toBe(3);
  });
});

describe('readAccounts (full)', () => {
  it('lists companies 100 a call over 3 pages asking only for the needed properties', async () => {
    const wanted = 'name,domain,hs_lastmodifieddate,hubspot_owner_id,csm_owner,salesforceaccountid';
    // Each page is served only when asked for exactly the run's properties, 100 at a time.
    const page = (after: string | undefined) => (q: Record<string, unknown>) =>
      q.limit === '100' && String(q.properties) === wanted && q.after === after;
    const scope = nock(BASE)
      .get('/crm/v3/objects/companies')
      .query(page(undefined))
      .reply(200, { results: [company('1'), company('2')], paging: { next: { after: '3' } } })
      .get('/crm/v3/objects/companies')
      .query(page('3'))
      .reply(200, {
        results: [company('3', '2026-01-09T00:00:00.000Z', '')],
        paging: { next: { after: '4' } },
      })
      .get('/crm/v3/objects/companies')
      .query(page('4'))
      .reply(200, { results: [company('4', '2026-01-07T00:00:00.000Z', null)] });
    const pages = await pagesOf(connector().readAccounts({ since: null }));
    expect(scope.isDone()).toBe(true);
    expect(pages.flatMap((p) => p.records.map((r) => r.id))).toEqual(['1', '2', '3', '4']);
    expect(pages[0]?.records[0]).toEqual({
      system: 'hubspot',
      id: '1',
      name: 'Company 1',
      domains: ['c1.example'],
      xrefs: { salesforceaccountid: null },
      roles: { account_owner: { id: '101' }, csm: null },
      modifiedAt: '2026-01-05T08:00:00.000Z',
    });
    // An empty owner string is no owner.
    expect(pages[1]?.records[0]?.roles).toEqual({ account_owner: null, csm: null });
    // The last cursor lets the next run search from the newest change seen.
    expect(JSON.parse(pages.at(-1)?.cursor ?? '')).toEqual({ ts: Date.parse('2026-01-09T00:00:00.000Z'), id: '3' });
  });

  it('never lets a full-read cursor pass the moment the read started, less the overlap', async () => {
    const now = Date.now();
    nock(BASE)
      .get('/crm/v3/objects/companies')
      .query(true)
      .reply(200, { results: [company('1', new Date(now).toISOString())] });
    const [page] = await pagesOf(connector().readAccounts({ since: null }));
    const cursor = JSON.parse(page?.cursor ?? '');
    expect(cursor.id).toBe('0');
    expect(cursor.ts).toBeLessThanOrEqual(now - FULL_READ_OVERLAP_MS + 1000);
    expect(cursor.ts).toBeGreaterThan(now - FULL_READ_OVERLAP_MS - 60_000);
  });

  it('reports a malformed company and keeps reading', async () => {
    nock(BASE)
      .get('/crm/v3/objects/companies')
      .query(true)
      .reply(200, {
        results: [
          company('1'),
          { id: '2', properties: { name: 'No date', hs_lastmodifieddate: 'yesterday' } },
          { properties: { name: 'No id' } },
          company('4'),
        ],
      });
    const [page] = await pagesOf(connector().readAccounts({ since: null }));
    expect(page?.records.map((r) => r.id)).toEqual(['1', '4']);
    expect(page?.rejected).toEqual([
      { id: '2', reason: 'hs_lastmodifieddate is missing or not a date' },
      { id: '?', reason: expect.stringContaining('id') },
    ]);
  });
});

describe('rate limits and failures', () => {
  it('waits out a TEN_SECONDLY_ROLLING 429 for its Retry-After, then goes on', async () => {
    vi.useFakeTimers({ toFake: ['setTimeout', 'clearTimeout', 'Date'] });
    nock(BASE)
      .get('/crm/v3/objects/companies')
      .query(true)
      .reply(429, rateLimited('TEN_SECONDLY_ROLLING'), { 'Retry-After': '3' })
      .get('/crm/v3/objects/companies')
      .query(true)
      .reply(200, { results: [company('1')] }, { 'X-HubSpot-RateLimit-Remaining': '150' });
    const c = createHubspotConnector(config, ctx, { retry: { random: () => 0 } });
    const read = pagesOf(c.readAccounts({ since: null }));
    let settled = false;
    void read.then(() => {
      settled = true;
    });
    await vi.advanceTimersByTimeAsync(2_900);
    expect(settled).toBe(false);
    expect(c.stats()).toEqual({ calls: 1, retries: 1, throttled: 1 });
    await vi.advanceTimersByTimeAsync(200);
    const pages = await read;
    expect(pages[0]?.records.map((r) => r.id)).toEqual(['1']);
    expect(c.stats()).toEqual({ calls: 2, retries: 1, throttled: 1 });
  });

  it('retries 5xx and dropped connections', async () => {
    nock(BASE)
      .get('/crm/v3/objects/companies')
      .query(true)
      .reply(502, '<html>Bad gateway</html>', { 'Content-Type': 'text/html' })
      .get('/crm/v3/objects/companies')
      .query(true)
      .replyWithError(Object.assign(new Error('socket hang up'), { code: 'ECONNRESET' }))
      .get('/crm/v3/objects/companies')
      .query(true)
      .reply(200, { results: [company('9')] });
    const c = connector();
    const pages = await pagesOf(c.readAccounts({ since: null }));
    expect(pages[0]?.records.map((r) => r.id)).toEqual(['9']);
    expect(c.stats()).toMatchObject({ calls: 3, retries: 2 });
  });

  it('stops at the daily limit with HUBSPOT_DAILY_LIMIT after the last good page, without retrying', async () => {
    nock(BASE)
      .get('/crm/v3/objects/companies')
      .query((q) => q.after === undefined)
      .reply(200, { results: [company('1')], paging: { next: { after: '2' } } })
      .get('/crm/v3/objects/companies')
      .query((q) => q.after === '2')
      .reply(429, rateLimited('DAILY'));
    const c = connector();
    const seen: AccountPage[] = [];
    const read = (async () => {
      for await (const page of c.readAccounts({ since: null })) seen.push(page);
    })();
    await expect(read).rejects.toMatchObject({
      kind: 'vendor',
      code: 'HUBSPOT_DAILY_LIMIT',
      message: expect.stringContaining('daily API limit'),
    });
    expect(seen.map((p) => p.records.map((r) => r.id))).toEqual([['1']]);
    expect(c.stats()).toMatchObject({ calls: 2, retries: 0 });
  });

  it('turns a 401 into an auth error naming the token', async () => {
    nock(BASE).get('/crm/v3/objects/companies').query(true).reply(401, {
      status: 'error',
      message: 'Authentication credentials not found.',
      correlationId: 'c0ffee',
      category: 'INVALID_AUTHENTICATION',
    });
    await expect(pagesOf(connector().readAccounts({ since: null }))).rejects.toMatchObject({
      kind: 'auth',
      code: 'HUBSPOT_UNAUTHORIZED',
      message: expect.stringContaining('access token'),
    });
  });

  it('slows down when the rate-limit headers say the window is spent', async () => {
    vi.useFakeTimers({ toFake: ['setTimeout', 'clearTimeout', 'Date'] });
    nock(BASE)
      .get('/crm/v3/objects/companies')
      .query((q) => q.after === undefined)
      .reply(
        200,
        { results: [company('1')], paging: { next: { after: '2' } } },
        {
          'X-HubSpot-RateLimit-Remaining': '0',
          'X-HubSpot-RateLimit-Interval-Milliseconds': '10000',
        },
      )
      .get('/crm/v3/objects/companies')
      .query((q) => q.after === '2')
      .reply(200, { results: [company('2')] });
    const c = connector();
    const read = pagesOf(c.readAccounts({ since: null }));
    await vi.advanceTimersByTimeAsync(9_000);
    expect(c.stats().calls).toBe(1);
    await vi.advanceTimersByTimeAsync(1_500);
    expect((await read).flatMap((p) => p.records.map((r) => r.id))).toEqual(['1', '2']);
  });
});

describe('writeAssignments', () => {
  const to = (id: string) => ({ id, email: `${id}@acme.test` });

  it('merges roles of one company into one input, 100 inputs a call, results in input order', async () => {
    const batches: { id: string; properties: Record<string, string> }[][] = [];
    nock(BASE)
      .post('/crm/v3/objects/companies/batch/update', (b: { inputs: never[] }) => {
        batches.push(b.inputs);
        return true;
      })
      .times(2)
      .reply(() => [
        200,
        {
          status: 'COMPLETE',
          results: (batches.at(-1) ?? []).map((i) => company(i.id)),
          startedAt: '2026-01-05T08:00:00.000Z',
          completedAt: '2026-01-05T08:00:01.000Z',
        },
      ]);
    const writes = [
      ...Array.from({ length: 150 }, (_, i) => ({ recordId: String(1000 + i), role: 'account_owner', to: to('101') })),
      { recordId: '1000', role: 'csm', to: to('102') },
    ];
    const c = connector();
    const results = await c.writeAssignments(writes);
    expect(c.stats().calls).toBe(2);
    expect(batches.map((b) => b.length)).toEqual([100, 50]);
    expect(batches[0]?.[0]).toEqual({ id: '1000', properties: { hubspot_owner_id: '101', csm_owner: '102' } });
    expect(results.map((r) => `${r.recordId}:${r.role}:${r.ok}`)).toEqual(
      writes.map((w) => `${w.recordId}:${w.role}:true`),
    );
  });

  it('maps a 207 to per-record failures while the rest of the batch is written', async () => {
    nock(BASE)
      .post('/crm/v3/objects/companies/batch/update')
      .reply(207, {
        status: 'COMPLETE',
        results: [company('1')],
        numErrors: 2,
        errors: [
          {
            status: 'error',
            category: 'OBJECT_NOT_FOUND',
            message: 'Could not get some COMPANY objects, they may be deleted or not exist.',
            context: { ids: ['2'] },
          },
          {
            status: 'error',
            category: 'VALIDATION_ERROR',
            message: 'Property values were not valid: 999 is not a valid owner id',
            context: { ids: ['3'] },
          },
        ],
        startedAt: '2026-01-05T08:00:00.000Z',
        completedAt: '2026-01-05T08:00:01.000Z',
      });
    const results = await connector().writeAssignments([
      { recordId: '1', role: 'account_owner', to: to('101') },
      { recordId: '2', role: 'account_owner', to: to('101') },
      { recordId: '3', role: 'account_owner', to: to('999') },
    ]);
    expect(results).toEqual([
      { recordId: '1', role: 'account_owner', ok: true },
      {
        recordId: '2',
        role: 'account_owner',
        ok: false,
        error: {
          code: 'OBJECT_NOT_FOUND',
          kind: 'record',
          message: 'Could not get some COMPANY objects, they may be deleted or not exist.',
        },
      },
      {
        recordId: '3',
        role: 'account_owner',
        ok: false,
        error: {
          code: 'VALIDATION_ERROR',
          kind: 'record',
          message: 'Property values were not valid: 999 is not a valid owner id',
        },
      },
    ]);
  });

  it('narrows a batch HubSpot refuses whole (400, no record named) down to the bad input; the rest are written', async () => {
    // HubSpot refuses any batch holding company 142's input, whole; others go through.
    const batches: string[][] = [];
    nock(BASE)
      .persist()
      .post('/crm/v3/objects/companies/batch/update', (body: { inputs: { id: string }[] }) => {
        batches.push(body.inputs.map((input) => input.id));
        return true;
      })
      .reply(() => {
        const ids = batches.at(-1) ?? [];
        if (ids.includes('142'))
          return [
            400,
            {
              status: 'error',
              message:
                'Property values were not valid: [{"isValid":false,"message":"70007 was not one of the allowed options","error":"INVALID_OPTION","name":"hubspot_owner_id"}]',
              correlationId: 'c0ffee',
              category: 'VALIDATION_ERROR',
            },
          ];
        return [200, { status: 'COMPLETE', results: ids.map((id) => company(id)) }];
      });
    const writes = Array.from({ length: 101 }, (_, i) => ({
      recordId: String(100 + i),
      role: 'account_owner',
      to: to('101'),
    }));
    const c = connector();
    const results = await c.writeAssignments(writes);
    expect(results.filter((r) => !r.ok).map((r) => r.recordId)).toEqual(['142']);
    expect(results[42]).toMatchObject({ ok: false, error: { code: 'VALIDATION_ERROR', kind: 'record' } });
    expect(results[100]).toEqual({ recordId: '200', role: 'account_owner', ok: true });
    // Halving 100 inputs down to one: 1 + 2 per level (7 levels), plus the second batch.
    expect(c.stats().calls).toBe(1 + 2 * 7 + 1);
    expect(batches.filter((b) => b.length === 1 && b[0] === '142')).toHaveLength(1);
  });

  it('keeps what was written when the daily limit stops the writes midway', async () => {
    nock(BASE)
      .post('/crm/v3/objects/companies/batch/update')
      .reply(200, { status: 'COMPLETE', results: [] })
      .post('/crm/v3/objects/companies/batch/update')
      .reply(429, rateLimited('DAILY'));
    const writes = Array.from({ length: 150 }, (_, i) => ({
      recordId: String(100 + i),
      role: 'account_owner',
      to: to('101'),
    }));
    const results = await connector().writeAssignments(writes);
    expect(results.slice(0, 100).every((r) => r.ok)).toBe(true);
    expect(results[100]).toMatchObject({ ok: false, error: { code: 'HUBSPOT_DAILY_LIMIT', kind: 'vendor' } });
  });
});

describe('contact cascade', () => {
  const contact = (id: string, companyId: string, ownerId: string | null) => ({
    id,
    properties: { associatedcompanyid: companyId, hubspot_owner_id: ownerId, hs_object_id: id },
    createdAt: '2025-01-01T00:00:00.000Z',
    updatedAt: '2025-01-01T00:00:00.000Z',
    archived: false,
  });

  it('previews, reading only, the contacts of each company whose owner differs', async () => {
    const searched: Record<string, unknown>[] = [];
    // Only search is intercepted: any write would fail the test (net connect is disabled).
    nock(BASE)
      .post('/crm/v3/objects/contacts/search', (b: Record<string, unknown>) => {
        searched.push(b);
        return true;
      })
      .times(2)
      .reply(() =>
        searched.length === 1
          ? [
              200,
              {
                total: 3,
                results: [contact('11', '1', '101'), contact('12', '1', '555')],
                paging: { next: { after: '2' } },
              },
            ]
          : [200, { total: 3, results: [contact('21', '2', null)] }],
      );
    const c = connector({ limits: { searchPageSize: 2 } });
    expect(c.cascades).toEqual(['contacts']);
    const preview = await c.previewCascade?.([
      { kind: 'contacts', accountRecordId: '1', fromId: null, toId: '101' },
      { kind: 'contacts', accountRecordId: '2', fromId: null, toId: '102' },
    ]);
    expect(preview).toEqual({
      moves: [
        { kind: 'contacts', accountRecordId: '1', id: '12', toId: '101' },
        { kind: 'contacts', accountRecordId: '2', id: '21', toId: '102' },
      ],
      problems: [],
    });
    // One search for both companies, paged by id rather than by offset.
    expect(searched[0]).toMatchObject({
      filterGroups: [
        {
          filters: [
            { propertyName: 'associatedcompanyid', operator: 'IN', values: ['1', '2'] },
            { propertyName: 'hs_object_id', operator: 'GT', value: '0' },
          ],
        },
      ],
    });
    expect(searched[1]).toMatchObject({
      filterGroups: [{ filters: [expect.anything(), { propertyName: 'hs_object_id', operator: 'GT', value: '12' }] }],
    });
  });

  it('applies exactly the moves given, in batches, with per-contact failures per account', async () => {
    const updated: { id: string; properties: Record<string, string> }[][] = [];
    nock(BASE)
      .post('/crm/v3/objects/contacts/batch/update', (b: { inputs: never[] }) => {
        updated.push(b.inputs);
        return true;
      })
      .reply(207, {
        status: 'COMPLETE',
        results: [contact('12', '1', '101')],
        numErrors: 1,
        errors: [{ status: 'error', category: 'OBJECT_NOT_FOUND', message: 'gone', context: { ids: ['21'] } }],
      });
    const results = await connector().applyCascade?.([
      { kind: 'contacts', accountRecordId: '1', id: '12', toId: '101' },
      { kind: 'contacts', accountRecordId: '2', id: '21', toId: '102' },
    ]);
    expect(results).toEqual([
      { accountRecordId: '1', updated: 1, failed: [] },
      {
        accountRecordId: '2',
        updated: 0,
        failed: [{ id: '21', error: { code: 'OBJECT_NOT_FOUND', kind: 'record', message: 'gone' } }],
      },
    ]);
    expect(updated).toEqual([
      [
        { id: '12', properties: { hubspot_owner_id: '101' } },
        { id: '21', properties: { hubspot_owner_id: '102' } },
      ],
    ]);
  });

  it("counts the portal's contacts with one search (its total)", async () => {
    let body: Record<string, unknown> = {};
    nock(BASE)
      .post('/crm/v3/objects/contacts/search', (b: Record<string, unknown>) => {
        body = b;
        return true;
      })
      .reply(200, { total: 12_345, results: [contact('1', '1', null)], paging: { next: { after: '1' } } });
    expect(await connector().countCascadeScope?.('contacts')).toBe(12_345);
    expect(body).toMatchObject({ filterGroups: [], limit: 1 });
  });
});
