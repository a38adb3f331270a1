import type { ConnectorContext } from '@spoc/core/connector';
import nock from 'nock';
import pino from 'pino';
import { afterEach, beforeAll, describe, expect, it } from 'vitest';
import { createHubspotConnector } from './connector.ts';
import type { HubspotSettings } from './settings.ts';

const BASE = 'https://sandbox.example.test';
const ctx: ConnectorContext = {
  logger: pino({ level: 'silent' }),
  roles: {
    account_owner: { field: 'hubspot_owner_id', value: 'id' },
    csm: { field: 'csm_owner', value: 'id' },
  },
  xrefFields: ['salesforceaccountid'],
  cascades: [],
};
const config: HubspotSettings = {
  accessToken: 'pat-na1-test',
  baseUrl: `${BASE}/`,
  rateLimit: { perTenSeconds: 190, searchPerSecond: 5 },
};
const fast = { retry: { maxAttempts: 2, baseDelayMs: 1, maxDelayMs: 2 } };

const property = (name: string, readOnlyValue = false) => ({
  name,
  label: name,
  type: 'enumeration',
  fieldType: 'select',
  groupName: 'companyinformation',
  options: [],
  modificationMetadata: { archivable: true, readOnlyDefinition: false, readOnlyValue },
});
const missingScope = (scope: string) => ({
  status: 'error',
  message:
    "This app hasn't been granted all required scopes to make this call. Read more about required scopes here: https://developers.hubspot.com/scopes.",
  correlationId: 'c0ffee',
  errors: [
    { message: 'One or more of the following scopes are required.', context: { requiredGranularScopes: [scope] } },
  ],
  links: { 'scopes-documentation': 'https://developers.hubspot.com/scopes' },
  category: 'MISSING_SCOPES',
});

beforeAll(() => nock.disableNetConnect());
afterEach(() => nock.cleanAll());

/** A portal that answers check()'s calls; `overrides` replace one answer by path. */
function portal(overrides: Partial<Record<'owners' | 'companies' | 'properties' | 'write', [number, unknown]>> = {}) {
  const scope = nock(BASE);
  scope
    .get('/crm/v3/owners/')
    .query({ limit: '1', archived: 'false' })
    .reply(...(overrides.owners ?? [200, { results: [{ id: '101', email: 'ann@acme.test', archived: false }] }]));
  scope
    .get('/crm/v3/objects/companies')
    .query(
      (q) =>
        q.limit === '1' &&
        String(q.properties) === 'name,domain,hs_lastmodifieddate,hubspot_owner_id,csm_owner,salesforceaccountid',
    )
    .optionally()
    .reply(...(overrides.companies ?? [200, { results: [] }]));
  scope
    .get('/crm/v3/properties/companies')
    .optionally()
    .reply(
      ...(overrides.properties ?? [
        200,
        { results: [property('hubspot_owner_id'), property('csm_owner'), property('salesforceaccountid')] },
      ]),
    );
  scope
    .post('/crm/v3/objects/companies/batch/update', { inputs: [] })
    .optionally()
    .reply(...(overrides.write ?? [200, { status: 'COMPLETE', results: [] }]));
  return scope;
}

describe('check()', () => {
  it('is ok when the token, scopes and properties are all there, in four calls', async () => {
    const scope = portal();
    const connector = createHubspotConnector(config, ctx, fast);
    expect(await connector.check()).toEqual({ ok: true, problems: [] });
    expect(scope.isDone()).toBe(true);
    expect(connector.stats().calls).toBe(4);
  });

  it('says once that the access token was rejected (401)', async () => {
    portal({
      owners: [
        401,
        { status: 'error', message: 'Authentication credentials not found.', category: 'INVALID_AUTHENTICATION' },
      ],
    });
    const result = await createHubspotConnector(config, ctx, fast).check();
    expect(result.ok).toBe(false);
    expect(result.problems).toEqual([
      expect.stringMatching(/rejected the access token \(systems\.hubspot\.accessToken/),
    ]);
    expect(result.problems[0]).not.toContain('pat-na1-test');
  });

  it('names the missing scope', async () => {
    portal({ write: [403, missingScope('crm.objects.companies.write')] });
    const result = await createHubspotConnector(config, ctx, fast).check();
    expect(result).toEqual({
      ok: false,
      problems: [
        'the HubSpot private app lacks the scope crm.objects.companies.write (needed for writing company owners)',
      ],
    });
  });

  it('names a configured property the portal does not have, and a role property that cannot be written', async () => {
    portal({ properties: [200, { results: [property('hubspot_owner_id', true), property('csm_owner')] }] });
    const result = await createHubspotConnector(config, ctx, fast).check();
    expect(result.problems).toEqual([
      'HubSpot companies have no property salesforceaccountid',
      'HubSpot company property hubspot_owner_id (role account_owner) is read-only: spoc cannot write it',
    ]);
  });

  it('does not fail when only the property definitions cannot be read (a schema scope the sync does not need)', async () => {
    portal({ properties: [403, missingScope('crm.schemas.companies.read')] });
    const result = await createHubspotConnector(config, ctx, fast).check();
    expect(result.ok).toBe(true);
    expect(result.details?.properties).toContain('crm.schemas.companies.read');
  });

  it('checks the contact scopes when the contact cascade is on', async () => {
    portal();
    nock(BASE)
      .get('/crm/v3/objects/contacts')
      .query({ limit: '1' })
      .reply(403, missingScope('crm.objects.contacts.read'))
      .post('/crm/v3/objects/contacts/batch/update')
      .reply(200, { status: 'COMPLETE', results: [] });
    const result = await createHubspotConnector(config, { ...ctx, cascades: ['contacts'] }, fast).check();
    expect(result.problems).toEqual([
      'the HubSpot private app lacks the scope crm.objects.contacts.read (needed for the contact cascade)',
    ]);
  });
});
