import { parseFaults } from '@spoc/sandbox/kit';
import { afterEach, describe, expect, it } from 'vitest';
import {
  ARCHIVED_OWNER,
  NOW,
  OWNER_A,
  OWNER_B,
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

interface BatchResult {
  status: string;
  results: { id: string; properties: Record<string, string | null>; updatedAt: Date }[];
  numErrors?: number;
  errors?: { status: string; category: string; message: string; context: { ids: string[] } }[];
}

describe('HubSpot writes through @hubspot/api-client', () => {
  it('batch-updates with 200, bumps hs_lastmodifieddate to one shared timestamp, and a later read sees it', async () => {
    hs = await startHubspot(testSeed(5));
    const client = hs.client();
    const info = await client.crm.companies.batchApi.updateWithHttpInfo({
      inputs: [
        { id: '1001', properties: { hubspot_owner_id: OWNER_B } },
        { id: '1002', properties: { hubspot_owner_id: QUEUE, csm_owner: '' } },
      ],
    });
    expect(info.httpStatusCode).toBe(200);
    const result = info.data as unknown as BatchResult;
    expect(result).toMatchObject({ status: 'COMPLETE', results: [{ id: '1001' }, { id: '1002' }] });
    expect(result.numErrors).toBeUndefined();
    const stamp = new Date(NOW).toISOString();
    expect(result.results.map((r) => r.properties.hs_lastmodifieddate)).toEqual([stamp, stamp]);

    const read = await client.crm.companies.batchApi.read({
      inputs: [{ id: '1001' }, { id: '1002' }, { id: '1003' }],
      properties: ['hubspot_owner_id', 'csm_owner'],
      propertiesWithHistory: [],
    });
    const byId = new Map(read.results.map((r) => [r.id, r]));
    expect(byId.get('1001')?.properties).toMatchObject({ hubspot_owner_id: OWNER_B, hs_lastmodifieddate: stamp });
    expect(byId.get('1001')?.updatedAt).toEqual(new Date(NOW));
    expect(byId.get('1002')?.properties).toMatchObject({ hubspot_owner_id: QUEUE, csm_owner: '' });
    expect(byId.get('1003')?.properties).toMatchObject({ hubspot_owner_id: OWNER_A, hs_lastmodifieddate: STAMP });

    // An incremental search from before the write finds exactly the written records.
    const changed = await client.crm.companies.searchApi.doSearch({
      filterGroups: [
        {
          filters: [{ propertyName: 'hs_lastmodifieddate', operator: 'GT' as never, value: String(Date.parse(STAMP)) }],
        },
      ],
      limit: 100,
    });
    expect(changed.results.map((r) => r.id)).toEqual(['1001', '1002']);

    expect(hs.writes.all().map((w) => [w.object, w.id, w.field, w.value])).toEqual([
      ['companies', '1001', 'hubspot_owner_id', OWNER_B],
      ['companies', '1002', 'hubspot_owner_id', QUEUE],
      ['companies', '1002', 'csm_owner', ''],
    ]);
  });

  it('answers 207 with one error per failed input when set to (batchInvalidRefusesWhole=0): unknown id, unknown or archived owner, unknown property', async () => {
    hs = await startHubspot(testSeed(5));
    hs.faults.set(parseFaults('hubspot.batchInvalidRefusesWhole=0'));
    const batch = hs.client().crm.companies.batchApi;
    const info = await batch.updateWithHttpInfo({
      inputs: [
        { id: '1001', properties: { hubspot_owner_id: OWNER_B } },
        { id: '999', properties: { hubspot_owner_id: OWNER_B } },
        { id: '1002', properties: { hubspot_owner_id: '424242' } },
        { id: '1003', properties: { csm_owner: ARCHIVED_OWNER } },
        { id: '1004', properties: { favourite_colour: 'blue' } },
        { id: '1005', properties: { hs_object_id: '1' } },
      ],
    });
    expect(info.httpStatusCode).toBe(207);
    const result = info.data as unknown as BatchResult;
    expect(result.results.map((r) => r.id)).toEqual(['1001']);
    expect(result.numErrors).toBe(5);
    const errors = result.errors ?? [];
    expect(errors.map((e) => [e.category, e.context.ids])).toEqual([
      ['OBJECT_NOT_FOUND', ['999']],
      ['VALIDATION_ERROR', ['1002']],
      ['VALIDATION_ERROR', ['1003']],
      ['VALIDATION_ERROR', ['1004']],
      ['VALIDATION_ERROR', ['1005']],
    ]);
    expect(errors.every((e) => e.status === 'error')).toBe(true);
    expect(errors[1]?.message).toMatch(/^Property values were not valid: \[/);
    const detail = JSON.parse(errors[1]?.message.replace('Property values were not valid: ', '') ?? '[]');
    expect(detail).toEqual([
      {
        isValid: false,
        message: '424242 was not one of the allowed options',
        error: 'INVALID_OPTION',
        name: 'hubspot_owner_id',
      },
    ]);
    expect(errors[2]?.message).toContain(`${ARCHIVED_OWNER} was not one of the allowed options`);
    expect(errors[3]?.message).toContain('PROPERTY_DOESNT_EXIST');
    expect(errors[4]?.message).toContain('READ_ONLY_VALUE');

    // Only the valid input was applied and logged.
    expect(hs.writes.all().map((w) => w.id)).toEqual(['1001']);
    const untouched = await hs.client().crm.companies.basicApi.getById('1002', ['hubspot_owner_id']);
    expect(untouched.properties).toMatchObject({ hubspot_owner_id: OWNER_A, hs_lastmodifieddate: STAMP });
  });

  it('refuses more than 100 inputs and duplicate ids with a 400; batch reads name missing ids', async () => {
    hs = await startHubspot(testSeed(101));
    const batch = hs.client().crm.companies.batchApi;
    const inputs = Array.from({ length: 101 }, (_, i) => ({
      id: String(1001 + i),
      properties: { hubspot_owner_id: OWNER_B },
    }));
    const tooMany = await sdkError(() => batch.update({ inputs }));
    expect(tooMany.code).toBe(400);
    expect(tooMany.body).toMatchObject({ category: 'VALIDATION_ERROR' });
    expect((await batch.updateWithHttpInfo({ inputs: inputs.slice(0, 100) })).httpStatusCode).toBe(200);
    const twice = await sdkError(() => batch.update({ inputs: [inputs[0]!, inputs[0]!] }));
    expect(twice.code).toBe(400);

    const read = await batch.readWithHttpInfo({
      inputs: [{ id: '1001' }, { id: '7' }, { id: '8' }],
      properties: ['name'],
      propertiesWithHistory: [],
    });
    expect(read.httpStatusCode).toBe(207);
    expect(read.data).toMatchObject({
      results: [{ id: '1001' }],
      numErrors: 1,
      errors: [{ category: 'OBJECT_NOT_FOUND', context: { ids: ['7', '8'] } }],
    });
    const tooManyReads = await sdkError(() =>
      batch.read({ inputs: inputs.map(({ id }) => ({ id })), properties: [], propertiesWithHistory: [] }),
    );
    expect(tooManyReads.code).toBe(400);
  });

  it('fails records when the fault spec says so (record=P), writing nothing for them', async () => {
    hs = await startHubspot(testSeed(4));
    hs.faults.set(parseFaults('record=1'));
    const info = await hs.client().crm.companies.batchApi.updateWithHttpInfo({
      inputs: [
        { id: '1001', properties: { hubspot_owner_id: OWNER_B } },
        { id: '1002', properties: { hubspot_owner_id: OWNER_B } },
      ],
    });
    expect(info.httpStatusCode).toBe(207);
    expect(info.data).toMatchObject({
      results: [],
      numErrors: 2,
      errors: [
        { category: 'VALIDATION_ERROR', context: { ids: ['1001'] } },
        { category: 'VALIDATION_ERROR', context: { ids: ['1002'] } },
      ],
    });
    expect(hs.writes.all()).toEqual([]);
    expect(hs.faults.injected.record).toBe(2);
  });

  it('creates, updates and archives single records; reset restores the seed, which is never mutated', async () => {
    const seed = testSeed(2);
    const pristine = structuredClone(seed);
    hs = await startHubspot(seed);
    const companies = hs.client().crm.companies.basicApi;

    const created = await companies.create({
      properties: { name: 'New Co', hubspot_owner_id: OWNER_B },
      associations: [],
    });
    expect(created.id).toBe('1003');
    expect(created.properties).toMatchObject({ name: 'New Co', hubspot_owner_id: OWNER_B, hs_object_id: '1003' });
    const refused = await sdkError(() => companies.create({ properties: { hubspot_owner_id: '5' }, associations: [] }));
    expect(refused.code).toBe(400);
    expect(String(refused.body.message)).toContain('INVALID_OPTION');

    hs.clock.ms += 5_000;
    const updated = await companies.update('1001', { properties: { name: 'Renamed' } });
    expect(updated.properties).toMatchObject({
      name: 'Renamed',
      hs_lastmodifieddate: new Date(NOW + 5_000).toISOString(),
    });
    expect((await sdkError(() => companies.update('999', { properties: { name: 'x' } }))).code).toBe(404);

    await companies.archive('1002');
    expect((await sdkError(() => companies.getById('1002'))).code).toBe(404);
    const listed = await companies.getPage(100);
    expect(listed.results.map((c) => c.id)).toEqual(['1001', '1003']);

    expect(hs.writes.all().map((w) => `${w.id}.${w.field}=${w.value}`)).toEqual([
      '1003.name=New Co',
      `1003.hubspot_owner_id=${OWNER_B}`,
      '1001.name=Renamed',
    ]);
    expect(seed).toEqual(pristine);

    const reset = await fetch(`${hs.server.url}/__sandbox/reset`, { method: 'POST' });
    expect(reset.status).toBe(200);
    const after = await companies.getPage(100, undefined, ['name']);
    expect(after.results.map((c) => [c.id, c.properties.name])).toEqual([
      ['1001', 'Company 1'],
      ['1002', 'Company 2'],
    ]);
    expect(seed).toEqual(pristine);
  });
});
