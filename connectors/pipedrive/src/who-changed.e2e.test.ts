import type { ConnectorContext } from '@spoc/core/connector';
import { contractProblems, generateSeed, type Sandbox, startSandbox } from '@spoc/sandbox';
import pino from 'pino';
import { afterEach, describe, expect, it } from 'vitest';
import { contracts } from '../contract/index.ts';
import { PIPEDRIVE_FIELDS, type PipedriveSeed, pipedriveEmulator } from '../emulator/index.ts';
import { createPipedriveConnector } from './connector.ts';

const ctx: ConnectorContext = {
  logger: pino({ level: 'silent' }),
  roles: {
    account_owner: { field: 'owner_id', value: 'id' },
    csm: { field: PIPEDRIVE_FIELDS.csm.label, value: 'id' },
  },
  xrefFields: [],
  cascades: [],
};

let sandbox: Sandbox<'pipedrive'> | undefined;
afterEach(async () => {
  await sandbox?.close();
  sandbox = undefined;
});

/** An edit through Pipedrive's API as a given user (`ui-user-<id>`: that person in the app). */
async function edit(baseUrl: string, token: string, id: number, body: object) {
  const response = await fetch(`${baseUrl}/api/v2/organizations/${id}`, {
    method: 'PATCH',
    headers: { 'x-api-token': token, 'content-type': 'application/json' },
    body: JSON.stringify(body),
  });
  expect([response.status, response.status === 200 ? '' : await response.text()]).toEqual([200, '']);
}

describe('who changed an owner in Pipedrive (organization changelog, real pipedrive SDK)', () => {
  it("names the user of the latest update of each role's field; organizations never edited are left out", async () => {
    const seed = generateSeed({ accounts: 5 }, [pipedriveEmulator]);
    const pd = seed.pipedrive as PipedriveSeed;
    sandbox = await startSandbox({ emulators: [pipedriveEmulator], seed, port: 0, rateLimits: false, record: true });
    const baseUrl = sandbox.urls.pipedrive;
    const connector = createPipedriveConnector(
      { apiToken: 'pd-sandbox', baseUrl, companyDomain: undefined, rateLimit: { perTwoSeconds: 20 } },
      ctx,
      { retry: { baseDelayMs: 1, maxDelayMs: 5, maxAttempts: 3 } },
    );
    const users = pd.users.filter((u) => u.active_flag !== false).map((u) => Number(u.id));
    const [alice, bob, carol] = users as [number, number, number];
    const [o1, o2, o3] = pd.organizations.map((o) => Number(o.id)) as [number, number, number];
    const csmKey = PIPEDRIVE_FIELDS.csm.key;
    await edit(baseUrl, `ui-user-${alice}`, o1, { owner_id: carol });
    await edit(baseUrl, `ui-user-${bob}`, o1, { owner_id: alice });
    await edit(baseUrl, `ui-user-${carol}`, o2, { custom_fields: { [csmKey]: bob } });

    const authors = await connector.whoChanged?.([
      { recordId: String(o1), role: 'account_owner' },
      { recordId: String(o2), role: 'csm' },
      { recordId: String(o2), role: 'account_owner' },
      { recordId: String(o3), role: 'csm' },
    ]);
    expect(authors).toEqual([
      { recordId: String(o1), role: 'account_owner', personId: String(bob) },
      { recordId: String(o2), role: 'csm', personId: String(carol) },
    ]);
    // The changelog calls and answers as Pipedrive documents them.
    const exchanges = sandbox.exchanges().pipedrive;
    expect(exchanges.filter((e) => e.route === '/api/v1/organizations/:id/changelog')).toHaveLength(3);
    expect(contractProblems(exchanges, contracts).join('\n')).toBe('');
  });
});
