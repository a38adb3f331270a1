import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { accountId, type RunningSalesforce, STAMP, startSalesforce, testSeed, userId } from '../test/emulator.ts';

const ACCOUNTS = 4500;

describe('Salesforce SOQL query through jsforce', () => {
  let sf: RunningSalesforce;
  beforeAll(async () => {
    sf = await startSalesforce(testSeed(ACCOUNTS));
  });
  afterAll(() => sf.close());

  it('pages through 3 query pages of 2,000 with autoFetch, returning only the selected fields', async () => {
    const before = { ...sf.server.stats().requests };
    const result = await sf
      .connect()
      .query<{ Id: string; Name: string }>('SELECT Id, Name FROM Account')
      .run({ autoFetch: true, maxFetch: 100_000 });
    expect(result.totalSize).toBe(ACCOUNTS);
    expect(result.records).toHaveLength(ACCOUNTS);
    expect(new Set(result.records.map((r) => r.Id)).size).toBe(ACCOUNTS);
    const first = result.records[0] as unknown as Record<string, unknown>;
    expect(Object.keys(first)).toEqual(['attributes', 'Id', 'Name']);
    expect(first.attributes).toEqual({ type: 'Account', url: `/services/data/v62.0/sobjects/Account/${accountId(1)}` });
    const after = sf.server.stats().requests;
    const calls = (key: string) => (after[key] ?? 0) - (before[key] ?? 0);
    expect(calls('GET /services/data/:version/query')).toBe(1);
    expect(calls('GET /services/data/:version/query/:locator')).toBe(2);
  });

  it('answers one page with done:false and a nextRecordsUrl locator of the form 01g…-2000', async () => {
    const res = await fetch(`${sf.url}/services/data/v62.0/query?q=${encodeURIComponent('SELECT Id FROM Account')}`, {
      headers: { Authorization: 'Bearer t' },
    });
    const body = (await res.json()) as { totalSize: number; done: boolean; nextRecordsUrl: string; records: unknown[] };
    expect(body.totalSize).toBe(ACCOUNTS);
    expect(body.done).toBe(false);
    expect(body.records).toHaveLength(2000);
    expect(body.nextRecordsUrl).toMatch(/^\/services\/data\/v62\.0\/query\/01g[A-Za-z0-9]{15}-2000$/);
  });

  it('honours Sforce-Query-Options batchSize (clamped to 200–2,000)', async () => {
    const res = await fetch(`${sf.url}/services/data/v62.0/query?q=${encodeURIComponent('SELECT Id FROM Account')}`, {
      headers: { Authorization: 'Bearer t', 'Sforce-Query-Options': 'batchSize=500' },
    });
    const body = (await res.json()) as { records: unknown[]; nextRecordsUrl: string };
    expect(body.records).toHaveLength(500);
    expect(body.nextRecordsUrl).toMatch(/-500$/);
  });

  it('filters an incremental window (SystemModstamp > t OR (= t AND Id > last)) ordered by SystemModstamp, Id', async () => {
    const cursorId = accountId(4480);
    const soql =
      'SELECT Id, SystemModstamp FROM Account ' +
      `WHERE SystemModstamp > 2026-01-01T00:00:00Z OR (SystemModstamp = ${STAMP} AND Id > '${cursorId}') ` +
      'ORDER BY SystemModstamp ASC, Id ASC';
    const result = await sf.connect().query<{ Id: string; SystemModstamp: string }>(soql).run({ autoFetch: true });
    // 20 untouched accounts after the cursor id (4481..4500 minus the newer ones) + 450 newer ones.
    const newer = ACCOUNTS / 10;
    const tail = Array.from({ length: 20 }, (_, i) => 4481 + i).filter((n) => n % 10 !== 0).length;
    expect(result.records).toHaveLength(tail + newer);
    const stamps = result.records.map((r) => r.SystemModstamp);
    expect(stamps[0]).toBe(STAMP);
    expect(stamps.at(-1)).toBe('2026-01-01T00:01:00.000+0000');
    const keys = result.records.map((r) => `${r.SystemModstamp}|${r.Id}`);
    expect(keys).toEqual([...keys].sort());
    expect(result.records[0]?.Id).toBe(accountId(4481));
  });

  it('nests relationship fields (Owner.Email, CSM__r.Email) and answers null for an empty lookup', async () => {
    const result = await sf
      .connect()
      .query<Record<string, unknown>>(
        `SELECT Id, owner.email, CSM__r.Email, csm__c FROM Account WHERE Id IN ('${accountId(1)}', '${accountId(2)}') ORDER BY Id`,
      );
    expect(result.records).toHaveLength(2);
    const [first, second] = result.records;
    expect(first).toEqual({
      attributes: { type: 'Account', url: `/services/data/v62.0/sobjects/Account/${accountId(1)}` },
      Id: accountId(1),
      Owner: {
        attributes: { type: 'User', url: `/services/data/v62.0/sobjects/User/${userId(1)}` },
        Email: 'user1@acme.test',
      },
      CSM__r: null,
      CSM__c: null,
    });
    expect((second as { CSM__r: { Email: string } }).CSM__r.Email).toBe('user1@acme.test');
  });

  it('filters on relationship fields, LIKE, NOT IN, booleans, LIMIT and COUNT()', async () => {
    const conn = sf.connect();
    const owned = await conn.query(`SELECT COUNT() FROM Account WHERE Owner.Email = 'USER2@acme.test'`);
    expect(owned.totalSize).toBe(ACCOUNTS / 2);
    const like = await conn.query<{ Name: string }>(
      `SELECT Name FROM Account WHERE Name LIKE 'account 12_' ORDER BY Name DESC`,
    );
    expect(like.records.map((r) => r.Name)).toEqual(Array.from({ length: 10 }, (_, i) => `Account ${129 - i}`));
    const active = await conn.query<{ Email: string }>(
      `SELECT Email FROM User WHERE IsActive = true AND Id NOT IN ('${userId(2)}')`,
    );
    expect(active.records.map((r) => r.Email)).toEqual(['user1@acme.test']);
    const limited = await conn.query('SELECT Id FROM Account ORDER BY Name DESC NULLS LAST LIMIT 3');
    expect(limited.records).toHaveLength(3);
    expect(limited.done).toBe(true);
  });

  it('rejects an unknown field with INVALID_FIELD pointing at its row and column', async () => {
    const soql = 'SELECT Id, Foo__c FROM Account';
    const res = await fetch(`${sf.url}/services/data/v62.0/query?q=${encodeURIComponent(soql)}`, {
      headers: { Authorization: 'Bearer t' },
    });
    expect(res.status).toBe(400);
    const body = (await res.json()) as { message: string; errorCode: string }[];
    expect(body).toHaveLength(1);
    expect(body[0]?.errorCode).toBe('INVALID_FIELD');
    expect(body[0]?.message).toMatch(
      /^\nSELECT Id, Foo__c FROM Account\n {11}\^\nERROR at Row:1:Column:12\nNo such column 'Foo__c' on entity 'Account'/,
    );
    await expect(sf.connect().query('SELECT Id FROM Account WHERE Name = ')).rejects.toMatchObject({
      errorCode: 'MALFORMED_QUERY',
    });
    await expect(
      sf.connect().query(`SELECT Id FROM Account WHERE SystemModstamp > '2026-01-01'`),
    ).rejects.toMatchObject({ errorCode: 'INVALID_QUERY_FILTER_OPERATOR' });
    await expect(sf.connect().query('SELECT Id FROM Opportunity')).rejects.toMatchObject({ errorCode: 'INVALID_TYPE' });
  });

  it('answers INVALID_QUERY_LOCATOR for an unknown locator', async () => {
    await expect(sf.connect().queryMore('01g000000000000AAA-2000')).rejects.toMatchObject({
      errorCode: 'INVALID_QUERY_LOCATOR',
    });
  });
});
