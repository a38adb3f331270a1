import type { ConnectorContext } from '@spoc/core/connector';
import { generateSeed, type Sandbox, startSandbox } from '@spoc/sandbox';
import pino from 'pino';
import { afterEach, describe, expect, it } from 'vitest';
import { salesforceEmulator } from '../emulator/index.ts';
import { createSalesforceConnector } from './connector.ts';

const ctx: ConnectorContext = {
  logger: pino({ level: 'silent' }),
  roles: { account_owner: { field: 'OwnerId', value: 'id' }, csm: { field: 'CSM__c', value: 'id' } },
  xrefFields: [],
  cascades: [],
};

let sandbox: Sandbox<'salesforce'> | undefined;
afterEach(async () => {
  await sandbox?.close();
  sandbox = undefined;
});

/** An edit through the REST API in a given session (`ui-user-<UserId>`: that person in the UI). */
async function edit(baseUrl: string, token: string, id: string, fields: Record<string, string>) {
  const response = await fetch(`${baseUrl}/services/data/v62.0/sobjects/Account/${id}`, {
    method: 'PATCH',
    headers: { authorization: `Bearer ${token}`, 'content-type': 'application/json' },
    body: JSON.stringify(fields),
  });
  expect(response.status).toBe(204);
}

describe('who changed an owner in Salesforce (AccountHistory, real jsforce)', () => {
  it('names the user whose session made the latest change of each role field', async () => {
    const seed = generateSeed({ accounts: 5 });
    sandbox = await startSandbox({ emulators: [salesforceEmulator], seed, port: 0, rateLimits: false });
    const baseUrl = sandbox.urls.salesforce;
    const connector = createSalesforceConnector(
      {
        instanceUrl: baseUrl,
        apiVersion: '62.0',
        accessToken: 'token',
        refreshToken: undefined,
        clientId: undefined,
        clientSecret: undefined,
        loginUrl: baseUrl,
        dailyApiShare: 0.5,
      },
      ctx,
      { retry: { baseDelayMs: 1, maxDelayMs: 5, maxAttempts: 3 } },
    );
    const users = (seed.salesforce?.User ?? []).filter((u) => u.IsActive === true);
    const [alice, bob, carol] = users.map((u) => String(u.Id)) as [string, string, string];
    const accounts = (seed.salesforce?.Account ?? []).map((a) => String(a.Id));
    const [a0, a1, a2] = accounts as [string, string, string];
    // a0: alice re-owns it, then bob re-owns it again (the latest change counts).
    await edit(baseUrl, `ui-user-${alice}`, a0, { OwnerId: carol });
    await edit(baseUrl, `ui-user-${bob}`, a0, { OwnerId: alice });
    // a1: carol changes its CSM only; its owner was never changed since the org was loaded.
    await edit(baseUrl, `ui-user-${carol}`, a1, { CSM__c: bob });

    const authors = await connector.whoChanged?.([
      { recordId: a0, role: 'account_owner' },
      { recordId: a1, role: 'csm' },
      { recordId: a1, role: 'account_owner' },
      { recordId: a2, role: 'csm' },
    ]);

    expect(authors).toEqual(
      expect.arrayContaining([
        { recordId: a0, role: 'account_owner', personId: bob },
        { recordId: a1, role: 'csm', personId: carol },
      ]),
    );
    // No history rows: nothing is said of them.
    expect(authors).toHaveLength(2);
    expect(connector.stats().calls).toBe(1);
  });
});
