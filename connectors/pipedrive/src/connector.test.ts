import type { AccountPage, ConnectorContext, PersonRecord } from '@spoc/core/connector';
import nock from 'nock';
import pino from 'pino';
import { afterEach, beforeAll, describe, expect, it, vi } from 'vitest';
import { BASE, CSM_KEY, FIELDS, failure, field, list, organization, person, user, XREF_KEY } from '../test/fixtures.ts';
import { createPipedriveConnector, type PipedriveConnectorOptions } from './connector.ts';
import type { PipedriveSettings } from './settings.ts';

const TOKEN = 'pd-test-token-0001';
const ctx: ConnectorContext = {
  logger: pino({ level: 'silent' }),
  // The CSM field named by its label; the owner by the standard field.
  roles: { account_owner: { field: 'owner_id', value: 'id' }, csm: { field: 'CSM', value: 'id' } },
  xrefFields: ['Salesforce account ID'],
  cascades: [],
};
const settings: PipedriveSettings = {
  apiToken: TOKEN,
  baseUrl: BASE,
  companyDomain: 'acme',
  rateLimit: { perTwoSeconds: 20 },
};
const fast = { retry: { baseDelayMs: 1, maxDelayMs: 2, random: () => 0 } };
const connector = (options: PipedriveConnectorOptions = {}, context = ctx) =>
  createPipedriveConnector(settings, context, { ...fast, ...options });

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

/** The organization field list, served once per connector. */
const fieldsServed = () => nock(BASE).get('/api/v2/organizationFields').query(true).reply(200, FIELDS);

describe('listPeople', () => {
  it('lists every user in one call, deactivated ones inactive, the token in the x-api-token header only', async () => {
    const scope = nock(BASE, { reqheaders: { 'x-api-token': TOKEN } })
      .get('/api/v1/users')
      .query((q) => Object.keys(q).length === 0)
      .reply(200, {
        success: true,
        data: [user(101, 'ann@acme.test'), user(102, 'bob@acme.test'), user(109, 'gone@acme.test', false)],
      });
    const c = connector();
    const people: PersonRecord[] = [];
    for await (const page of c.listPeople()) people.push(...page);
    expect(scope.isDone()).toBe(true);
    expect(people).toEqual([
      { system: 'pipedrive', id: '101', email: 'ann@acme.test', active: true, name: 'ann' },
      { system: 'pipedrive', id: '102', email: 'bob@acme.test', active: true, name: 'bob' },
      { system: 'pipedrive', id: '109', email: 'gone@acme.test', active: false, name: 'gone' },
    ]);
    expect(c.stats().calls).toBe(1);
  });
});

