import { afterEach, describe, expect, it } from 'vitest';
import { OWNER_A, type RunningHubspot, STAMP, sdkError, startHubspot, testSeed } from '../test/emulator.ts';

let hs: RunningHubspot | undefined;
afterEach(async () => {
  await hs?.close();
  hs = undefined;
});

const T0 = Date.parse(STAMP);
/** Company i (0-based) was modified i div 3 minutes after STAMP: three records share each timestamp. */
const modified = (i: number) => new Date(T0 + Math.floor(i / 3) * 60_000).toISOString();

interface SearchPage {
  total: number;
  results: { id: string; properties: Record<string, string | null> }[];
  paging?: { next?: { after?: string } };
}

describe('HubSpot CRM search through @hubspot/api-client', () => {
  it('finds records modified since an epoch-millisecond value, ascending, ties by id, paged with after', async () => {
    hs = await startHubspot(testSeed(30, { modified }));
    const search = hs.client().crm.companies.searchApi;
    const since = String(T0 + 4 * 60_000); // companies 12… (indices 12–29)
    const ids: string[] = [];
    const stamps: string[] = [];
    let after: string | undefined = '0';
    let calls = 0;
    while (after !== undefined) {
      const page: SearchPage = await search.doSearch({
        filterGroups: [{ filters: [{ propertyName: 'hs_lastmodifieddate', operator: 'GTE' as never, value: since }] }],
        sorts: [{ propertyName: 'hs_lastmodifieddate', direction: 'ASCENDING' }] as never,
        properties: ['hubspot_owner_id'],
        limit: 5,
        after,
      });
      calls++;
      expect(page.total).toBe(18);
      ids.push(...page.results.map((r) => r.id));
      stamps.push(...page.results.map((r) => r.properties.hs_lastmodifieddate ?? ''));
      expect(page.results[0]?.properties).toMatchObject({
        hubspot_owner_id: OWNER_A,
        hs_object_id: page.results[0]?.id,
      });
      after = page.paging?.next?.after;
    }
    expect(calls).toBe(4);
    expect(ids).toEqual(Array.from({ length: 18 }, (_, i) => String(1013 + i)));
    expect(stamps).toEqual([...stamps].sort());
    expect(stamps[0]).toBe(new Date(T0 + 4 * 60_000).toISOString());

    // The same instant as an ISO string, and a (modified, id) cursor over a tie: GT ts OR (EQ ts AND id > x).
    const iso = await search.doSearch({
      filterGroups: [
        {
          filters: [
            {
              propertyName: 'hs_lastmodifieddate',
              operator: 'GT' as never,
              value: new Date(T0 + 8 * 60_000).toISOString(),
            },
          ],
        },
        {
          filters: [
            { propertyName: 'hs_lastmodifieddate', operator: 'EQ' as never, value: String(T0 + 8 * 60_000) },
            { propertyName: 'hs_object_id', operator: 'GT' as never, value: '1025' },
          ],
        },
      ],
      sorts: [{ propertyName: 'hs_lastmodifieddate', direction: 'ASCENDING' }] as never,
      limit: 100,
    });
    expect(iso.results.map((r) => r.id)).toEqual(['1026', '1027', '1028', '1029', '1030']);
  });

  it('stops at the 10,000-result window: after + limit beyond 10,000 is a 400', async () => {
    hs = await startHubspot(testSeed(10_050));
    const search = hs.client().crm.companies.searchApi;
    const body = (after: string) => ({
      filterGroups: [{ filters: [{ propertyName: 'hs_lastmodifieddate', operator: 'GTE' as never, value: '0' }] }],
      sorts: [{ propertyName: 'hs_lastmodifieddate', direction: 'ASCENDING' }] as never,
      properties: ['hubspot_owner_id'],
      limit: 200,
      after,
    });
    const seen = new Set<string>();
    let after: string | undefined = '0';
    let pages = 0;
    while (after !== undefined && after !== '10000') {
      const page: SearchPage = await search.doSearch(body(after));
      pages++;
      expect(page.total).toBe(10_050);
      for (const r of page.results) seen.add(r.id);
      after = page.paging?.next?.after;
    }
    expect(pages).toBe(50);
    expect(seen.size).toBe(10_000);
    // HubSpot still offers the next page; asking for it is refused.
    expect(after).toBe('10000');
    const refused = await sdkError(() => search.doSearch(body('10000')));
    expect(refused.code).toBe(400);
    expect(refused.body).toMatchObject({ category: 'VALIDATION_ERROR' });
    expect(String(refused.body.message)).toMatch(/paging.*10000/);
    // The last page that fits the window is allowed.
    expect((await search.doSearch({ ...body('9900'), limit: 100 })).results).toHaveLength(100);
  });

  it('enforces the request caps and the operators connectors use', async () => {
    const seed = testSeed(6);
    const props = (i: number) => (seed.companies[i] as { properties: Record<string, unknown> }).properties;
    props(0).domain = 'Acme.COM';
    props(1).hubspot_owner_id = null;
    props(2).hubspot_owner_id = '';
    hs = await startHubspot(seed);
    const search = async (body: object) => {
      const res = await hs!.fetch('/crm/v3/objects/companies/search', { method: 'POST', body });
      return { status: res.status, body: (await res.json()) as SearchPage & Record<string, unknown> };
    };
    const ids = async (filters: object[], extra: object = {}) =>
      (await search({ filterGroups: [{ filters }], ...extra })).body.results.map((r) => r.id);

    expect((await search({ limit: 201 })).body).toMatchObject({ status: 'error', category: 'VALIDATION_ERROR' });
    const group = { filters: [{ propertyName: 'name', operator: 'HAS_PROPERTY' }] };
    expect((await search({ filterGroups: Array(6).fill(group) })).status).toBe(400);
    const six = { filters: Array(6).fill(group.filters[0]) };
    expect((await search({ filterGroups: [six, six, six] })).status).toBe(200);
    expect((await search({ filterGroups: [six, six, six, { filters: [group.filters[0]] }] })).status).toBe(400);
    expect((await search({ filterGroups: [{ filters: Array(7).fill(group.filters[0]) }] })).status).toBe(400);
    expect(
      (await search({ filterGroups: [{ filters: [{ propertyName: 'name', operator: 'LIKE', value: 'x' }] }] })).status,
    ).toBe(400);

    // EQ ignores case; IN wants lower-case values for text (HubSpot's documented rule).
    expect(await ids([{ propertyName: 'domain', operator: 'EQ', value: 'acme.com' }])).toEqual(['1001']);
    expect(await ids([{ propertyName: 'domain', operator: 'IN', values: ['acme.com', 'company2.test'] }])).toEqual([
      '1001',
      '1002',
    ]);
    expect(await ids([{ propertyName: 'domain', operator: 'IN', values: ['ACME.COM'] }])).toEqual([]);
    expect(await ids([{ propertyName: 'hubspot_owner_id', operator: 'NOT_HAS_PROPERTY' }])).toEqual(['1002', '1003']);
    expect(
      await ids([{ propertyName: 'hs_object_id', operator: 'BETWEEN', value: '1002', highValue: '1004' }]),
    ).toEqual(['1002', '1003', '1004']);
    expect(await ids([{ propertyName: 'hs_object_id', operator: 'NOT_IN', values: ['1001', '1006'] }])).toHaveLength(4);
    expect(await ids([{ propertyName: 'hubspot_owner_id', operator: 'NEQ', value: OWNER_A }])).toEqual([
      '1002',
      '1003',
    ]);
    expect(await ids([{ propertyName: 'name', operator: 'CONTAINS_TOKEN', value: '5' }])).toEqual(['1005']);
    // Filter groups are OR'ed; a descending sort; the free-text query.
    const either = await search({
      filterGroups: [
        { filters: [{ propertyName: 'hs_object_id', operator: 'EQ', value: '1002' }] },
        { filters: [{ propertyName: 'hs_object_id', operator: 'GTE', value: '1005' }] },
      ],
      sorts: [{ propertyName: 'name', direction: 'DESCENDING' }],
    });
    expect(either.body.results.map((r) => r.id)).toEqual(['1006', '1005', '1002']);
    expect((await search({ query: 'company4' })).body.results.map((r) => r.id)).toEqual(['1004']);
    // No properties asked: the defaults.
    expect(Object.keys((await search({ limit: 1 })).body.results[0]?.properties ?? {}).sort()).toEqual([
      'createdate',
      'domain',
      'hs_lastmodifieddate',
      'hs_object_id',
      'name',
    ]);
  });

  it('has its own 5-a-second limit (SECONDLY) and sends no rate-limit headers', async () => {
    hs = await startHubspot(testSeed(3), { rateLimits: true });
    const statuses: number[] = [];
    let last: Response | undefined;
    for (let i = 0; i < 6; i++) {
      last = await hs.fetch('/crm/v3/objects/companies/search', { method: 'POST', body: {} });
      statuses.push(last.status);
      expect(last.headers.get('x-hubspot-ratelimit-remaining')).toBeNull();
      expect(last.headers.get('x-hubspot-ratelimit-max')).toBeNull();
    }
    expect(statuses).toEqual([200, 200, 200, 200, 200, 429]);
    expect(await last?.json()).toMatchObject({ status: 'error', errorType: 'RATE_LIMIT', policyName: 'SECONDLY' });
    // A list call still counts against the 10-second bucket, with headers.
    const list = await hs.fetch('/crm/v3/objects/companies');
    expect(list.status).toBe(200);
    expect(list.headers.get('x-hubspot-ratelimit-remaining')).toBe('189');
    hs.clock.ms += 1_000;
    expect((await hs.fetch('/crm/v3/objects/companies/search', { method: 'POST', body: {} })).status).toBe(200);
  });
});
