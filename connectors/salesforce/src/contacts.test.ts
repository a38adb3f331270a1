import nock from 'nock';
import { afterEach, beforeAll, describe, expect, it } from 'vitest';
import { API, BASE, config, contact, ctx, fast, queryPage, sfId, soqlOf } from '../test/fixtures.ts';
import { createSalesforceConnector } from './connector.ts';
import { ACCOUNTS_PER_CONTACT_QUERY } from './read-contacts.ts';

beforeAll(() => nock.disableNetConnect());
afterEach(() => {
  nock.cleanAll();
});

type Body = { records: { id: string; OwnerId: string; attributes: { type: string } }[] };

describe('contact cascade', () => {
  it('previews the Contacts whose owner differs (reading only), applies them, and lists failures under their account', async () => {
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
      .reply(200, queryPage([contact(4, a2, sfId('005', 2))]));
    const connector = createSalesforceConnector(config, ctx, fast);
    expect(connector.cascades).toEqual(['contacts']);
    // Only the query is intercepted so far: a write during the preview would fail (net connect is off).
    const preview = await connector.previewCascade?.([
      { kind: 'contacts', accountRecordId: a1, fromId: null, toId: sfId('005', 7) },
      { kind: 'contacts', accountRecordId: a2, fromId: null, toId: sfId('005', 9) },
    ]);
    // Contact 2 already has the owner: not moved.
    expect(preview?.moves.map((m) => [m.accountRecordId, m.id, m.toId])).toEqual([
      [a1, sfId('003', 1), sfId('005', 7)],
      [a2, sfId('003', 3), sfId('005', 9)],
      [a2, sfId('003', 4), sfId('005', 9)],
    ]);
    nock(BASE)
      .patch(`${API}/composite/sobjects`, (body: Body) => {
        bodies.push(body);
        return true;
      })
      .reply(200, [
        { id: sfId('003', 1), success: true, errors: [] },
        { id: sfId('003', 3), success: true, errors: [] },
        { success: false, errors: [{ statusCode: 'INACTIVE_OWNER_OR_USER', message: 'inactive user', fields: [] }] },
      ]);
    const results = await connector.applyCascade?.(preview?.moves ?? []);

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
    const requests = Array.from({ length: count }, (_, i) => ({
      kind: 'contacts' as const,
      accountRecordId: sfId('001', i),
      fromId: null,
      toId: sfId('005', 1),
    }));
    const preview = await createSalesforceConnector(config, ctx, fast).previewCascade?.(requests);
    expect(sizes).toEqual([ACCOUNTS_PER_CONTACT_QUERY, 1]);
    expect(preview).toEqual({ moves: [], problems: [] });
  });

  it("counts the org's Contacts with one COUNT() query", async () => {
    const soql: string[] = [];
    nock(BASE)
      .get(`${API}/query`)
      .query((q) => {
        soql.push(soqlOf(q));
        return true;
      })
      .reply(200, { totalSize: 4321, done: true, records: [] });
    expect(await createSalesforceConnector(config, ctx, fast).countCascadeScope?.('contacts')).toBe(4321);
    expect(soql).toEqual(['SELECT COUNT() FROM Contact']);
  });
});
