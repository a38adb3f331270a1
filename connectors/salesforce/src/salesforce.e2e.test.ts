import type { AccountRecord, ConnectorContext, PersonRecord, SalesforceSystemConfig } from '@spoc/core';
import { generateSeed, type Sandbox, startSandbox } from '@spoc/sandbox';
import pino from 'pino';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { createSalesforceConnector } from './salesforce-connector.ts';

const ctx: ConnectorContext = {
  logger: pino({ level: 'silent' }),
  roles: { account_owner: { field: 'OwnerId', value: 'id' }, csm: { field: 'CSM__c', value: 'id' } },
  xrefFields: [],
};

let sandbox: Sandbox;
let config: SalesforceSystemConfig;
beforeAll(async () => {
  sandbox = await startSandbox({
    seed: generateSeed({ accounts: 4500, contactsPerAccount: 2, contactAccounts: 3 }),
    port: 0,
    rateLimits: false,
  });
  config = {
    instanceUrl: sandbox.urls.salesforce,
    apiVersion: '62.0',
    accessToken: 'token',
    refreshToken: undefined,
    clientId: undefined,
    clientSecret: undefined,
    loginUrl: sandbox.urls.salesforce,
    dailyApiShare: 0.5,
  };
});
afterAll(() => sandbox.close());

async function readAll(since: string | null, connector = createSalesforceConnector(config, ctx)) {
  const records: AccountRecord[] = [];
  let cursor: string | null = since;
  for await (const page of connector.readAccounts({ since })) {
    records.push(...page.records);
    cursor = page.cursor;
  }
  return { records, cursor, connector };
}

describe('Salesforce connector against the sandbox (real jsforce over HTTP)', () => {
  it('reads every Account in 2,000-record pages, then an unchanged incremental read costs one call', async () => {
    const full = await readAll(null);
    expect(full.records).toHaveLength(4500);
    expect(new Set(full.records.map((r) => r.id)).size).toBe(4500);
    expect(full.connector.stats().calls).toBe(3);
    expect(full.records[0]?.roles.account_owner).toEqual({ id: expect.stringMatching(/^005/) });

    const idle = await readAll(full.cursor);
    expect(idle.records).toEqual([]);
    expect(idle.connector.stats().calls).toBe(1);
  });

  it('lists standard users with their active state', async () => {
    const people: PersonRecord[] = [];
    for await (const page of createSalesforceConnector(config, ctx).listPeople()) people.push(...page);
    expect(people.length).toBe(90);
    expect(people.filter((p) => !p.active)).toHaveLength(1);
  });

  it('writes owners in collections and reports per-record failures; the next incremental read sees the writes', async () => {
    const before = await readAll(null);
    const [a, b] = before.records as [AccountRecord, AccountRecord];
    const connector = createSalesforceConnector(config, ctx);
    const results = await connector.writeAssignments([
      { recordId: a.id, role: 'account_owner', to: { id: '005000000000002AAA', email: 'x' } },
      { recordId: a.id, role: 'csm', to: { id: '005000000000003AAA', email: 'y' } },
      { recordId: b.id, role: 'account_owner', to: { id: '005000000000090AAA', email: 'inactive' } },
      { recordId: '001999999999999AAA', role: 'account_owner', to: { id: '005000000000002AAA', email: 'x' } },
    ]);
    expect(results.map((r) => (r.ok ? 'ok' : r.error.code))).toEqual([
      'ok',
      'ok',
      'INACTIVE_OWNER_OR_USER',
      expect.any(String),
    ]);
    expect(connector.stats().calls).toBe(1);

    const after = await readAll(before.cursor);
    expect(after.records.map((r) => r.id)).toEqual([a.id]);
    expect(after.records[0]?.roles).toEqual({
      account_owner: { id: '005000000000002AAA' },
      csm: { id: '005000000000003AAA' },
    });
  });

  it('moves contacts to the account owner', async () => {
    const { records } = await readAll(null);
    const account = records.find((r) => r.id === '001000000000001AAA') as AccountRecord;
    const connector = createSalesforceConnector(config, ctx);
    const [result] =
      (await connector.cascadeContacts?.([{ accountRecordId: account.id, ownerId: '005000000000004AAA' }])) ?? [];
    expect(result).toEqual({ accountRecordId: account.id, updated: 2, failed: [] });
    const again = await connector.cascadeContacts?.([{ accountRecordId: account.id, ownerId: '005000000000004AAA' }]);
    expect(again?.[0]?.updated).toBe(0);
  });

  it('check() names a role field Account does not have', async () => {
    const bad = createSalesforceConnector(config, {
      ...ctx,
      roles: { csm: { field: 'Success_Manager__c', value: 'id' } },
    });
    expect(await bad.check()).toEqual({
      ok: false,
      problems: ['Account has no field Success_Manager__c (role csm)'],
      details: expect.any(Object),
    });
    expect((await createSalesforceConnector(config, ctx).check()).ok).toBe(true);
  });
});
