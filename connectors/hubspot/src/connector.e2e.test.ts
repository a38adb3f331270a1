import type { AccountRecord, ConnectorContext, PersonRecord } from '@spoc/core/connector';
import { generateSeed, type Sandbox, startSandbox } from '@spoc/sandbox';
import pino from 'pino';
import { afterEach, describe, expect, it } from 'vitest';
import { hubspotEmulator } from '../emulator/index.ts';
import { createHubspotConnector, type HubspotConnectorOptions } from './connector.ts';
import type { HubspotSettings } from './settings.ts';

const ctx: ConnectorContext = {
  logger: pino({ level: 'silent' }),
  roles: { account_owner: { field: 'hubspot_owner_id', value: 'id' }, csm: { field: 'csm_owner', value: 'id' } },
  xrefFields: ['salesforceaccountid'],
  cascades: [],
};

let sandbox: Sandbox<'hubspot'> | undefined;
afterEach(async () => {
  await sandbox?.close();
  sandbox = undefined;
});

async function start(accounts: number, options: { contacts?: boolean; rateLimits?: boolean; faults?: string } = {}) {
  sandbox = await startSandbox({
    emulators: [hubspotEmulator],
    seed: generateSeed({ accounts, ...(options.contacts ? { contactsPerAccount: 3, contactAccounts: 2 } : {}) }),
    port: 0,
    rateLimits: options.rateLimits ?? false,
    ...(options.faults ? { faults: options.faults } : {}),
  });
  const config: HubspotSettings = {
    accessToken: 'pat-test',
    baseUrl: sandbox.urls.hubspot,
    rateLimit: { perTenSeconds: 190, searchPerSecond: 5 },
  };
  return config;
}

async function readAll(config: HubspotSettings, since: string | null, options: HubspotConnectorOptions = {}) {
  const connector = createHubspotConnector(config, ctx, options);
  const records: AccountRecord[] = [];
  let cursor = since;
  for await (const page of connector.readAccounts({ since })) {
    records.push(...page.records);
    cursor = page.cursor;
  }
  return { records, cursor, calls: connector.stats().calls, retries: connector.stats().retries };
}

