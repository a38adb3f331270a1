import type { ConnectorContext } from '@spoc/core/connector';
import fc from 'fast-check';
import nock from 'nock';
import pino from 'pino';
import { afterEach, beforeAll, describe, expect, it } from 'vitest';
import { type FakeRecord, type FakeSearchOptions, fakeSearch } from '../test/fake-search.ts';
import { createHubspotConnector } from './connector.ts';
import { readModifiedSince } from './incremental-read.ts';
import { toCompany } from './mapping.ts';
import type { HubspotSettings } from './settings.ts';

const BASE = 'https://api.hubapi.com';
const ctx: ConnectorContext = {
  logger: pino({ level: 'silent' }),
  roles: { account_owner: { field: 'hubspot_owner_id', value: 'id' } },
  xrefFields: [],
  cascades: [],
};
// Search pacing far above HubSpot's so thousands of simulated records stay fast.
const config: HubspotSettings = {
  accessToken: 'pat-test',
  baseUrl: undefined,
  rateLimit: { perTenSeconds: 190, searchPerSecond: 10_000 },
};
const T0 = Date.parse('2026-03-01T10:00:00.000Z');

beforeAll(() => nock.disableNetConnect());
afterEach(() => nock.cleanAll());

function company(id: number, ts: number): FakeRecord {
  return {
    id: String(id),
    properties: {
      name: `Company ${id}`,
      domain: `c${id}.example`,
      hubspot_owner_id: '101',
      hs_lastmodifieddate: new Date(ts).toISOString(),
    },
  };
}

/**
 * A HubSpot search endpoint over `records` that records every request body. (nock 15 with
 * fetch hands a reply function no body, so the body matcher keeps it for the reply.)
 */
function serveSearch(records: FakeRecord[], options: FakeSearchOptions = {}) {
  const bodies: Record<string, unknown>[] = [];
  nock(BASE)
    .persist()
    .post('/crm/v3/objects/companies/search', (body: Record<string, unknown>) => {
      bodies.push(body);
      return true;
    })
    .reply(() => {
      const { status, body } = fakeSearch(records, bodies.at(-1) ?? {}, options);
      return [status, body];
    });
  return bodies;
}

async function readSince(since: string) {
  const connector = createHubspotConnector(config, ctx);
  const ids: string[] = [];
  const cursors: string[] = [];
  for await (const page of connector.readAccounts({ since })) {
    ids.push(...page.records.map((r) => r.id));
    cursors.push(page.cursor);
  }
  return { ids, cursors, cursor: cursors.at(-1) ?? since, calls: connector.stats().calls };
}

const sorted = (ids: string[]) => [...ids].sort((a, b) => Number(a) - Number(b));

