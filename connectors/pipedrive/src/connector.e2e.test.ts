import type { AccountRecord, ConnectorContext, PersonRecord } from '@spoc/core/connector';
import { generateSeed, type Sandbox, startSandbox } from '@spoc/sandbox';
import pino from 'pino';
import { afterEach, describe, expect, it } from 'vitest';
import { PIPEDRIVE_FIELDS, type PipedriveSeed, pipedriveEmulator } from '../emulator/index.ts';
import { createPipedriveConnector, type PipedriveConnectorOptions } from './connector.ts';
import type { PipedriveSettings } from './settings.ts';

const ctx: ConnectorContext = {
  logger: pino({ level: 'silent' }),
  // As an admin would write them: the owner field, and the custom fields by label.
  roles: {
    account_owner: { field: 'owner_id', value: 'id' },
    csm: { field: PIPEDRIVE_FIELDS.csm.label, value: 'id' },
  },
  xrefFields: [PIPEDRIVE_FIELDS.salesforceAccountId.label],
  cascades: ['contacts'],
};

let sandbox: Sandbox<'pipedrive'> | undefined;
afterEach(async () => {
  await sandbox?.close();
  sandbox = undefined;
});

async function start(
  accounts: number,
  options: { rateLimits?: boolean; tune?: (seed: PipedriveSeed) => void; faults?: string } = {},
): Promise<PipedriveSettings> {
  const seed = generateSeed({ accounts, contactsPerAccount: 3, contactAccounts: 2 }, [pipedriveEmulator]);
  options.tune?.(seed.pipedrive as PipedriveSeed);
  sandbox = await startSandbox({
    emulators: [pipedriveEmulator],
    seed,
    port: 0,
    rateLimits: options.rateLimits ?? false,
    ...(options.faults ? { faults: options.faults } : {}),
  });
  return {
    apiToken: 'pd-sandbox',
    baseUrl: sandbox.urls.pipedrive,
    companyDomain: undefined,
    rateLimit: { perTwoSeconds: 20 },
  };
}

const fast = { retry: { baseDelayMs: 1, maxDelayMs: 5, maxAttempts: 10 } };

async function readAll(settings: PipedriveSettings, since: string | null, options: PipedriveConnectorOptions = {}) {
  const connector = createPipedriveConnector(settings, ctx, { ...fast, ...options });
  const records: AccountRecord[] = [];
  let cursor = since;
  for await (const page of connector.readAccounts({ since })) {
    records.push(...page.records);
    cursor = page.cursor;
  }
  return { records, cursor, stats: connector.stats() };
}

