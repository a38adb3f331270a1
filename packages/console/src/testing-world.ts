import { type AccountRecord, createRegistry, type PersonRecord, type SystemId } from '@spoc/core';
import { hubspot } from '@spoc/hubspot';
import { salesforce } from '@spoc/salesforce';
import { zendesk } from '@spoc/zendesk';

/** The systems the console's tests configure. */
export const WORLD_REGISTRY = createRegistry([hubspot, salesforce, zendesk]);

const PEOPLE = ['anna', 'bruno', 'chloe', 'dora'];

/** People in all three systems (id `<system>-<name>`); chloe left Zendesk. */
export function worldPeople(system: SystemId): PersonRecord[] {
  return PEOPLE.map((name) => ({
    system,
    id: `${system}-${name}`,
    email: `${name}@acme.test`,
    active: !(system === 'zendesk' && name === 'chloe'),
    name: name[0]?.toUpperCase() + name.slice(1),
  }));
}

/**
 * Six customers linked by cross-reference. Owner (Salesforce decides): customers 1–2
 * drift in HubSpot. CSM (two-way, manual tie-break): customer 3 disagrees everywhere.
 */
export function worldAccounts(system: SystemId): AccountRecord[] {
  return [1, 2, 3, 4, 5, 6].map((n) => {
    const owner = system === 'hubspot' && n <= 2 ? 'bruno' : n === 6 ? 'bruno' : 'anna';
    const csm = n === 3 ? { hubspot: 'bruno', salesforce: 'dora', zendesk: 'anna' }[system] : 'dora';
    return {
      system,
      id: system === 'salesforce' ? `001${n}` : `${system}${n}`,
      name: `Customer ${n}`,
      domains: [`c${n}.example`],
      xrefs: system === 'salesforce' ? {} : { salesforceaccountid: `001${n}`, external_id: `001${n}` },
      roles: {
        owner: { id: `${system}-${owner}` },
        csm: system === 'zendesk' ? { email: `${csm}@acme.test` } : { id: `${system}-${csm}` },
      },
      modifiedAt: '2026-01-01T00:00:00Z',
    };
  });
}

export const WORLD_CONFIG = `
version: 1
systems:
  hubspot: { accessToken: "\${HS_TOKEN}", baseUrl: "http://127.0.0.1:9", portalId: 4242 }
  salesforce: { instanceUrl: "https://acme.my.salesforce.com", accessToken: "\${SF_TOKEN}" }
  zendesk: { baseUrl: "https://acme.zendesk.com/api/v2", email: ops@acme.test, apiToken: "\${ZD_TOKEN}" }
accounts:
  link:
    - xref: { hubspot: salesforceaccountid, zendesk: external_id }
roles:
  owner:
    fields:
      hubspot: { object: company, property: owner }
      salesforce: { object: Account, field: owner }
      zendesk: { object: organization, field: owner, value: user_id }
    policy: { authority: salesforce }
  csm:
    fields:
      hubspot: { object: company, property: csm }
      salesforce: { object: Account, field: csm }
      zendesk: { object: organization, field: csm, value: email }
    policy: { twoWay: { tieBreak: manual } }
safety:
  maxChanges: 1
state:
  sqlite: STATE
`;

export const WORLD_SECRETS = { HS_TOKEN: 'hs-secret-1234', SF_TOKEN: 'sf-secret-5678', ZD_TOKEN: 'zd-secret-9012' };
