import { Client } from '@hubspot/api-client';
import type { ConnectorContext } from '@spoc/core/connector';
import { contractProblems, type Exchange, type RunningEmulator, startEmulator } from '@spoc/sandbox/kit';
import pino from 'pino';
import { afterEach, describe, expect, it } from 'vitest';
import { contracts } from '../contract/index.ts';
import { hubspotEmulator } from '../emulator/index.ts';
import { ARCHIVED_OWNER, NOW, OWNER_B, testSeed } from '../test/emulator.ts';
import { createHubspotConnector } from './connector.ts';

const ctx: ConnectorContext = {
  logger: pino({ level: 'silent' }),
  roles: { account_owner: { field: 'hubspot_owner_id', value: 'id' }, csm: { field: 'csm_owner', value: 'id' } },
  xrefFields: [],
  cascades: ['contacts'],
};

let server: RunningEmulator | undefined;
afterEach(async () => {
  await server?.close();
  server = undefined;
});

/** A whole sync through the connector, and a person's edit through the SDK, recorded. */
async function recordedSync(): Promise<Exchange[]> {
  const clock = { ms: NOW };
  server = await startEmulator(hubspotEmulator, testSeed(150), {
    record: true,
    rateLimits: false,
    now: () => clock.ms,
  });
  const connector = createHubspotConnector(
    { accessToken: 'pat-test', baseUrl: server.url, rateLimit: { perTenSeconds: 190, searchPerSecond: 100 } },
    ctx,
  );
  expect(await connector.check()).toEqual({ ok: true, problems: [] });
  for await (const _ of connector.listPeople()) {
    // every page of owners
  }
  let cursor: string | null = null;
  for await (const page of connector.readAccounts({ since: null })) cursor = page.cursor;
  // A person reassigns a company in HubSpot, the way its UI or another integration does.
  clock.ms += 1_000;
  await new Client({ accessToken: 'pat-test', basePath: server.url }).crm.companies.basicApi.update('1003', {
    properties: { hubspot_owner_id: OWNER_B },
  });
  for await (const page of connector.readAccounts({ since: cursor })) cursor = page.cursor;
  const writes = ['1001', '1002', '1004'].map((recordId) => ({
    recordId,
    role: 'account_owner',
    to: { id: OWNER_B, email: 'b@acme.test' },
  }));
  // One departed owner: HubSpot refuses the batch whole and the connector narrows it down.
  writes.push({ recordId: '1005', role: 'csm', to: { id: ARCHIVED_OWNER, email: 'gone@acme.test' } });
  const results = await connector.writeAssignments(writes);
  expect(results.filter((r) => !r.ok).map((r) => r.recordId)).toEqual(['1005']);
  const request = [{ kind: 'contacts' as const, accountRecordId: '1001', fromId: '101', toId: OWNER_B }];
  const preview = await connector.previewCascade?.(request);
  expect(preview?.moves).toHaveLength(1);
  await connector.applyCascade?.(preview?.moves ?? []);
  await connector.countCascadeScope?.('contacts');
  return server.exchanges();
}

describe('HubSpot contracts (from @hubspot/api-client’s generated models)', () => {
  it('hold for every request the connector sends and every answer the emulator gives in a sync', async () => {
    const exchanges = await recordedSync();
    const routes = new Set(exchanges.map((e) => `${e.method} ${e.route}`));
    expect([...routes].sort()).toEqual([
      'GET /crm/v3/objects/:type',
      'GET /crm/v3/owners',
      'GET /crm/v3/properties/:type',
      'PATCH /crm/v3/objects/:type/:id',
      'POST /crm/v3/objects/:type/batch/update',
      'POST /crm/v3/objects/:type/search',
    ]);
    expect(exchanges.some((e) => e.status === 400)).toBe(true);
    expect(contractProblems(exchanges, contracts)).toEqual([]);
  });

  it('name the endpoint and field when an answer or a request departs from HubSpot’s definition', async () => {
    const exchanges = await recordedSync();
    const search = exchanges.find((e) => e.route === '/crm/v3/objects/:type/search' && e.status === 200);
    const list = exchanges.find((e) => e.route === '/crm/v3/objects/:type' && e.method === 'GET');
    if (!search || !list) throw new Error('the sync made no search or list call');
    const bent: Exchange[] = [
      // updatedAt as epoch milliseconds instead of an ISO date-time.
      {
        ...list,
        response: {
          ...(list.response as object),
          results: [{ id: '1', properties: {}, updatedAt: 1767225600000 }],
        },
      },
      // Two sort rules: HubSpot takes one.
      {
        ...search,
        request: {
          ...(search.request as object),
          sorts: [
            { propertyName: 'hs_lastmodifieddate', direction: 'ASCENDING' },
            { propertyName: 'hs_object_id', direction: 'ASCENDING' },
          ],
        },
      },
      // A field the model does not have.
      { ...search, response: { ...(search.response as object), nextCursor: 'x' } },
    ];
    const problems = contractProblems(bent, contracts);
    expect(problems).toEqual([
      expect.stringMatching(/^GET \/crm\/v3\/objects\/:type .* response: results\.0\.updatedAt: /),
      expect.stringMatching(/^POST \/crm\/v3\/objects\/:type\/search .* request: sorts: /),
      expect.stringMatching(/^POST \/crm\/v3\/objects\/:type\/search .* response: \(body\): .*nextCursor/),
    ]);
  });
});