describe('Pipedrive connector against the sandbox (real pipedrive SDK)', () => {
  it('reads every organization 500 a page with owner, CSM, cross-reference and website; an idle read costs one list call (and the field list, once per connector)', async () => {
    const settings = await start(750);
    const full = await readAll(settings, null);
    expect(full.records).toHaveLength(750);
    expect(new Set(full.records.map((r) => r.id)).size).toBe(750);
    // The field list, then two pages of 500.
    expect(full.stats.calls).toBe(3);
    expect(full.records[0]).toMatchObject({
      system: 'pipedrive',
      id: '3000000',
      name: 'Customer 000001',
      domains: ['customer-000001.example'],
      roles: {
        account_owner: { id: expect.stringMatching(/^120000\d\d$/) },
        csm: { id: expect.stringMatching(/^120000\d\d$/) },
      },
    });
    expect(full.records.filter((r) => r.xrefs['Salesforce account ID']).length).toBeGreaterThan(600);
    const idle = await readAll(settings, full.cursor);
    expect(idle.records).toEqual([]);
    expect(idle.stats.calls).toBe(2);
  });

  it('lists every user in one call, the departed one inactive', async () => {
    const settings = await start(10);
    const connector = createPipedriveConnector(settings, ctx, fast);
    const people: PersonRecord[] = [];
    for await (const page of connector.listPeople()) people.push(...page);
    expect(people).toHaveLength(8);
    expect(people.filter((p) => !p.active).map((p) => p.email)).toEqual(['hugo.schmidt@acme.test']);
    expect(connector.stats().calls).toBe(1);
    expect(await connector.check()).toEqual({ ok: true, problems: [], details: { user: 'anna.schmidt@acme.test' } });
  });

  it('writes one PATCH per organization, fails a deactivated owner with its reason, and reads back exactly the changes', async () => {
    const settings = await start(150);
    const full = await readAll(settings, null);
    const connector = createPipedriveConnector(settings, ctx, fast);
    const to = { id: '12000001', email: 'bruno.schmidt@acme.test' };
    const writes = full.records.slice(0, 40).map((r) => ({ recordId: r.id, role: 'account_owner', to }));
    writes.push({ recordId: full.records[40]?.id ?? '', role: 'csm', to });
    // The departed user (the last of 8) cannot be given an organization.
    writes.push({ recordId: full.records[41]?.id ?? '', role: 'account_owner', to: { id: '12000007', email: 'x' } });
    const results = await connector.writeAssignments(writes);
    expect(results.filter((r) => r.ok)).toHaveLength(41);
    expect(results.at(-1)).toMatchObject({
      ok: false,
      error: { kind: 'record', code: 'PIPEDRIVE_400', message: expect.stringContaining('not found or deactivated') },
    });
    // The field list, then one call per organization.
    expect(connector.stats().calls).toBe(1 + 42);
    const changed = await readAll(settings, full.cursor);
    expect(changed.records.map((r) => r.id)).toEqual(full.records.slice(0, 41).map((r) => r.id));
    expect(
      changed.records
        .slice(0, 40)
        .every((r) => r.roles.account_owner && 'id' in r.roles.account_owner && r.roles.account_owner.id === to.id),
    ).toBe(true);
    expect(changed.records[40]?.roles.csm).toEqual({ id: to.id });
    // Read at the boundary second once: the next read finds nothing new.
    expect((await readAll(settings, changed.cursor)).records).toEqual([]);
  });

  it('previews the persons that would move (writing nothing), moves exactly those, then has none left', async () => {
    const settings = await start(5);
    const connector = createPipedriveConnector(settings, ctx, fast);
    const [first] = (await readAll(settings, null)).records;
    const owner = first?.roles.account_owner && 'id' in first.roles.account_owner ? first.roles.account_owner.id : '';
    const target = owner === '12000005' ? '12000004' : '12000005';
    const request = [{ kind: 'contacts' as const, accountRecordId: '3000000', fromId: owner, toId: target }];
    const preview = await connector.previewCascade?.(request);
    expect(preview?.moves.map((m) => m.id)).toEqual(['4000001', '4000002', '4000003']);
    expect(sandbox?.writes.pipedrive.all()).toEqual([]);
    expect(await connector.countCascadeScope?.('contacts')).toBe(6);
    expect(await connector.applyCascade?.(preview?.moves ?? [])).toEqual([
      { accountRecordId: '3000000', updated: 3, failed: [] },
    ]);
    expect(sandbox?.writes.pipedrive.all().map((w) => [w.object, w.id, w.field, w.value])).toEqual([
      ['persons', '4000001', 'owner_id', Number(target)],
      ['persons', '4000002', 'owner_id', Number(target)],
      ['persons', '4000003', 'owner_id', Number(target)],
    ]);
    expect((await connector.previewCascade?.(request))?.moves).toEqual([]);
  });

  it('keeps to a tighter 2-second window than configured by its headers, earning no 429, and reads through injected 5xx and resets', async () => {
    const settings = await start(250, {
      rateLimits: true,
      tune: (s) => {
        s.burstLimit = 4;
      },
    });
    const startedAt = Date.now();
    // Six calls against 4 per 2 s: x-ratelimit-remaining 0 pauses the gate until the window resets.
    const paced = await readAll(settings, null, { pageSize: 50 });
    expect(paced.records).toHaveLength(250);
    expect(Date.now() - startedAt).toBeGreaterThanOrEqual(1_000);
    expect(sandbox?.stats().pipedrive.throttled).toBe(0);
    await sandbox?.close();
    const faulty = await start(450, { faults: '5xx=0.2,reset=0.1,seed=7' });
    const read = await readAll(faulty, null, { pageSize: 100 });
    expect(new Set(read.records.map((r) => r.id)).size).toBe(450);
    expect(read.stats.retries).toBeGreaterThan(0);
  });

  it('stops cleanly when the daily budget is spent, and check() names a bad token', async () => {
    // The field list (10 tokens) and one page (10) fit; the second page does not.
    const settings = await start(150, {
      tune: (s) => {
        s.dailyBudget = 25;
      },
    });
    const connector = createPipedriveConnector(settings, ctx, { ...fast, pageSize: 100 });
    const seen: string[] = [];
    await expect(
      (async () => {
        for await (const page of connector.readAccounts({ since: null })) seen.push(...page.records.map((r) => r.id));
      })(),
    ).rejects.toMatchObject({ kind: 'vendor', code: 'PIPEDRIVE_DAILY_LIMIT' });
    expect(seen).toHaveLength(100);
    expect(connector.stats()).toMatchObject({ calls: 3, retries: 0 });
    const bad = await createPipedriveConnector({ ...settings, apiToken: 'invalid' }, ctx, fast).check();
    expect(bad).toEqual({
      ok: false,
      problems: ['Pipedrive rejected the API token (systems.pipedrive.apiToken): unauthorized access'],
    });
  });
});
