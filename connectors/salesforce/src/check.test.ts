import nock from 'nock';
import { afterEach, beforeAll, describe, expect, it } from 'vitest';
import { API, BASE, config, ctx, fast, sfError, usage } from '../test/fixtures.ts';
import { createSalesforceConnector } from './connector.ts';

beforeAll(() => nock.disableNetConnect());
afterEach(() => {
  nock.cleanAll();
});

type Field = { name: string; type: string; updateable: boolean; referenceTo?: string[] };
const field = (name: string, type = 'string', updateable = true, referenceTo: string[] = []): Field => ({
  name,
  type,
  updateable,
  referenceTo,
});
const describeBody = (name: string, fields: Field[]) => ({
  name,
  label: name,
  updateable: true,
  fields: fields.map((f) => ({ ...f, label: f.name, nillable: true, custom: f.name.endsWith('__c') })),
});
const accountFields = [
  field('Id', 'id', false),
  field('Name'),
  field('Website', 'url'),
  field('SystemModstamp', 'datetime', false),
  field('OwnerId', 'reference', true, ['User']),
];
const userFields = ['Id', 'Email', 'IsActive', 'Name', 'UserType'].map((n) => field(n, 'string', false));

function org(account: Field[], contact?: Field[]) {
  const scope = nock(BASE)
    .get(`${API}/sobjects/Account/describe`)
    .reply(200, describeBody('Account', account), usage(1001, 100000))
    .get(`${API}/sobjects/User/describe`)
    .reply(200, describeBody('User', userFields), usage(1002, 100000));
  if (contact) scope.get(`${API}/sobjects/Contact/describe`).reply(200, describeBody('Contact', contact));
  return scope;
}

describe('check()', () => {
  it('passes when every role field and cross-reference exists, is updateable and role lookups point at User', async () => {
    const scope = org(
      [...accountFields, field('CSM__c', 'reference', true, ['User']), field('HubSpot_Id__c')],
      [
        field('Id', 'id', false),
        field('AccountId', 'reference', true, ['Account']),
        field('OwnerId', 'reference', true, ['User']),
      ],
    );
    const connector = createSalesforceConnector(config, { ...ctx, cascades: ['contacts'] }, fast);
    const result = await connector.check();
    expect(result).toEqual({
      ok: true,
      problems: [],
      details: { apiUsed: 1002, apiLimit: 100000, apiRemaining: 98998 },
    });
    expect(scope.isDone()).toBe(true);
  });

  it('names each missing or unusable field', async () => {
    org(
      [...accountFields, field('CSM__c', 'reference', true, ['Contact'])],
      [
        field('Id', 'id', false),
        field('AccountId', 'reference', true, ['Account']),
        field('OwnerId', 'reference', false, ['User']),
      ],
    );
    const roles = {
      ...ctx.roles,
      support_lead: { field: 'Support_Lead__c', value: 'id' as const },
      owner_email: { field: 'Website', value: 'email' as const },
    };
    const connector = createSalesforceConnector(config, { ...ctx, roles, cascades: ['contacts'] }, fast);
    const result = await connector.check();
    expect(result.ok).toBe(false);
    expect(result.problems).toEqual([
      'Account.CSM__c (role csm) is not a lookup to User (type reference)',
      'Account has no field Support_Lead__c (role support_lead)',
      'Account.Website (role owner_email) holds emails but is of type url, not text',
      'Account has no field HubSpot_Id__c (cross-reference)',
      'Contact.OwnerId is not updateable (contact cascade)',
    ]);
  });

  it('reports a read-only role field', async () => {
    org([
      ...accountFields.filter((f) => f.name !== 'OwnerId'),
      field('OwnerId', 'reference', false, ['User']),
      field('CSM__c', 'reference', true, ['User']),
      field('HubSpot_Id__c'),
    ]);
    const result = await createSalesforceConnector(config, ctx, fast).check();
    expect(result.problems).toEqual([
      "Account.OwnerId (role account_owner) is not updateable by spoc's Salesforce user",
    ]);
  });

  it('names an object it cannot describe and still checks the others', async () => {
    nock(BASE)
      .get(`${API}/sobjects/Account/describe`)
      .reply(200, describeBody('Account', [...accountFields, field('CSM__c', 'reference', true, ['User'])]))
      .get(`${API}/sobjects/User/describe`)
      .reply(404, sfError('NOT_FOUND', 'The requested resource does not exist'));
    const result = await createSalesforceConnector(config, { ...ctx, xrefFields: [] }, fast).check();
    expect(result.ok).toBe(false);
    expect(result.problems).toEqual([expect.stringMatching(/^cannot describe User: .*does not exist/)]);
  });

  it('says once that the session is refused instead of failing every describe', async () => {
    const scope = nock(BASE)
      .get(`${API}/sobjects/Account/describe`)
      .reply(401, sfError('INVALID_SESSION_ID', 'Session expired or invalid'));
    const result = await createSalesforceConnector(config, ctx, fast).check();
    // One call: the other describes are not sent once the session is refused (nock would refuse them too).
    expect(scope.isDone()).toBe(true);
    expect(result.ok).toBe(false);
    expect(result.problems).toEqual([expect.stringContaining('Salesforce refused the access token')]);
  });
});
