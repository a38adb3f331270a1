import { parseFaults, type SalesforceSeed } from '@spoc/sandbox/kit';
import { afterAll, beforeAll, beforeEach, describe, expect, it } from 'vitest';
import {
  accountId,
  contactId,
  type RunningSalesforce,
  STAMP,
  startSalesforce,
  testSeed,
  userId,
} from '../test/emulator.ts';

async function reset(sf: RunningSalesforce): Promise<void> {
  await fetch(`${sf.url}/__sandbox/reset`, { method: 'POST' });
}

describe('Salesforce writes through jsforce', () => {
  let sf: RunningSalesforce;
  let seed: SalesforceSeed;
  let seedCopy: string;
  beforeAll(async () => {
    seed = testSeed(300);
    seedCopy = JSON.stringify(seed);
    sf = await startSalesforce(seed);
  });
  afterAll(() => sf.close());
  beforeEach(async () => {
    sf.faults.set(parseFaults(undefined));
    await reset(sf);
  });

  it('updates a collection with per-record results in input order, visible later with a bumped SystemModstamp', async () => {
    const conn = sf.connect();
    await conn.sobject('Account').destroy(accountId(3));
    const results = await conn.sobject('Account').update(
      [
        { Id: accountId(1), OwnerId: userId(2) },
        { Id: accountId(2), OwnerId: userId(3) }, // inactive user
        { Id: accountId(3), OwnerId: userId(1) }, // deleted
        { Id: accountId(4), CSM__c: userId(1) },
        { Id: accountId(5), OwnerId: userId(9) }, // no such user
        { Id: accountId(6), SystemModstamp: '2030-01-01T00:00:00Z' }, // read-only
      ],
      { allOrNone: false },
    );
    expect(results.map((r) => r.success)).toEqual([true, false, false, true, false, false]);
    expect(results[0]).toEqual({ id: accountId(1), success: true, errors: [] });
    const codes = results.map((r) =>
      r.success ? null : (r.errors[0] as unknown as { statusCode: string }).statusCode,
    );
    expect(codes).toEqual([
      null,
      'INACTIVE_OWNER_OR_USER',
      'ENTITY_IS_DELETED',
      null,
      'INVALID_CROSS_REFERENCE_KEY',
      'INVALID_FIELD_FOR_INSERT_UPDATE',
    ]);
    expect(results[1]?.errors[0]).toMatchObject({
      message: `operation performed with inactive user [${userId(3)}] as owner of account`,
      fields: ['OwnerId'],
    });

    const after = await conn.query<{ Id: string; OwnerId: string; CSM__c: string; SystemModstamp: string }>(
      `SELECT Id, OwnerId, CSM__c, SystemModstamp, LastModifiedDate FROM Account WHERE SystemModstamp > ${STAMP.replace('.000+0000', 'Z')} AND Id IN ('${accountId(1)}', '${accountId(2)}', '${accountId(4)}') ORDER BY Id`,
    );
    expect(after.records.map((r) => r.Id)).toEqual([accountId(1), accountId(4)]);
    expect(after.records[0]?.OwnerId).toBe(userId(2));
    expect(after.records[1]?.CSM__c).toBe(userId(1));
    // One call, one timestamp; and it is "now".
    expect(after.records[0]?.SystemModstamp).toBe(after.records[1]?.SystemModstamp);
    expect(
      Math.abs(Date.parse(after.records[0]?.SystemModstamp.replace('+0000', 'Z') ?? '') - Date.now()),
    ).toBeLessThan(5_000);
    const deleted = await conn.query(`SELECT Id FROM Account WHERE Id = '${accountId(3)}'`);
    expect(deleted.totalSize).toBe(0);

    expect(sf.writes.all().map(({ object, id, field, value }) => ({ object, id, field, value }))).toEqual([
      { object: 'Account', id: accountId(1), field: 'OwnerId', value: userId(2) },
      { object: 'Account', id: accountId(4), field: 'CSM__c', value: userId(1) },
    ]);
  });

  it('applies nothing with allOrNone when one record fails, marking the others ALL_OR_NONE_OPERATION_ROLLED_BACK', async () => {
    const conn = sf.connect();
    const results = await conn.sobject('Account').update(
      [
        { Id: accountId(11), OwnerId: userId(2) },
        { Id: accountId(12), OwnerId: userId(3) },
      ],
      { allOrNone: true },
    );
    expect(results).toEqual([
      {
        id: accountId(11),
        success: false,
        errors: [
          {
            statusCode: 'ALL_OR_NONE_OPERATION_ROLLED_BACK',
            message: 'Record rolled back because not all records were valid and the request was using AllOrNone header',
            fields: [],
          },
        ],
      },
      expect.objectContaining({
        success: false,
        errors: [expect.objectContaining({ statusCode: 'INACTIVE_OWNER_OR_USER' })],
      }),
    ]);
    const row = await conn.sobject('Account').retrieve(accountId(11));
    expect(row.OwnerId).toBe(userId(1));
    expect(row.SystemModstamp).toBe(STAMP);
    expect(sf.writes.all()).toHaveLength(0);
  });

  it('fails records with FIELD_CUSTOM_VALIDATION_EXCEPTION when faults inject per-record failures', async () => {
    sf.faults.set(parseFaults('record=1'));
    const results = await sf
      .connect()
      .sobject('Account')
      .update([{ Id: accountId(20), OwnerId: userId(2) }], { allOrNone: false });
    expect(results[0]).toMatchObject({ success: false, errors: [{ statusCode: 'FIELD_CUSTOM_VALIDATION_EXCEPTION' }] });
    expect(sf.writes.all()).toHaveLength(0);
  });

  it('refuses more than 200 records with EXCEEDED_ID_LIMIT', async () => {
    const records = Array.from({ length: 201 }, (_, i) => ({ Id: accountId(i + 1), OwnerId: userId(2) }));
    await expect(sf.connect().sobject('Account').update(records, { allOrNone: false })).rejects.toMatchObject({
      errorCode: 'EXCEEDED_ID_LIMIT',
    });
  });

  it('creates, reads and patches single records (201 / 200 / 204)', async () => {
    const conn = sf.connect();
    const created = await conn
      .sobject('Contact')
      .create({ LastName: 'New', AccountId: accountId(1), Email: 'n@x.test' });
    expect(created).toMatchObject({ success: true, errors: [] });
    expect(created.id).toMatch(/^003[A-Za-z0-9]{15}$/);
    await conn.sobject('Contact').update({ Id: contactId(1), OwnerId: userId(2) });
    const read = await conn.sobject('Contact').retrieve(contactId(1));
    expect(read).toMatchObject({ Id: contactId(1), OwnerId: userId(2), AccountId: accountId(1), Name: 'Contact 1' });
    const missing = await conn
      .sobject('Account')
      .create({ Website: 'x.test' })
      .catch((e: unknown) => e);
    expect(missing).toMatchObject({ errorCode: 'REQUIRED_FIELD_MISSING' });
    await expect(conn.sobject('Account').retrieve('001000000000999AAA')).rejects.toMatchObject({
      errorCode: 'NOT_FOUND',
    });
  });

  it('describes fields: lookups to User with relationship names, read-only audit fields, inferred custom fields', async () => {
    const describe = await sf.connect().sobject('Account').describe();
    expect(describe.name).toBe('Account');
    const field = (name: string) => describe.fields.find((f) => f.name === name);
    expect(field('OwnerId')).toMatchObject({
      type: 'reference',
      referenceTo: ['User'],
      relationshipName: 'Owner',
      updateable: true,
      nillable: false,
    });
    expect(field('CSM__c')).toMatchObject({
      type: 'reference',
      referenceTo: ['User'],
      relationshipName: 'CSM__r',
      updateable: true,
      custom: true,
    });
    expect(field('SystemModstamp')).toMatchObject({ type: 'datetime', updateable: false });
    expect(field('Id')).toMatchObject({ type: 'id', updateable: false });
    expect(field('CreatedDate')).toMatchObject({ updateable: false });
    expect(field('Website')).toMatchObject({ type: 'url', updateable: true });
  });

  it('reset restores the seed and never mutates the seed object', async () => {
    const conn = sf.connect();
    await conn.sobject('Account').update([{ Id: accountId(1), OwnerId: userId(2) }], { allOrNone: false });
    expect(JSON.stringify(seed)).toBe(seedCopy);
    await reset(sf);
    const row = await conn.sobject('Account').retrieve(accountId(1));
    expect(row.OwnerId).toBe(userId(1));
  });

  it('lists ids updated in a window via /sobjects/Account/updated', async () => {
    const conn = sf.connect();
    const start = new Date(Date.now() - 60_000).toISOString();
    await conn.sobject('Account').update([{ Id: accountId(7), Name: 'Renamed' }], { allOrNone: false });
    const end = new Date(Date.now() + 60_000).toISOString();
    const updated = await conn.sobject('Account').updated(start, end);
    expect(updated.ids).toEqual([accountId(7)]);
    expect(updated.latestDateCovered).toMatch(/^\d{4}-\d{2}-\d{2}T\d{2}:\d{2}:00\.000\+0000$/);
  });
});