describe('readAccounts', () => {
  it('reads every organization 500 a page by update_time, asking only for the custom fields it maps', async () => {
    const wanted = (cursor?: string) => (q: Record<string, unknown>) =>
      q.limit === '500' &&
      q.sort_by === 'update_time' &&
      q.sort_direction === 'asc' &&
      q.updated_since === undefined &&
      q.custom_fields === `${CSM_KEY},${XREF_KEY}` &&
      q.cursor === cursor;
    fieldsServed();
    const scope = nock(BASE)
      .get('/api/v2/organizations')
      .query(wanted())
      .reply(200, list([organization(1, '2025-03-01T10:00:00Z'), organization(2, '2025-03-01T10:00:05Z')], 'c2'))
      .get('/api/v2/organizations')
      .query(wanted('c2'))
      .reply(200, list([organization(3, '2025-03-02T00:00:00Z', 103, { custom_fields: {}, website: null })]));
    const pages = await pagesOf(connector().readAccounts({ since: null }));
    expect(scope.isDone()).toBe(true);
    expect(pages[0]?.records[0]).toEqual({
      system: 'pipedrive',
      id: '1',
      name: 'Org 1',
      domains: ['org1.example'],
      xrefs: { 'Salesforce account ID': '001A1' },
      roles: { account_owner: { id: '101' }, csm: { id: '102' } },
      modifiedAt: '2025-03-01T10:00:00.000Z',
    });
    // An organization without the custom values holds no CSM and no cross-reference.
    expect(pages[1]?.records[0]).toMatchObject({
      domains: [],
      xrefs: { 'Salesforce account ID': null },
      roles: { csm: null },
    });
    // The first page's cursor is its last second; the read's end closes that long-past second.
    expect(JSON.parse(pages[0]?.cursor ?? '')).toEqual({ ts: Date.parse('2025-03-01T10:00:05Z') / 1000, ids: [2] });
    expect(JSON.parse(pages[1]?.cursor ?? '')).toEqual({ ts: Date.parse('2025-03-02T00:00:00Z') / 1000 + 1, ids: [] });
  });

  it('reads each record at the boundary second once and never moves the cursor past one not yet read', async () => {
    const now = Math.floor(Date.now() / 1000);
    const at = (s: number) => new Date(s * 1000).toISOString().replace('.000', '');
    const since = JSON.stringify({ ts: now - 30, ids: [10, 11] });
    fieldsServed();
    const scope = nock(BASE)
      .get('/api/v2/organizations')
      .query((q) => q.updated_since === at(now - 30) && q.cursor === undefined)
      // 10 and 11 were read last run at the boundary second; 12 shares it but is new.
      .reply(
        200,
        list(
          [
            organization(10, at(now - 30)),
            organization(11, at(now - 30)),
            organization(12, at(now - 30)),
            organization(13, at(now - 20)),
            organization(14, at(now - 20)),
          ],
          'next',
        ),
      )
      .get('/api/v2/organizations')
      .query((q) => q.cursor === 'next')
      // The second of 13 and 14 goes on across the page boundary.
      .reply(200, list([organization(15, at(now - 20))]));
    const pages = await pagesOf(connector({ pageSize: 5 }).readAccounts({ since }));
    expect(scope.isDone()).toBe(true);
    expect(pages.map((p) => p.records.map((r) => r.id))).toEqual([['12', '13', '14'], ['15']]);
    // After page 1: 15 (same second, next page) is not read yet, so the cursor stays at that second.
    expect(JSON.parse(pages[0]?.cursor ?? '')).toEqual({ ts: now - 20, ids: [13, 14] });
    // A recent second stays open: the next read asks for it again and drops what was read.
    expect(JSON.parse(pages[1]?.cursor ?? '')).toEqual({ ts: now - 20, ids: [13, 14, 15] });
  });

  it('resolves a custom field named by its 40-character key, and rejects an organization without update_time', async () => {
    fieldsServed();
    nock(BASE)
      .get('/api/v2/organizations')
      .query(true)
      .reply(200, list([organization(1, '2025-03-01T10:00:00Z'), { ...organization(2, ''), update_time: null }]));
    const byKey = { ...ctx, roles: { csm: { field: CSM_KEY, value: 'id' as const } }, xrefFields: [] };
    const [page] = await pagesOf(connector({}, byKey).readAccounts({ since: null }));
    expect(page?.records.map((r) => r.roles)).toEqual([{ csm: { id: '102' } }]);
    expect(page?.rejected).toEqual([{ id: '2', reason: 'update_time is missing or not a date' }]);
  });

  it('waits out a 429 for its Retry-After, then goes on', async () => {
    vi.useFakeTimers({ toFake: ['setTimeout', 'clearTimeout', 'Date'] });
    fieldsServed();
    nock(BASE)
      .get('/api/v2/organizations')
      .query(true)
      .reply(429, failure(429, 'Request over limit'), {
        'Retry-After': '3',
        'x-ratelimit-limit': '20',
        'x-ratelimit-remaining': '0',
        'x-ratelimit-reset': '3',
      })
      .get('/api/v2/organizations')
      .query(true)
      .reply(200, list([organization(1, '2025-03-01T10:00:00Z')]));
    const c = connector();
    let settled = false;
    const read = pagesOf(c.readAccounts({ since: null })).finally(() => {
      settled = true;
    });
    await vi.advanceTimersByTimeAsync(2_900);
    expect(settled).toBe(false);
    expect(c.stats()).toEqual({ calls: 2, retries: 1, throttled: 1 });
    await vi.advanceTimersByTimeAsync(200);
    expect((await read).flatMap((p) => p.records.map((r) => r.id))).toEqual(['1']);
    expect(c.stats()).toEqual({ calls: 3, retries: 1, throttled: 1 });
  });

  it('stops at the daily budget with PIPEDRIVE_DAILY_LIMIT after the last good page, sending nothing more', async () => {
    fieldsServed();
    nock(BASE)
      .get('/api/v2/organizations')
      .query((q) => q.cursor === undefined)
      .reply(200, list([organization(1, '2025-03-01T10:00:00Z')], 'c2'))
      .get('/api/v2/organizations')
      .query((q) => q.cursor === 'c2')
      .reply(429, failure(429, 'Daily API token budget exceeded'), {
        'x-daily-requests-left': '0',
        'Retry-After': '36000',
      });
    const c = connector();
    const seen: AccountPage[] = [];
    await expect(
      (async () => {
        for await (const page of c.readAccounts({ since: null })) seen.push(page);
      })(),
    ).rejects.toMatchObject({
      kind: 'vendor',
      code: 'PIPEDRIVE_DAILY_LIMIT',
      message: expect.stringContaining('daily API budget'),
    });
    expect(seen.map((p) => p.records.map((r) => r.id))).toEqual([['1']]);
    expect(c.stats()).toMatchObject({ calls: 3, retries: 0 });
    // Later calls of the run fail the same way without reaching Pipedrive (nock has nothing left to serve).
    await expect(
      c.writeAssignments([{ recordId: '1', role: 'account_owner', to: { id: '101', email: 'a@x' } }]),
    ).rejects.toMatchObject({
      code: 'PIPEDRIVE_DAILY_LIMIT',
    });
  });
});

