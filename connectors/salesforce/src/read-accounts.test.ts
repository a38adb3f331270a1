import type { AccountPage, Connector } from '@spoc/core/connector';
import nock from 'nock';
import { afterEach, beforeAll, describe, expect, it } from 'vitest';
import { API, account, BASE, config, ctx, fast, queryPage, sfError, sfId, soqlOf, user } from '../test/fixtures.ts';
import { createSalesforceConnector } from './connector.ts';

beforeAll(() => nock.disableNetConnect());
afterEach(() => {
  nock.cleanAll();
});

async function drain(connector: Connector, since: string | null = null): Promise<AccountPage[]> {
  const pages: AccountPage[] = [];
  for await (const page of connector.readAccounts({ since })) pages.push(page);
  return pages;
}

const stamp = (second: number) => `2026-03-01T10:00:${String(second).padStart(2, '0')}.000+0000`;
const range = (from: number, count: number, at: (n: number) => string) =>
  Array.from({ length: count }, (_, i) => account(from + i, at(from + i)));

describe('reading Accounts', () => {
  it('reads every Account in 2,000-record pages through nextRecordsUrl, one call a page, selecting only the configured fields', async () => {
    // Ordered by (SystemModstamp, Id), as the query asks; the newest stamp is on the last page.
    const at = (n: number) => stamp(Math.floor(n / 1000));
    const seen: string[] = [];
    nock(BASE)
      .get(`${API}/query`)
      .query((q) => {
        seen.push(soqlOf(q));
        return true;
      })
      .reply(200, queryPage(range(1, 2000, at), '01gA-2000', 5000))
      .get(`${API}/query/01gA-2000`)
      .reply(200, queryPage(range(2001, 2000, at), '01gA-4000', 5000))
      .get(`${API}/query/01gA-4000`)
      .reply(200, queryPage(range(4001, 1000, at), undefined, 5000));
    const connector = createSalesforceConnector(config, ctx, fast);
    const pages = await drain(connector);

    expect(seen).toEqual([
      'SELECT Id, Name, Website, SystemModstamp, OwnerId, CSM__c, HubSpot_Id__c FROM Account ORDER BY SystemModstamp, Id',
    ]);
    expect(pages.map((p) => p.records.length)).toEqual([2000, 2000, 1000]);
    expect(new Set(pages.flatMap((p) => p.records.map((r) => r.id))).size).toBe(5000);
    expect(connector.stats()).toEqual({ calls: 3, retries: 0, throttled: 0 });
    expect(pages.map((p) => JSON.parse(p.cursor))).toEqual([
      { ts: '2026-03-01T10:00:02.000Z', id: sfId('001', 2000) },
      { ts: '2026-03-01T10:00:04.000Z', id: sfId('001', 4000) },
      { ts: '2026-03-01T10:00:05.000Z', id: sfId('001', 5000) },
    ]);
    expect(pages[0]?.records[0]).toEqual({
      system: 'salesforce',
      id: sfId('001', 1),
      name: 'Customer 1',
      domains: ['https://www.c1.example'],
      xrefs: { HubSpot_Id__c: null },
      roles: { account_owner: { id: sfId('005', 1) }, csm: null },
      modifiedAt: '2026-03-01T10:00:00.000Z',
    });
  });

  it('resumes after its cursor with the Id tie-breaker, so Accounts sharing a SystemModstamp are read once', async () => {
    const seen: string[] = [];
    nock(BASE)
      .get(`${API}/query`)
      .query((q) => {
        seen.push(soqlOf(q));
        return true;
      })
      .reply(
        200,
        queryPage([
          account(8, stamp(7), { CSM__c: sfId('005', 3), HubSpot_Id__c: '9001' }),
          account(9, stamp(7)),
          account(2, stamp(8)),
        ]),
      );
    const since = JSON.stringify({ ts: '2026-03-01T10:00:07.000Z', id: sfId('001', 7) });
    const [page] = await drain(createSalesforceConnector(config, ctx, fast), since);

    expect(seen).toEqual([
      `SELECT Id, Name, Website, SystemModstamp, OwnerId, CSM__c, HubSpot_Id__c FROM Account WHERE SystemModstamp > 2026-03-01T10:00:07Z OR (SystemModstamp = 2026-03-01T10:00:07Z AND Id > '${sfId('001', 7)}') ORDER BY SystemModstamp, Id`,
    ]);
    expect(page?.records.map((r) => r.id)).toEqual([sfId('001', 8), sfId('001', 9), sfId('001', 2)]);
    expect(page?.records[0]?.roles.csm).toEqual({ id: sfId('005', 3) });
    expect(page?.records[0]?.xrefs).toEqual({ HubSpot_Id__c: '9001' });
    expect(JSON.parse(page?.cursor ?? '')).toEqual({ ts: '2026-03-01T10:00:08.000Z', id: sfId('001', 2) });
  });

  it('costs exactly one call when nothing changed, and keeps the cursor where it was', async () => {
    nock(BASE).get(`${API}/query`).query(true).reply(200, queryPage([]));
    const since = JSON.stringify({ ts: '2026-03-01T10:00:07.000Z', id: sfId('001', 7) });
    const connector = createSalesforceConnector(config, ctx, fast);
    const pages = await drain(connector, since);
    expect(pages.flatMap((p) => p.records)).toEqual([]);
    expect(pages.at(-1)?.cursor).toBe(since);
    expect(connector.stats().calls).toBe(1);
    expect(nock.isDone()).toBe(true);
  });

  it('a full read of an empty org leaves a cursor from which the next read takes every Account', async () => {
    nock(BASE).get(`${API}/query`).query(true).reply(200, queryPage([]));
    const [page] = await drain(createSalesforceConnector(config, ctx, fast));
    expect(JSON.parse(page?.cursor ?? '')).toEqual({ ts: '1970-01-01T00:00:00.000Z', id: '' });
  });

  it('reports a malformed Account and goes on with the page, stepping the cursor past it', async () => {
    nock(BASE)
      .get(`${API}/query`)
      .query(true)
      .reply(
        200,
        queryPage([
          account(1, stamp(1)),
          account(2, stamp(2), { OwnerId: { bogus: true } }),
          { attributes: { type: 'Account' }, Id: sfId('001', 3), SystemModstamp: 'yesterday' },
          account(4, stamp(3)),
        ]),
      );
    const [page] = await drain(createSalesforceConnector(config, ctx, fast));
    expect(page?.records.map((r) => r.id)).toEqual([sfId('001', 1), sfId('001', 4)]);
    expect(page?.rejected).toEqual([
      { id: sfId('001', 2), reason: 'OwnerId: expected a User Id' },
      { id: sfId('001', 3), reason: 'SystemModstamp: not a Salesforce dateTime' },
    ]);
    expect(JSON.parse(page?.cursor ?? '')).toEqual({ ts: '2026-03-01T10:00:03.000Z', id: sfId('001', 4) });
  });

  it('hands out the pages it read before the daily limit stopped it, each with its own cursor', async () => {
    nock(BASE)
      .get(`${API}/query`)
      .query(true)
      .reply(200, queryPage([account(1, stamp(1))], '01gB-1'))
      .get(`${API}/query/01gB-1`)
      .reply(403, sfError('REQUEST_LIMIT_EXCEEDED', 'TotalRequests Limit exceeded.'));
    const pages: AccountPage[] = [];
    const connector = createSalesforceConnector(config, ctx, fast);
    await expect(
      (async () => {
        for await (const page of connector.readAccounts({ since: null })) pages.push(page);
      })(),
    ).rejects.toMatchObject({ kind: 'vendor', code: 'SALESFORCE_DAILY_LIMIT' });
    expect(pages.map((p) => JSON.parse(p.cursor))).toEqual([{ ts: '2026-03-01T10:00:01.000Z', id: sfId('001', 1) }]);
    // A refusal of the day's allocation is not retried.
    expect(connector.stats()).toMatchObject({ calls: 2, retries: 0 });
  });

  it('refuses a cursor it did not write instead of guessing where to start', async () => {
    await expect(drain(createSalesforceConnector(config, ctx, fast), '12345')).rejects.toMatchObject({
      kind: 'config',
      code: 'SALESFORCE_BAD_CURSOR',
    });
  });
});

describe('listing people', () => {
  it('lists standard Users, active and inactive, page by page', async () => {
    const seen: string[] = [];
    nock(BASE)
      .get(`${API}/query`)
      .query((q) => {
        seen.push(soqlOf(q));
        return true;
      })
      .reply(200, queryPage([user(1), user(2, false)], '01gU-2'))
      .get(`${API}/query/01gU-2`)
      .reply(200, queryPage([user(3), { Id: sfId('005', 4), Email: 'x@acme.example' }]));
    const pages = [];
    for await (const page of createSalesforceConnector(config, ctx, fast).listPeople()) pages.push(page);
    expect(seen).toEqual(["SELECT Id, Email, IsActive, Name FROM User WHERE UserType = 'Standard'"]);
    expect(pages.map((p) => p.map((u) => [u.id, u.email, u.active]))).toEqual([
      [
        [sfId('005', 1), 'user1@acme.example', true],
        [sfId('005', 2), 'user2@acme.example', false],
      ],
      // The User without IsActive is malformed: left out, not fatal.
      [[sfId('005', 3), 'user3@acme.example', true]],
    ]);
  });
});