describe('HubSpot connector against the sandbox (real @hubspot/api-client)', () => {
  it('lists companies 100 a page; an unchanged incremental read costs one search', async () => {
    const config = await start(250);
    const full = await readAll(config, null);
    expect(full.records).toHaveLength(250);
    expect(full.calls).toBe(3);
    expect(full.records[0]).toMatchObject({
      system: 'hubspot',
      roles: { account_owner: { id: expect.any(String) }, csm: { id: expect.any(String) } },
      domains: ['customer-000001.example'],
    });
    const idle = await readAll(config, full.cursor);
    expect(idle).toMatchObject({ records: [], calls: 1, retries: 0 });
  });

  it("reports the portal's daily allowance as HubSpot's headers give it (X-HubSpot-RateLimit-Daily, -Remaining)", async () => {
    const config = await start(250, { rateLimits: true });
    const connector = createHubspotConnector(config, ctx);
    for await (const _ of connector.readAccounts({ since: null })) {
      // read every page
    }
    // The sandbox portal's default allowance, one request used per call so far.
    expect(connector.stats()).toMatchObject({ calls: 3, daily: { used: 3, limit: 1_000_000 } });
  });

  it('reads every company exactly once through injected 5xx and connection resets', async () => {
    const config = await start(450, { faults: '5xx=0.2,reset=0.1,seed=7' });
    const full = await readAll(config, null, { retry: { baseDelayMs: 1, maxDelayMs: 5, maxAttempts: 10 } });
    expect(full.records).toHaveLength(450);
    expect(new Set(full.records.map((r) => r.id)).size).toBe(450);
    expect(full.retries).toBeGreaterThan(0);
  });

  it('reads more than 10,000 companies sharing one timestamp exactly once, past the search window', async () => {
    // The sandbox's limits are off here: pace searches fast so the test stays quick.
    const config = { ...(await start(10_250)), rateLimit: { perTenSeconds: 190, searchPerSecond: 1000 } };
    const all = await readAll(config, JSON.stringify({ ts: 0, id: '0' }));
    expect(all.records).toHaveLength(10_250);
    expect(new Set(all.records.map((r) => r.id)).size).toBe(10_250);
    const again = await readAll(config, all.cursor);
    expect(again.records).toEqual([]);
  });

  it('lists people: archived owners inactive, queues excluded', async () => {
    const config = await start(100);
    const people: PersonRecord[] = [];
    for await (const page of createHubspotConnector(config, ctx).listPeople()) people.push(...page);
    expect(people).toHaveLength(8);
    expect(people.filter((p) => !p.active).map((p) => p.email)).toEqual(['hugo.schmidt@acme.test']);
  });

  it('writes in batches of 100, maps a 207 per record, and the change shows in the next incremental read', async () => {
    // HubSpot answering per input (207) rather than refusing the batch whole.
    const config = await start(150, { faults: 'hubspot.batchInvalidRefusesWhole=0' });
    const full = await readAll(config, null);
    const connector = createHubspotConnector(config, ctx);
    const writes = full.records
      .slice(0, 120)
      .map((r) => ({ recordId: r.id, role: 'account_owner', to: { id: '70001', email: 'b@acme.test' } }));
    writes.push({ recordId: '999', role: 'account_owner', to: { id: '70001', email: 'b' } });
    writes.push({ recordId: full.records[130]?.id ?? '', role: 'csm', to: { id: '70007', email: 'departed' } });
    const results = await connector.writeAssignments(writes);
    expect(connector.stats().calls).toBe(2);
    expect(results.filter((r) => r.ok)).toHaveLength(120);
    expect(results.slice(120).map((r) => (r.ok ? 'ok' : r.error.code))).toEqual([
      'OBJECT_NOT_FOUND',
      'VALIDATION_ERROR',
    ]);
    const changed = await readAll(config, full.cursor);
    expect(changed.records).toHaveLength(120);
    expect(changed.records.every((r) => JSON.stringify(r.roles.account_owner) === '{"id":"70001"}')).toBe(true);
  });

  it('writes the good companies of a batch HubSpot refuses whole for one departed owner, failing only that one', async () => {
    // The emulator's default: an invalid owner fails the whole batch update with one 400.
    const config = await start(150);
    const full = await readAll(config, null);
    const connector = createHubspotConnector(config, ctx);
    const writes = full.records
      .slice(0, 120)
      .map((r) => ({ recordId: r.id, role: 'account_owner', to: { id: '70001', email: 'b@acme.test' } }));
    // 70007 is a deactivated (archived) owner in the generated world.
    writes[42] = {
      recordId: full.records[42]?.id ?? '',
      role: 'account_owner',
      to: { id: '70007', email: 'departed' },
    };
    const results = await connector.writeAssignments(writes);
    expect(results.filter((r) => !r.ok).map((r) => [r.recordId, r.ok ? '' : r.error.code])).toEqual([
      [full.records[42]?.id, 'VALIDATION_ERROR'],
    ]);
    // 2 calls if nothing were bad; halving 100 inputs to the bad one costs 14 more.
    expect(connector.stats().calls).toBe(2 + 14);
    const written = new Set(sandbox?.writes.hubspot.all().map((w) => w.id));
    expect(written.size).toBe(119);
    expect(written.has(full.records[42]?.id ?? '')).toBe(false);
  });

  it('previews the contacts that would move (writing nothing), moves exactly those, then has none left', async () => {
    const config = await start(5, { contacts: true });
    const connector = createHubspotConnector(config, ctx);
    // Company 1000000's three contacts are owned by 70003 in the generated world.
    const request = [{ kind: 'contacts' as const, accountRecordId: '1000000', fromId: '70003', toId: '70005' }];
    const preview = await connector.previewCascade?.(request);
    expect(preview?.moves.map((m) => m.id).sort()).toEqual(['2000001', '2000002', '2000003']);
    expect(sandbox?.writes.hubspot.all()).toEqual([]);
    // Two companies with three contacts each.
    expect(await connector.countCascadeScope?.('contacts')).toBe(6);
    const results = await connector.applyCascade?.(preview?.moves ?? []);
    expect(results).toEqual([{ accountRecordId: '1000000', updated: 3, failed: [] }]);
    expect(sandbox?.writes.hubspot.all().map((w) => [w.object, w.id, w.value])).toEqual([
      ['contacts', '2000001', '70005'],
      ['contacts', '2000002', '70005'],
      ['contacts', '2000003', '70005'],
    ]);
    expect((await connector.previewCascade?.(request))?.moves).toEqual([]);
  });

  it('check() names a missing property, a bad token and a missing write scope', async () => {
    const config = await start(5);
    expect(await createHubspotConnector(config, ctx).check()).toEqual({ ok: true, problems: [] });
    expect(await createHubspotConnector(config, { ...ctx, cascades: ['contacts'] }).check()).toEqual({
      ok: true,
      problems: [],
    });
    const missing = await createHubspotConnector(config, {
      ...ctx,
      roles: { csm: { field: 'success_owner_id', value: 'id' } },
    }).check();
    expect(missing.problems).toEqual(['HubSpot companies have no property success_owner_id']);
    const bad = await createHubspotConnector({ ...config, accessToken: 'invalid' }, ctx).check();
    expect(bad.problems[0]).toMatch(/rejected the access token/);
    const scopeless = await createHubspotConnector({ ...config, accessToken: 'noscope-1' }, ctx).check();
    expect(scopeless.problems).toEqual([
      'the HubSpot private app lacks the scope crm.objects.companies.write (needed for writing company owners)',
    ]);
  });
});