describe('check', () => {
  it('names a label matching no field, one matching two, and a field of the wrong type', async () => {
    nock(BASE)
      .get('/api/v1/users/me')
      .reply(200, { success: true, data: user(101, 'ann@acme.test') });
    nock(BASE)
      .get('/api/v2/organizationFields')
      .query(true)
      .reply(200, list([...FIELDS.data, field('9999999999999999999999999999999999999999', 'csm ', 'user')]));
    nock(BASE)
      .get('/api/v2/organizations')
      .query({ limit: '1', sort_by: 'update_time', sort_direction: 'asc' })
      .reply(200, list([]));
    const result = await connector(
      {},
      {
        ...ctx,
        roles: {
          csm: { field: 'CSM', value: 'id' },
          success: { field: 'Success manager', value: 'id' },
          region: { field: 'Region', value: 'id' },
        },
      },
    ).check();
    expect(result.ok).toBe(false);
    expect(result.problems).toEqual([
      `"CSM" (role csm) names 2 Pipedrive organization fields (keys ${CSM_KEY}, 9999999999999999999999999999999999999999): name the field by its key`,
      'Pipedrive has no organization field named "Success manager" (role success)',
      'Pipedrive organization field "Region" (role region) is of type enum, not user: it cannot hold an owner',
    ]);
  });

  it('passes with the fields resolved, and says a bad token once', async () => {
    nock(BASE)
      .get('/api/v1/users/me')
      .reply(200, { success: true, data: user(101, 'ann@acme.test') });
    fieldsServed();
    nock(BASE).get('/api/v2/organizations').query(true).reply(200, list([]));
    expect(await connector().check()).toEqual({ ok: true, problems: [], details: { user: 'ann@acme.test' } });
    nock(BASE).get('/api/v1/users/me').reply(401, failure(401, 'unauthorized access'));
    expect(await connector().check()).toEqual({
      ok: false,
      problems: ['Pipedrive rejected the API token (systems.pipedrive.apiToken): unauthorized access'],
    });
  });
});

