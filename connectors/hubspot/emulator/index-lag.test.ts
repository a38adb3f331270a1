import { parseFaults } from '@spoc/sandbox/kit';
import { afterEach, describe, expect, it } from 'vitest';
import { NOW, OWNER_B, type RunningHubspot, STAMP, sdkError, startHubspot, testSeed } from '../test/emulator.ts';

let hs: RunningHubspot | undefined;
afterEach(async () => {
  await hs?.close();
  hs = undefined;
});

/** Ids of the companies modified after STAMP, as CRM search finds them now. */
async function searchChanged(h: RunningHubspot): Promise<string[]> {
  const page = await h.client().crm.companies.searchApi.doSearch({
    filterGroups: [
      { filters: [{ propertyName: 'hs_lastmodifieddate', operator: 'GT' as never, value: String(Date.parse(STAMP)) }] },
    ],
    sorts: [{ propertyName: 'hs_lastmodifieddate', direction: 'ASCENDING' }] as never,
    properties: ['hubspot_owner_id'],
    limit: 100,
  });
  return page.results.map((r) => r.id);
}

describe('HubSpot search index lag (hubspot.indexLagMs) and single-record edits', () => {
  it('PATCHes one company with HubSpot’s shape and bumped dates; reads see it at once, search only after the lag', async () => {
    hs = await startHubspot(testSeed(3));
    hs.faults.set(parseFaults('hubspot.indexLagMs=3000'));
    hs.clock.ms = NOW + 1_000;
    const updated = await hs
      .client()
      .crm.companies.basicApi.update('1002', { properties: { hubspot_owner_id: OWNER_B } });
    // SimplePublicObject as the SDK deserialises it: dates become Date objects.
    expect(updated).toMatchObject({
      id: '1002',
      properties: { hubspot_owner_id: OWNER_B, hs_lastmodifieddate: new Date(NOW + 1_000).toISOString() },
      createdAt: new Date(STAMP),
      updatedAt: new Date(NOW + 1_000),
      archived: false,
    });
    const read = await hs.client().crm.companies.basicApi.getById('1002', ['hubspot_owner_id']);
    expect(read.properties.hubspot_owner_id).toBe(OWNER_B);
    expect(await searchChanged(hs)).toEqual([]);
    hs.clock.ms += 3_000;
    expect(await searchChanged(hs)).toEqual(['1002']);
  });

  it('indexes each change after its own delay, so a later edit can be searchable before an earlier one', async () => {
    hs = await startHubspot(testSeed(10));
    hs.faults.set(parseFaults('hubspot.indexLagMs=3000'));
    const companies = hs.client().crm.companies.basicApi;
    for (let i = 0; i < 10; i++) {
      hs.clock.ms += 100;
      await companies.update(String(1001 + i), { properties: { hubspot_owner_id: OWNER_B } });
    }
    hs.clock.ms += 1_500;
    const partial = await searchChanged(hs);
    // Some but not all are searchable, and not just the oldest ones.
    expect(partial.length).toBeGreaterThan(0);
    expect(partial.length).toBeLessThan(10);
    const oldestMissing = ['1001', '1002', '1003', '1004', '1005', '1006', '1007', '1008', '1009', '1010'].find(
      (id) => !partial.includes(id),
    );
    expect(partial.some((id) => Number(id) > Number(oldestMissing))).toBe(true);
    hs.clock.ms += 3_000;
    expect((await searchChanged(hs)).sort()).toEqual(Array.from({ length: 10 }, (_, i) => String(1001 + i)));
  });

  it('without lag (the default) search sees a write at once', async () => {
    hs = await startHubspot(testSeed(2));
    await hs.client().crm.companies.basicApi.update('1001', { properties: { hubspot_owner_id: OWNER_B } });
    expect(await searchChanged(hs)).toEqual(['1001']);
  });

  it('refuses a search with a second sort rule with a 400 VALIDATION_ERROR', async () => {
    hs = await startHubspot(testSeed(2));
    const refused = await sdkError(() =>
      hs!.client().crm.companies.searchApi.doSearch({
        filterGroups: [],
        sorts: [
          { propertyName: 'hs_lastmodifieddate', direction: 'ASCENDING' },
          { propertyName: 'hs_object_id', direction: 'ASCENDING' },
        ] as never,
        properties: [],
        limit: 10,
      }),
    );
    expect(refused.code).toBe(400);
    expect(refused.body).toMatchObject({ status: 'error', category: 'VALIDATION_ERROR' });
  });

  it('refuses a batch update with one bad owner whole (400, no record named, nothing written) by default', async () => {
    hs = await startHubspot(testSeed(3));
    const refused = await sdkError(() =>
      hs!.client().crm.companies.batchApi.update({
        inputs: [
          { id: '1001', properties: { hubspot_owner_id: OWNER_B } },
          { id: '1002', properties: { hubspot_owner_id: '424242' } },
        ],
      }),
    );
    expect(refused.code).toBe(400);
    expect(refused.body).toMatchObject({ category: 'VALIDATION_ERROR' });
    expect(String(refused.body.message)).toMatch(
      /^Property values were not valid: .*424242 was not one of the allowed options/,
    );
    expect(JSON.stringify(refused.body)).not.toContain('1002');
    expect(hs.writes.all()).toEqual([]);
  });
});
