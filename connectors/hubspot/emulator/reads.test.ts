import { afterEach, describe, expect, it } from 'vitest';
import {
  ARCHIVED_OWNER,
  OWNER_A,
  QUEUE,
  type RunningHubspot,
  STAMP,
  sdkError,
  startHubspot,
  testSeed,
} from '../test/emulator.ts';

let hs: RunningHubspot | undefined;
afterEach(async () => {
  await hs?.close();
  hs = undefined;
});

describe('HubSpot reads through @hubspot/api-client', () => {
  it('pages owners (people and queues), lists archived owners only when asked, filters by email', async () => {
    const seed = testSeed(0);
    for (let i = 0; i < 250; i++) seed.owners.push({ id: String(2000 + i), email: `o${i}@acme.test`, type: 'PERSON' });
    hs = await startHubspot(seed);
    const owners = hs.client().crm.owners.ownersApi;

    const ids: string[] = [];
    const pageSizes: number[] = [];
    let after: string | undefined;
    do {
      const page = await owners.getPage(undefined, after, 100, false);
      ids.push(...page.results.map((o) => o.id));
      pageSizes.push(page.results.length);
      after = page.paging?.next?.after;
      if (after) expect(page.paging?.next?.link).toMatch(/^http:\/\/127\.0\.0\.1:\d+\/crm\/v3\/owners\/\?.*after=/);
    } while (after);
    expect(pageSizes).toEqual([100, 100, 54]);
    expect(ids).toHaveLength(254);
    expect(ids).not.toContain(ARCHIVED_OWNER);
    expect(hs.server.stats().requests['GET /crm/v3/owners']).toBe(3);

    const first = await owners.getPage(undefined, undefined, 5);
    expect(first.results[0]).toMatchObject({
      id: OWNER_A,
      email: `owner${OWNER_A}@acme.test`,
      userId: 9101,
      archived: false,
      type: 'PERSON',
      teams: [{ id: '7', name: 'EMEA', primary: true }],
    });
    expect(first.results[0]?.createdAt).toEqual(new Date(STAMP));
    expect(first.results.find((o) => o.id === QUEUE)).toMatchObject({ type: 'QUEUE', email: null });

    const archived = await owners.getPage(undefined, undefined, 100, true);
    expect(archived.results.map((o) => [o.id, o.archived])).toEqual([[ARCHIVED_OWNER, true]]);
    expect(archived.paging).toBeUndefined();

    const byEmail = await owners.getPage('OWNER102@acme.test');
    expect(byEmail.results.map((o) => o.id)).toEqual(['102']);
    expect((await owners.getById(Number(OWNER_A))).email).toBe('owner101@acme.test');
  });

  it('pages companies 100 at a time by id with only the requested properties (missing ones null)', async () => {
    const seed = testSeed(0);
    // Seeded out of order: HubSpot lists by id regardless.
    for (let i = 250; i >= 1; i--) {
      seed.companies.push({
        id: String(i * 10),
        properties: { name: `C${i}`, domain: `c${i}.test`, hubspot_owner_id: OWNER_A },
      });
    }
    hs = await startHubspot(seed);
    const companies = hs.client().crm.companies.basicApi;

    const seen: string[] = [];
    let after: string | undefined;
    let pages = 0;
    do {
      const page = await companies.getPage(100, after, ['hubspot_owner_id', 'salesforceaccountid']);
      pages++;
      for (const c of page.results) {
        seen.push(c.id);
        expect(Object.keys(c.properties).sort()).toEqual([
          'createdate',
          'hs_lastmodifieddate',
          'hs_object_id',
          'hubspot_owner_id',
          'salesforceaccountid',
        ]);
        expect(c.properties).toMatchObject({
          hubspot_owner_id: OWNER_A,
          salesforceaccountid: null,
          hs_object_id: c.id,
        });
      }
      after = page.paging?.next?.after;
    } while (after);
    expect(pages).toBe(3);
    expect(seen).toEqual(Array.from({ length: 250 }, (_, i) => String((i + 1) * 10)));

    // The SDK's getAll follows paging.next.after to the end.
    const all = await hs.client().crm.companies.getAll(100, undefined, ['name']);
    expect(all).toHaveLength(250);

    // Comma-separated properties work like repeated ones; without properties come the defaults.
    const raw = (await (
      await hs.fetch('/crm/v3/objects/companies?limit=2&properties=name,hubspot_owner_id')
    ).json()) as {
      results: { properties: Record<string, unknown> }[];
      paging: { next: { after: string; link: string } };
    };
    expect(Object.keys(raw.results[0]?.properties ?? {}).sort()).toEqual([
      'createdate',
      'hs_lastmodifieddate',
      'hs_object_id',
      'hubspot_owner_id',
      'name',
    ]);
    expect(raw.paging.next.after).toBe('30');
    const defaults = await companies.getPage(1);
    expect(Object.keys(defaults.results[0]?.properties ?? {}).sort()).toEqual([
      'createdate',
      'domain',
      'hs_lastmodifieddate',
      'hs_object_id',
      'name',
    ]);
    expect(defaults.results[0]?.properties.hubspot_owner_id).toBeUndefined();
  });

  it('reads one company, and answers an unknown id, an unknown type and an unknown route the HubSpot way', async () => {
    hs = await startHubspot(testSeed(3));
    const companies = hs.client().crm.companies.basicApi;
    const one = await companies.getById('1002', ['hubspot_owner_id', 'csm_owner']);
    expect(one).toMatchObject({
      id: '1002',
      archived: false,
      properties: { hubspot_owner_id: OWNER_A, csm_owner: '102' },
    });
    expect(one.updatedAt).toEqual(new Date(STAMP));

    const missing = await sdkError(() => companies.getById('999'));
    expect(missing.code).toBe(404);
    expect(missing.body).toMatchObject({
      message: 'Object not found. objectId are usually numeric.',
      category: 'OBJECT_NOT_FOUND',
      correlationId: expect.any(String),
      context: { id: ['999'] },
    });
    const raw = await hs.fetch('/crm/v3/objects/companies/999');
    expect(await raw.json()).toMatchObject({ status: 'error', category: 'OBJECT_NOT_FOUND' });

    const widgets = await hs.fetch('/crm/v3/objects/widgets');
    expect(widgets.status).toBe(400);
    expect(await widgets.json()).toMatchObject({ status: 'error', category: 'VALIDATION_ERROR' });
    const nowhere = await hs.fetch('/crm/v3/nowhere');
    expect(nowhere.status).toBe(404);
    expect(await nowhere.json()).toMatchObject({ status: 'error', correlationId: expect.any(String) });

    // Contacts are served the same way; their modified property is lastmodifieddate.
    const contact = await hs.client().crm.contacts.basicApi.getById('5001', ['associatedcompanyid']);
    expect(contact.properties).toMatchObject({ associatedcompanyid: '1001', lastmodifieddate: STAMP });
  });

  it('describes properties: owner properties reference OWNER, unknown ones are 404', async () => {
    hs = await startHubspot({ ...testSeed(2), ownerProperties: ['success_manager'] });
    const properties = hs.client().crm.properties.coreApi;
    expect(await properties.getByName('companies', 'hubspot_owner_id')).toMatchObject({
      name: 'hubspot_owner_id',
      type: 'enumeration',
      fieldType: 'select',
      referencedObjectType: 'OWNER',
    });
    expect(await properties.getByName('companies', 'csm_owner')).toMatchObject({ referencedObjectType: 'OWNER' });
    expect(await properties.getByName('companies', 'success_manager')).toMatchObject({ referencedObjectType: 'OWNER' });
    expect(await properties.getByName('companies', 'hs_lastmodifieddate')).toMatchObject({
      type: 'datetime',
      modificationMetadata: { readOnlyValue: true },
    });
    expect(await properties.getByName('companies', 'domain')).toMatchObject({ type: 'string', fieldType: 'text' });

    const missing = await sdkError(() => properties.getByName('companies', 'nope'));
    expect(missing.code).toBe(404);
    expect(missing.body).toMatchObject({ category: 'OBJECT_NOT_FOUND' });
    const all = await properties.getAll('companies');
    expect(all.results.map((p) => p.name)).toEqual(expect.arrayContaining(['csm_owner', 'name', 'hubspot_owner_id']));
  });
});