describe('writeAssignments', () => {
  const to = (id: string) => ({ id, email: `${id}@acme.test` });

  it('sends one PATCH per organization with every role of it, and fails a bad owner with Pipedrive’s reason', async () => {
    fieldsServed();
    const bodies: Record<string, unknown> = {};
    nock(BASE)
      .patch('/api/v2/organizations/1', (body) => {
        bodies['1'] = body;
        return true;
      })
      .reply(200, { success: true, data: organization(1, '2026-01-01T00:00:00Z', 105) })
      .patch('/api/v2/organizations/2', (body) => {
        bodies['2'] = body;
        return true;
      })
      .reply(400, failure(400, 'User with ID 777 does not exist or is deactivated'));
    const c = connector();
    const results = await c.writeAssignments([
      { recordId: '1', role: 'account_owner', to: to('105') },
      { recordId: '1', role: 'csm', to: to('106') },
      { recordId: '2', role: 'account_owner', to: to('777') },
      { recordId: '3', role: 'ghost', to: to('105') },
    ]);
    expect(bodies).toEqual({ '1': { owner_id: 105, custom_fields: { [CSM_KEY]: 106 } }, '2': { owner_id: 777 } });
    expect(results).toEqual([
      { recordId: '1', role: 'account_owner', ok: true },
      { recordId: '1', role: 'csm', ok: true },
      {
        recordId: '2',
        role: 'account_owner',
        ok: false,
        error: {
          code: 'PIPEDRIVE_400',
          kind: 'record',
          message: 'Pipedrive organization 2 update: User with ID 777 does not exist or is deactivated',
        },
      },
      {
        recordId: '3',
        role: 'ghost',
        ok: false,
        error: { code: 'UNKNOWN_ROLE', kind: 'config', message: 'no Pipedrive field for role ghost' },
      },
    ]);
    // The field list once, then one call per organization.
    expect(c.stats().calls).toBe(3);
  });

  it('keeps what was written when the daily budget runs out part-way, and fails the rest with it', async () => {
    fieldsServed();
    nock(BASE)
      .patch('/api/v2/organizations/1')
      .reply(200, { success: true, data: organization(1, '2026-01-01T00:00:00Z') })
      .patch('/api/v2/organizations/2')
      .reply(429, failure(429, 'Daily API token budget exceeded'), { 'x-daily-requests-left': '0' });
    const writes = ['1', '2', '3'].map((id) => ({ recordId: id, role: 'account_owner', to: to('105') }));
    const results = await connector({ concurrency: 1 }).writeAssignments(writes);
    expect(results.map((r) => (r.ok ? 'ok' : r.error.code))).toEqual([
      'ok',
      'PIPEDRIVE_DAILY_LIMIT',
      'PIPEDRIVE_DAILY_LIMIT',
    ]);
  });
});

describe('contact cascade', () => {
  it('previews the persons of each organization not yet owned by its new owner, then moves exactly those', async () => {
    nock(BASE)
      .get('/api/v2/persons')
      .query((q) => q.org_id === '1' && q.cursor === undefined)
      .reply(200, list([person(11, 1, 101), person(12, 1, 105)], 'p2'))
      .get('/api/v2/persons')
      .query((q) => q.org_id === '1' && q.cursor === 'p2')
      .reply(200, list([person(13, 1, 102)]))
      .get('/api/v2/persons')
      .query((q) => q.org_id === '2')
      .reply(200, list([]));
    const c = connector({ pageSize: 2 });
    const preview = await c.previewCascade?.([
      { kind: 'contacts', accountRecordId: '1', fromId: '101', toId: '105' },
      { kind: 'contacts', accountRecordId: '2', fromId: '101', toId: '105' },
    ]);
    expect(preview).toEqual({
      moves: [
        { kind: 'contacts', accountRecordId: '1', id: '11', toId: '105' },
        { kind: 'contacts', accountRecordId: '1', id: '13', toId: '105' },
      ],
      problems: [],
    });
    const bodies: unknown[] = [];
    nock(BASE)
      .patch('/api/v2/persons/11', (b) => bodies.push(b) > 0)
      .reply(200, { success: true, data: person(11, 1, 105) })
      .patch('/api/v2/persons/13')
      .reply(404, failure(404, 'Person not found'));
    expect(await c.applyCascade?.(preview?.moves ?? [])).toEqual([
      {
        accountRecordId: '1',
        updated: 1,
        failed: [
          {
            id: '13',
            error: { code: 'PIPEDRIVE_404', kind: 'record', message: 'Pipedrive person 13 update: Person not found' },
          },
        ],
      },
    ]);
    expect(bodies).toEqual([{ owner_id: 105 }]);
  });

  it('counts every person page by page', async () => {
    nock(BASE)
      .get('/api/v2/persons')
      .query((q) => q.cursor === undefined && q.limit === '500')
      .reply(200, list([person(1, 1, 1), person(2, 1, 1)], 'n'))
      .get('/api/v2/persons')
      .query((q) => q.cursor === 'n')
      .reply(200, list([person(3, 2, 1)]));
    expect(await connector().countCascadeScope?.('contacts')).toBe(3);
  });
});