describe('incremental company read (search)', () => {
  it('costs one search when nothing changed and keeps the cursor', async () => {
    const bodies = serveSearch([company(1, T0)]);
    const since = JSON.stringify({ ts: T0, id: '1' });
    const run = await readSince(since);
    expect(run).toMatchObject({ ids: [], calls: 1 });
    expect(JSON.parse(run.cursor)).toEqual({ ts: T0, id: '1' });
    // Asked only for what the run needs, newest changes last, in search-sized pages.
    expect(bodies[0]).toMatchObject({
      limit: 200,
      properties: ['name', 'domain', 'hs_lastmodifieddate', 'hubspot_owner_id'],
    });
    // HubSpot search takes one sort rule (a second is refused with a 400).
    expect(bodies[0]?.sorts).toEqual([{ propertyName: 'hs_lastmodifieddate', direction: 'ASCENDING' }]);
  });

  it('reads records tied on one timestamp across pages exactly once, and the next run starts after them', async () => {
    // 450 changes: 5 before, 440 sharing T0+1s (more than two pages), 5 after.
    const records = [
      ...Array.from({ length: 5 }, (_, i) => company(1000 + i, T0 + i)),
      ...Array.from({ length: 440 }, (_, i) => company(2000 + i, T0 + 1000)),
      ...Array.from({ length: 5 }, (_, i) => company(3000 + i, T0 + 2000 + i)),
    ];
    serveSearch(records);
    const run = await readSince(JSON.stringify({ ts: T0 - 1, id: '0' }));
    expect(run.ids).toHaveLength(450);
    expect(sorted(run.ids)).toEqual(sorted(records.map((r) => r.id)));
    expect(JSON.parse(run.cursor)).toEqual({ ts: T0 + 2004, id: '3004' });
    const idle = await readSince(run.cursor);
    expect(idle).toMatchObject({ ids: [], calls: 1 });
  });

  it('reads more than 10,000 records sharing one timestamp exactly once without paging past the window, and ends', async () => {
    const records = Array.from({ length: 10_450 }, (_, i) => company(5_000_000 + i, T0));
    records.push(company(9_000_000, T0 + 1));
    const bodies = serveSearch(records);
    const run = await readSince(JSON.stringify({ ts: 0, id: '0' }));
    expect(run.ids).toHaveLength(10_451);
    expect(new Set(run.ids).size).toBe(10_451);
    expect(bodies.every((b) => Number(b.after ?? 0) < 10_000)).toBe(true);
    // ⌈10,451/200⌉ = 53 pages of new records, plus one page read twice when the tie was found.
    expect(run.calls).toBeLessThanOrEqual(55);
    expect(JSON.parse(run.cursor)).toEqual({ ts: T0 + 1, id: '9000000' });
  });

  it('stays exact when HubSpot applies only the first sort rule and orders ties its own way', async () => {
    const records = [
      ...Array.from({ length: 700 }, (_, i) => company(10_000 + i, T0 + Math.floor(i / 350))),
      ...Array.from({ length: 50 }, (_, i) => company(20_000 + i, T0 + 10 + (i % 7))),
    ];
    serveSearch(records, { honour: 'first-sort', tieOrder: 'reverse-id' });
    const run = await readSince(JSON.stringify({ ts: 0, id: '0' }));
    expect(sorted(run.ids)).toEqual(sorted(records.map((r) => r.id)));
  });

  it('resumes from any page cursor of an interrupted read without losing a record', async () => {
    const records = Array.from({ length: 900 }, (_, i) => company(40_000 + i, T0 + Math.floor(i / 3) * 7));
    serveSearch(records, { honour: 'first-sort', tieOrder: 'reverse-id' });
    const connector = createHubspotConnector(config, ctx);
    const pages: { ids: string[]; cursor: string }[] = [];
    for await (const page of connector.readAccounts({ since: JSON.stringify({ ts: 0, id: '0' }) })) {
      pages.push({ ids: page.records.map((r) => r.id), cursor: page.cursor });
    }
    expect(pages.length).toBeGreaterThan(4);
    for (const [n, page] of pages.entries()) {
      // A run stopped after page n and the next run resuming from its cursor see every record.
      const seen = new Set(pages.slice(0, n + 1).flatMap((p) => p.ids));
      for (const id of (await readSince(page.cursor)).ids) seen.add(id);
      expect(seen.size).toBe(900);
    }
  });
});

describe('readModifiedSince (property)', () => {
  it('yields every matching record exactly once for any timestamps, ties, page sizes and sort behaviour', async () => {
    await fc.assert(
      fc.asyncProperty(
        fc.array(fc.integer({ min: 0, max: 12 }), { maxLength: 120 }),
        fc.integer({ min: 1, max: 9 }),
        fc.integer({ min: 0, max: 6 }),
        fc.constantFrom<FakeSearchOptions>(
          { honour: 'all-sorts' },
          { honour: 'first-sort', tieOrder: 'reverse-id' },
          { honour: 'first-sort', tieOrder: 'id' },
        ),
        async (stamps, pageSize, fromTs, sortBehaviour) => {
          const records = stamps.map((s, i) => company(100 + i, T0 + s));
          const from = { ts: T0 + fromTs, id: '105' };
          const expected = records
            .filter((r) => {
              const ts = Date.parse(r.properties.hs_lastmodifieddate ?? '');
              return ts > from.ts || (ts === from.ts && Number(r.id) > 105);
            })
            .map((r) => r.id);
          const ids: string[] = [];
          let calls = 0;
          for await (const page of readModifiedSince({
            from,
            pageSize,
            properties: ['name', 'hs_lastmodifieddate', 'hubspot_owner_id'],
            map: (raw) => toCompany(raw, ctx),
            search: async (body) => {
              calls++;
              if (calls > 500) throw new Error('the read does not end');
              const { status, body: reply } = fakeSearch(records, { ...body } as Record<string, unknown>, {
                ...sortBehaviour,
                window: pageSize * 3,
              });
              if (status !== 200) throw new Error(`search answered ${status}`);
              return reply as never;
            },
          })) {
            ids.push(...page.records.map((r) => r.id));
          }
          expect(sorted(ids)).toEqual(sorted(expected));
        },
      ),
      { numRuns: 150 },
    );
  });
});
