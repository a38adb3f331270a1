import type { AccountRecord, ConnectorContext, PersonRecord } from '@spoc/core/connector';
import { generateSeed, type Sandbox, startSandbox } from '@spoc/sandbox';
import pino from 'pino';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { salesforceEmulator } from '../emulator/index.ts';
import { createSalesforceConnector, type SalesforceConnectorOptions } from './connector.ts';
import type { SalesforceSettings } from './settings.ts';

// Real jsforce over HTTP against the Salesforce emulator (emulator/).

const ctx: ConnectorContext = {
  logger: pino({ level: 'silent' }),
  roles: { account_owner: { field: 'OwnerId', value: 'id' }, csm: { field: 'CSM__c', value: 'id' } },
  xrefFields: [],
  cascades: [],
};
const fast: SalesforceConnectorOptions = { retry: { baseDelayMs: 1, maxDelayMs: 5, maxAttempts: 10 } };

function configFor(sandbox: Sandbox<'salesforce'>, overrides: Partial<SalesforceSettings> = {}): SalesforceSettings {
  return {
    instanceUrl: sandbox.urls.salesforce,
    apiVersion: '62.0',
    accessToken: 'token',
    refreshToken: undefined,
    clientId: undefined,
    clientSecret: undefined,
    loginUrl: sandbox.urls.salesforce,
    dailyApiShare: 0.5,
    ...overrides,
  };
}

async function readAll(connector: ReturnType<typeof createSalesforceConnector>, since: string | null) {
  const records: AccountRecord[] = [];
  let cursor: string | null = since;
  for await (const page of connector.readAccounts({ since })) {
    records.push(...page.records);
    cursor = page.cursor;
  }
  return { records, cursor };
}

async function people(connector: ReturnType<typeof createSalesforceConnector>) {
  const all: PersonRecord[] = [];
  for await (const page of connector.listPeople()) all.push(...page);
  return all;
}

