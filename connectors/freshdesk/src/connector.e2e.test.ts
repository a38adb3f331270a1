import type { AccountRecord, ConnectorContext, PersonRecord } from '@spoc/core/connector';
import { generateSeed, type Sandbox, startSandbox } from '@spoc/sandbox';
import pino from 'pino';
import { afterEach, describe, expect, it } from 'vitest';
import { FRESHDESK_SEED_FIELDS, freshdeskEmulator } from '../emulator/index.ts';
import { createFreshdeskConnector } from './connector.ts';
import type { FreshdeskSettings } from './settings.ts';

const ctx: ConnectorContext = {
  logger: pino({ level: 'silent' }),
  roles: {
    account_owner: { field: FRESHDESK_SEED_FIELDS.accountManager, value: 'email' },
    csm: { field: FRESHDESK_SEED_FIELDS.csmAgent, value: 'id' },
  },
  xrefFields: [FRESHDESK_SEED_FIELDS.xref],
  cascades: ['openTickets'],
};
const fast = { jobPollMs: 25, retry: { baseDelayMs: 1, maxDelayMs: 2 } };

let sandbox: Sandbox<'freshdesk'> | undefined;
afterEach(async () => {
  await sandbox?.close();
  sandbox = undefined;
});

async function start(
  accounts: number,
  options: { tickets?: boolean; faults?: string } = {},
): Promise<FreshdeskSettings> {
  sandbox = await startSandbox({
    emulators: [freshdeskEmulator],
    seed: generateSeed({ accounts, ...(options.tickets ? { ticketsPerAccount: 4, ticketAccounts: 2 } : {}) }, [
      freshdeskEmulator,
    ]),
    port: 0,
    rateLimits: false,
    ...(options.faults ? { faults: options.faults } : {}),
  });
  return { baseUrl: sandbox.urls.freshdesk, apiKey: 'fd-key', rateLimit: { perMinute: 200 } };
}

async function readAll(settings: FreshdeskSettings) {
  const connector = createFreshdeskConnector(settings, ctx, fast);
  const records: AccountRecord[] = [];
  for await (const page of connector.readAccounts({ since: null })) records.push(...page.records);
  return { records, calls: connector.stats().calls };
}

async function people(settings: FreshdeskSettings): Promise<PersonRecord[]> {
  const out: PersonRecord[] = [];
  for await (const page of createFreshdeskConnector(settings, ctx, fast).listPeople()) out.push(...page);
  return out;
}

describe('Freshdesk connector against its emulator', () => {
  it('reads every company 100 a page and every agent; dropdown choices resolve to agents; check() passes', async () => {
    const settings = await start(250);
    const full = await readAll(settings);
    expect(full.records).toHaveLength(250);
    // 3 company pages, and the agents read once to resolve the dropdown's choices.
    expect(full.calls).toBe(4);
    const agents = await people(settings);
    expect(agents).toHaveLength(8);
    expect(agents.filter((p) => !p.active)).toHaveLength(2);
    const byId = new Map(agents.map((a) => [a.id, a]));
    const first = full.records[0] as AccountRecord;
    expect(first).toMatchObject({
      domains: ['customer-000001.example'],
      roles: { account_owner: { email: expect.stringContaining('@acme.test') }, csm: { id: expect.any(String) } },
    });
    expect(byId.has((first.roles.csm as { id: string }).id)).toBe(true);
    expect(full.records.filter((r) => r.xrefs[FRESHDESK_SEED_FIELDS.xref] !== null).length).toBeGreaterThan(200);
    expect(await createFreshdeskConnector(settings, ctx, fast).check()).toEqual({
      ok: true,
      problems: [],
      details: {},
    });
  });

  it('writes role values one PUT per company and reads them back; an agent no choice names fails only its write', async () => {
    const settings = await start(5);
    const agents = await people(settings);
    const [a, b] = agents.filter((p) => p.active);
    if (!a?.email || !b?.email) throw new Error('seed has no active agents');
    const before = await readAll(settings);
    const [c1, c2] = before.records.map((r) => r.id);
    const connector = createFreshdeskConnector(settings, ctx, fast);
    const results = await connector.writeAssignments([
      { recordId: c1 as string, role: 'account_owner', to: { id: b.id, email: b.email } },
      { recordId: c1 as string, role: 'csm', to: { id: a.id, email: a.email } },
      { recordId: c2 as string, role: 'csm', to: { id: '999', email: 'stranger@acme.test' } },
    ]);
    expect(results.map((r) => r.ok)).toEqual([true, true, false]);
    expect(results[2]).toMatchObject({ error: { code: 'NO_DROPDOWN_CHOICE', kind: 'record' } });
    const companyPuts = sandbox?.stats().freshdesk.requests['PUT /api/v2/companies/:id'];
    expect(companyPuts).toBe(1);
    const after = (await readAll(settings)).records.find((r) => r.id === c1);
    expect(after?.roles).toEqual({ account_owner: { email: b.email }, csm: { id: a.id } });
  });

  it('hands over the previous POC’s open and pending tickets and nothing else', async () => {
    const settings = await start(3, { tickets: true });
    const agents = await people(settings);
    const records = (await readAll(settings)).records;
    const company = records[0] as AccountRecord;
    const pocEmail = (company.roles.account_owner as { email: string }).email;
    const fromId = agents.find((p) => p.email === pocEmail)?.id as string;
    const toId = agents.find((p) => p.active && p.id !== fromId)?.id as string;
    const connector = createFreshdeskConnector(settings, ctx, fast);
    const request = [{ kind: 'openTickets' as const, accountRecordId: company.id, fromId, toId }];
    const preview = await connector.previewCascade?.(request);
    // The generated company holds 4 tickets: 2 open by the POC, 1 resolved by the POC, 1 pending by a colleague.
    expect(preview?.moves.map((m) => m.id).sort()).toEqual(['1', '2']);
    expect(sandbox?.writes.freshdesk.all()).toEqual([]);
    const [result] = (await connector.applyCascade?.(preview?.moves ?? [])) ?? [];
    expect(result).toEqual({ accountRecordId: company.id, updated: 2, failed: [] });
    const moved = sandbox?.writes.freshdesk.all().map((w) => [w.object, w.id, w.field, String(w.value)]);
    expect(moved?.sort()).toEqual([
      ['tickets', '1', 'responder_id', toId],
      ['tickets', '2', 'responder_id', toId],
    ]);
    // Nothing left to move: a second preview finds nothing.
    expect((await connector.previewCascade?.(request))?.moves).toEqual([]);
    // Two companies with tickets, each 2 open and 1 pending (moved ones are still open).
    expect(await connector.countCascadeScope?.('openTickets')).toBe(6);
  });

  it('reads every company through injected 5xx errors and connection resets', async () => {
    const settings = await start(600, { faults: '5xx=0.3,reset=0.1,seed=11' });
    const connector = createFreshdeskConnector(settings, ctx, { ...fast, retry: { ...fast.retry, maxAttempts: 10 } });
    const ids = new Set<string>();
    for await (const page of connector.readAccounts({ since: null })) for (const r of page.records) ids.add(r.id);
    expect(ids.size).toBe(600);
    expect(connector.stats().retries).toBeGreaterThan(0);
  });
});
