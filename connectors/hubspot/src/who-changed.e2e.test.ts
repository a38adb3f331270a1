import type { ConnectorContext, PersonRecord } from '@spoc/core/connector';
import { generateSeed, type Sandbox, startSandbox } from '@spoc/sandbox';
import pino from 'pino';
import { afterEach, describe, expect, it } from 'vitest';
import { hubspotEmulator } from '../emulator/index.ts';
import { createHubspotConnector } from './connector.ts';

const ctx: ConnectorContext = {
  logger: pino({ level: 'silent' }),
  roles: { account_owner: { field: 'hubspot_owner_id', value: 'id' }, csm: { field: 'csm_owner', value: 'id' } },
  xrefFields: [],
  cascades: [],
};

let sandbox: Sandbox<'hubspot'> | undefined;
afterEach(async () => {
  await sandbox?.close();
  sandbox = undefined;
});

/** An edit through HubSpot's API with a given token (`ui-user-<id>`: a person in the UI). */
async function edit(baseUrl: string, token: string, id: string, properties: Record<string, string>) {
  const response = await fetch(`${baseUrl}/crm/v3/objects/companies/batch/update`, {
    method: 'POST',
    headers: { authorization: `Bearer ${token}`, 'content-type': 'application/json' },
    body: JSON.stringify({ inputs: [{ id, properties }] }),
  });
  expect(response.status).toBe(200);
}

describe('who changed an owner in HubSpot (property history, real @hubspot/api-client)', () => {
  it('names the user who changed it in the UI, an integration, or the import, per company and role', async () => {
    const seed = generateSeed({ accounts: 120 });
    sandbox = await startSandbox({ emulators: [hubspotEmulator], seed, port: 0, rateLimits: false });
    const baseUrl = sandbox.urls.hubspot;
    const connector = createHubspotConnector(
      { accessToken: 'pat-test', baseUrl, rateLimit: { perTenSeconds: 190, searchPerSecond: 5 } },
      ctx,
    );
    const people: PersonRecord[] = [];
    for await (const page of connector.listPeople()) people.push(...page);
    const owners = (seed.hubspot?.owners ?? []).filter((o) => typeof o.userId === 'number');
    const [editor, newOwner] = owners as [(typeof owners)[number], (typeof owners)[number]];
    const companies = seed.hubspot?.companies ?? [];
    const idOf = (i: number) => String(companies[i]?.id);
    // Company 0: a person re-owns it in HubSpot's UI. Company 1: an integration sets its CSM.
    // Company 110 (past the first batch of 50): the same person changes its CSM.
    await edit(baseUrl, `ui-user-${String(editor.userId)}`, idOf(0), { hubspot_owner_id: String(newOwner.id) });
    await edit(baseUrl, 'pat-other-app', idOf(1), { csm_owner: String(newOwner.id) });
    await edit(baseUrl, `ui-user-${String(editor.userId)}`, idOf(110), { csm_owner: String(newOwner.id) });
    const before = connector.stats().calls;

    const authors = await connector.whoChanged?.([
      { recordId: idOf(0), role: 'account_owner' },
      { recordId: idOf(1), role: 'csm' },
      { recordId: idOf(2), role: 'account_owner' },
      ...Array.from({ length: 60 }, (_, i) => ({ recordId: idOf(50 + i), role: 'csm' })),
      { recordId: idOf(110), role: 'csm' },
    ]);

    const editorPerson = people.find((p) => p.email === editor.email);
    expect(editorPerson).toBeDefined();
    const byRecord = new Map(authors?.map((a) => [`${a.recordId}/${a.role}`, a]));
    expect(byRecord.get(`${idOf(0)}/account_owner`)).toEqual({
      recordId: idOf(0),
      role: 'account_owner',
      personId: editorPerson?.id,
    });
    expect(byRecord.get(`${idOf(1)}/csm`)).toEqual({ recordId: idOf(1), role: 'csm', via: 'an integration' });
    // Never edited since the portal was loaded: the value came with an import.
    expect(byRecord.get(`${idOf(2)}/account_owner`)).toMatchObject({ via: 'a HubSpot import' });
    expect(byRecord.get(`${idOf(110)}/csm`)).toMatchObject({ personId: editorPerson?.id });
    // One read for the account owners, two for the 61 CSMs (50 a call with history).
    expect(connector.stats().calls - before).toBe(3);

    // A run that took its people from the store never listed the owners: the user is
    // looked up once, by user id.
    const fresh = createHubspotConnector(
      { accessToken: 'pat-test', baseUrl, rateLimit: { perTenSeconds: 190, searchPerSecond: 5 } },
      ctx,
    );
    const again = await fresh.whoChanged?.([
      { recordId: idOf(0), role: 'account_owner' },
      { recordId: idOf(110), role: 'csm' },
    ]);
    expect(again?.map((a) => a.personId)).toEqual([editorPerson?.id, editorPerson?.id]);
    expect(fresh.stats().calls).toBe(3);
  });
});