describe('Salesforce connector against the sandbox', () => {
  let sandbox: Sandbox<'salesforce'>;
  let config: SalesforceSettings;
  beforeAll(async () => {
    sandbox = await startSandbox({
      emulators: [salesforceEmulator],
      seed: generateSeed({ accounts: 4500, contactsPerAccount: 2, contactAccounts: 3 }),
      port: 0,
      rateLimits: false,
    });
    config = configFor(sandbox);
  });
  afterAll(() => sandbox.close());

  it('reads 4,500 Accounts that all share one SystemModstamp in 3 calls, then an idle incremental read costs 1', async () => {
    const full = createSalesforceConnector(config, ctx, fast);
    const { records, cursor } = await readAll(full, null);
    expect(records).toHaveLength(4500);
    expect(new Set(records.map((r) => r.id)).size).toBe(4500);
    expect(full.stats().calls).toBe(3);
    expect(records[0]?.roles.account_owner).toEqual({ id: expect.stringMatching(/^005/) });

    const idle = createSalesforceConnector(config, ctx, fast);
    expect((await readAll(idle, cursor)).records).toEqual([]);
    expect(idle.stats().calls).toBe(1);
  });

  it('lists standard users with their active state', async () => {
    const all = await people(createSalesforceConnector(config, ctx, fast));
    expect(all.length).toBe(90);
    expect(all.filter((p) => !p.active)).toHaveLength(1);
  });

  it('writes roles in one collection call, reports per-record failures, and the next incremental read sees exactly the change', async () => {
    const before = await readAll(createSalesforceConnector(config, ctx, fast), null);
    const users = await people(createSalesforceConnector(config, ctx, fast));
    const active = users.filter((u) => u.active);
    const inactive = users.find((u) => !u.active);
    const [a, b] = before.records as [AccountRecord, AccountRecord];
    const [u1, u2] = active as [PersonRecord, PersonRecord];
    const connector = createSalesforceConnector(config, ctx, fast);
    const results = await connector.writeAssignments([
      { recordId: a.id, role: 'account_owner', to: { id: u1.id, email: 'x' } },
      { recordId: a.id, role: 'csm', to: { id: u2.id, email: 'y' } },
      { recordId: b.id, role: 'account_owner', to: { id: inactive?.id ?? '', email: 'inactive' } },
      { recordId: '001999999999999AAA', role: 'account_owner', to: { id: u1.id, email: 'x' } },
    ]);
    expect(results.map((r) => (r.ok ? 'ok' : r.error.code))).toEqual([
      'ok',
      'ok',
      'INACTIVE_OWNER_OR_USER',
      expect.any(String),
    ]);
    expect(connector.stats().calls).toBe(1);

    const after = await readAll(createSalesforceConnector(config, ctx, fast), before.cursor);
    expect(after.records.map((r) => r.id)).toEqual([a.id]);
    expect(after.records[0]?.roles).toEqual({ account_owner: { id: u1.id }, csm: { id: u2.id } });
  });

  it('moves contacts to the account owner, and a second cascade has nothing to move', async () => {
    const { records } = await readAll(createSalesforceConnector(config, ctx, fast), null);
    const account = records.find((r) => r.id === '001000000000001AAA') as AccountRecord;
    const target = (await people(createSalesforceConnector(config, ctx, fast))).find((p) => p.active) as PersonRecord;
    const connector = createSalesforceConnector(config, ctx, fast);
    const request = [{ kind: 'contacts' as const, accountRecordId: account.id, fromId: null, toId: target.id }];
    const preview = await connector.previewCascade?.(request);
    const contactWrites = () => sandbox.writes.salesforce.all().filter((w) => w.object === 'Contact');
    expect(preview?.moves).toHaveLength(2);
    expect(contactWrites()).toEqual([]);
    const [result] = (await connector.applyCascade?.(preview?.moves ?? [])) ?? [];
    expect(result).toEqual({ accountRecordId: account.id, updated: 2, failed: [] });
    expect(contactWrites().map((w) => [w.object, w.value])).toEqual([
      ['Contact', target.id],
      ['Contact', target.id],
    ]);
    expect((await connector.previewCascade?.(request))?.moves).toEqual([]);
    expect(await connector.countCascadeScope?.('contacts')).toBeGreaterThanOrEqual(2);
  });

  it('check() passes for the seeded org (contact cascade included) and names a role field Account lacks', async () => {
    const good = await createSalesforceConnector(config, { ...ctx, cascades: ['contacts'] }, fast).check();
    expect(good).toMatchObject({ ok: true, problems: [] });
    expect(good.details).toMatchObject({ apiLimit: expect.any(Number), apiRemaining: expect.any(Number) });
    const bad = createSalesforceConnector(config, {
      ...ctx,
      roles: { csm: { field: 'Success_Manager__c', value: 'id' } },
    });
    expect((await bad.check()).problems).toEqual(['Account has no field Success_Manager__c (role csm)']);
  });

  it('logs in by client credentials, and renews an expired token by refresh token', async () => {
    const cc = createSalesforceConnector(
      { ...config, accessToken: undefined, clientId: 'spoc', clientSecret: 'secret' },
      ctx,
      fast,
    );
    expect((await people(cc)).length).toBe(90);
    const renewed = createSalesforceConnector(
      { ...config, accessToken: 'expired-1', refreshToken: 'refresh-1', clientId: 'spoc', clientSecret: 'secret' },
      ctx,
      fast,
    );
    expect((await people(renewed)).length).toBe(90);
    const revoked = createSalesforceConnector(
      { ...config, accessToken: 'expired-1', refreshToken: 'bad', clientId: 'spoc', clientSecret: 'secret' },
      ctx,
      fast,
    );
    await expect(people(revoked)).rejects.toMatchObject({ kind: 'auth', code: 'SALESFORCE_REFRESH_FAILED' });
  });
});

describe('Salesforce connector against a faulty sandbox', () => {
  let sandbox: Sandbox<'salesforce'>;
  beforeAll(async () => {
    sandbox = await startSandbox({
      emulators: [salesforceEmulator],
      seed: generateSeed({ accounts: 6000 }),
      port: 0,
      rateLimits: false,
      faults: '5xx=0.2,reset=0.1,429=0.1,seed=11',
    });
  });
  afterAll(() => sandbox.close());

  it('reads every Account exactly once and writes through injected 5xx, 429 and connection resets', async () => {
    const connector = createSalesforceConnector(configFor(sandbox), ctx, fast);
    const { records } = await readAll(connector, null);
    expect(records).toHaveLength(6000);
    expect(new Set(records.map((r) => r.id)).size).toBe(6000);
    const owner = (records[0]?.roles.account_owner as { id: string } | undefined)?.id ?? '';
    const writes = records.slice(0, 600).map((r) => ({ recordId: r.id, role: 'csm', to: { id: owner, email: 'o' } }));
    const results = await connector.writeAssignments(writes);
    expect(results.filter((r) => !r.ok)).toEqual([]);
    expect(connector.stats().retries).toBeGreaterThan(0);
  });
});

