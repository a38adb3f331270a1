import nock from 'nock';
import { afterEach, beforeAll, describe, expect, it } from 'vitest';
import { ACCOUNTS_PER_CONTACT_QUERY } from './contact-cascade.ts';
import { createSalesforceConnector } from './salesforce-connector.ts';
import { API, BASE, config, contact, ctx, fast, queryPage, sfId, soqlOf } from './testing.ts';

beforeAll(() => nock.disableNetConnect());
afterEach(() => {
  nock.cleanAll();
});

type Body = { records: { id: string; OwnerId: string; attributes: { type: string } }[] };

describe('contact cascade', () => {
  it('moves the Contacts whose owner differs to the account owner and lists failures under their account', async () => {
    const a1 = sfId('001', 1);
    const a2 = sfId('001', 2);
    const soql: string[] = [];
    const bodies: Body[] = [];
    nock(BASE)
      .get(`${API}/query`)
      .query((q) => {
        soql.push(soqlOf(q));
        return true;
      })
      .reply(
        200,
        queryPage(
          [contact(1, a1, sfId('005', 1)), contact(2, a1, sfId('005', 7)), contact(3, a2, sfId('005', 1))],
          '01gC-3',
        ),
      )
      .get(`${API}/query/01gC-3`)
      .reply(200, queryPage([contact(4, a2, sfId('005', 2))]))
      .patch(`${API}/composite/sobjects`, (body: Body) => {
        bodies.push(body);
        return true;
      })
      .reply(200, [
        { id: sfId('003', 1), success: true, errors: [] },
        { id: sfId('003', 3), success: true, errors: [] },
        { success: false, errors: [{ statusCode: 'INACTIVE_OWNER_OR_USER', message: 'inactive user', fields: [] }] },
      ]);
    const connector = createSalesforceConnector(config, ctx, fast);
    const results = await connector.cascadeContacts?.([
      { accountRecordId: a1, ownerId: sfId('005', 7) },
      { accountRecordId: a2, ownerId: sfId('005', 9) },
    ]);

    expect(soql).toEqual([`SELECT Id, AccountId, OwnerId FROM Contact WHERE AccountId IN ('${a1}', '${a2}')`]);
    // Contact 2 already has the owner: not written.
    expect(bodies[0]?.records.map((r) => [r.attributes.type, r.id, r.OwnerId])).toEqual([
      ['Contact', sfId('003', 1), sfId('005', 7)],
      ['Contact', sfId('003', 3), sfId('005', 9)],
      ['Contact', sfId('003', 4), sfId('005', 9)],
    ]);
    expect(results).toEqual([
      { accountRecordId: a1, updated: 1, failed: [] },
      {
        accountRecordId: a2,
        updated: 1,
        failed: [
          { id: sfId('003', 4), error: { code: 'INACTIVE_OWNER_OR_USER', kind: 'record', message: 'inactive user' } },
        ],
      },
    ]);
    expect(connector.stats().calls).toBe(3);
  });

  it('splits a long list of accounts over several queries', async () => {
    const count = ACCOUNTS_PER_CONTACT_QUERY + 1;
    const sizes: number[] = [];
    nock(BASE)
      .get(`${API}/query`)
      .query((q) => {
        sizes.push((soqlOf(q).match(/'001/g) ?? []).length);
        return true;
      })
      .times(2)
      .reply(200, queryPage([]));
    const updates = Array.from({ length: count }, (_, i) => ({
      accountRecordId: sfId('001', i),
      ownerId: sfId('005', 1),
    }));
    const results = await createSalesforceConnector(config, ctx, fast).cascadeContacts?.(updates);
    expect(sizes).toEqual([ACCOUNTS_PER_CONTACT_QUERY, 1]);
    expect(results?.every((r) => r.updated === 0 && r.failed.length === 0)).toBe(true);
  });
});