describe('Salesforce connector: call budget at 100,000 Accounts (issue 6 target)', () => {
  let sandbox: Sandbox<'salesforce'>;
  beforeAll(async () => {
    sandbox = await startSandbox({
      emulators: [salesforceEmulator],
      seed: generateSeed({ accounts: 100_000 }),
      port: 0,
      rateLimits: false,
    });
  });
  afterAll(() => sandbox.close());

  it('reads 100,000 Accounts and writes 10,000 owners within 1.05 × the minimum calls', async () => {
    const connector = createSalesforceConnector(configFor(sandbox), ctx, fast);
    const { records, cursor } = await readAll(connector, null);
    expect(records).toHaveLength(100_000);
    const users = (await people(createSalesforceConnector(configFor(sandbox), ctx, fast))).filter((p) => p.active);
    const writes = records.slice(0, 10_000).map((r, i) => {
      const to = users[i % users.length] as PersonRecord;
      return { recordId: r.id, role: 'account_owner', to: { id: to.id, email: to.email ?? '' } };
    });
    const results = await connector.writeAssignments(writes);
    expect(results.filter((r) => !r.ok)).toEqual([]);
    const minimum = Math.ceil(100_000 / 2000) + Math.ceil(10_000 / 200);
    // Exactly the minimum with no faults: no describe, no count query, no extra call per page.
    expect(connector.stats().calls).toBe(minimum);
    expect(connector.stats().calls).toBeLessThanOrEqual(Math.floor(1.05 * minimum));

    const idle = createSalesforceConnector(configFor(sandbox), ctx, fast);
    const next = await readAll(idle, cursor);
    // Only the Accounts whose owner actually changed come back; one page each 2,000.
    expect(idle.stats().calls).toBe(Math.max(1, Math.ceil(next.records.length / 2000)));
  }, 60_000);
});

describe('Salesforce connector against an org on a bad day', () => {
  const world = () => generateSeed({ accounts: 600, contactsPerAccount: 0, contactAccounts: 0 });

  async function writeEveryAccount(faults: string) {
    const sandbox = await startSandbox({ emulators: [salesforceEmulator], seed: world(), rateLimits: false, faults });
    try {
      const config = configFor(sandbox);
      const { records } = await readAll(createSalesforceConnector(config, ctx, fast), null);
      const target = (await people(createSalesforceConnector(config, ctx, fast))).find((p) => p.active) as PersonRecord;
      const connector = createSalesforceConnector(config, ctx, fast);
      const results = await connector.writeAssignments(
        records.map((r) => ({ recordId: r.id, role: 'account_owner', to: { id: target.id, email: 'x' } })),
      );
      const written = sandbox.writes.salesforce.all().filter((w) => w.object === 'Account');
      return { results, written, calls: connector.stats().calls, injected: sandbox.stats().salesforce.faults };
    } finally {
      await sandbox.close();
    }
  }

  it('re-sends the records a row lock refused (UNABLE_TO_LOCK_ROW in a 200 SaveResult) in the same run', async () => {
    const { results, written, calls, injected } = await writeEveryAccount('salesforce.lockRow=0.1,seed=4');
    expect(injected['salesforce.lockRow']).toBeGreaterThan(30);
    expect(results.filter((r) => !r.ok)).toEqual([]);
    expect(new Set(written.map((w) => w.id)).size).toBe(600);
    // 3 chunks, then one or two chunks a round for the locked ones; never the whole book again.
    expect(calls).toBeGreaterThan(3);
    expect(calls).toBeLessThanOrEqual(3 + 2 * 4);
  });

  it('fails only the records sharing or a validation rule refuse, the same ones every time, and writes the rest', async () => {
    const faults = 'salesforce.readOnly=0.05,salesforce.validationRule=0.05';
    const first = await writeEveryAccount(faults);
    const failed = first.results.filter((r) => !r.ok);
    const codes = new Set(failed.map((r) => (r.ok ? '' : r.error.code)));
    expect(codes).toEqual(new Set(['INSUFFICIENT_ACCESS_OR_READONLY', 'FIELD_CUSTOM_VALIDATION_EXCEPTION']));
    expect(failed.every((r) => !r.ok && r.error.kind === 'record')).toBe(true);
    expect(first.written).toHaveLength(600 - failed.length);
    expect(first.calls).toBe(3);
    const again = await writeEveryAccount(faults);
    expect(again.results.filter((r) => !r.ok).map((r) => r.recordId)).toEqual(failed.map((r) => r.recordId));
  });

  it('backs off on 403 REQUEST_LIMIT_EXCEEDED for concurrent long requests (no Retry-After) and converges', async () => {
    const { results, written, injected } = await writeEveryAccount('salesforce.concurrentLimit=0.3,seed=3');
    expect(injected['salesforce.concurrentLimit']).toBeGreaterThan(0);
    expect(results.filter((r) => !r.ok)).toEqual([]);
    expect(written).toHaveLength(600);
  });
});
