import { mkdtempSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import {
  type CascadeKind,
  type ConnectorContext,
  createRegistry,
  openStore,
  parseConfig,
  type RoleFieldMapping,
  runSync,
  type SpocConfig,
} from '@spoc/core';
import type { AccountRecord, PersonRecord } from '@spoc/core/connector';
import { MemoryConnector, memoryDefinition } from '@spoc/core/testing';
import { generateSeed, type Sandbox, startSandbox } from '@spoc/sandbox';
import type { SalesforceSeed } from '@spoc/sandbox/kit';
import pino from 'pino';
import { afterEach, describe, expect, it } from 'vitest';
import { FRESHDESK_SEED_FIELDS, type FreshdeskSeed, freshdeskEmulator } from '../emulator/index.ts';
import { createFreshdeskConnector } from './connector.ts';
import { freshdesk } from './index.ts';

let sandbox: Sandbox<'freshdesk'> | undefined;
afterEach(async () => {
  await sandbox?.close();
  sandbox = undefined;
});

const logger = pino({ level: 'silent' });
const F = FRESHDESK_SEED_FIELDS;

/** A CRM deciding both roles, from the generated world's system of record (its users and accounts). */
function crmFrom(sf: SalesforceSeed): MemoryConnector {
  const people: PersonRecord[] = sf.User.map((u) => ({
    system: 'crm',
    id: String(u.Id),
    email: String(u.Email),
    active: u.IsActive === true,
  }));
  const accounts: AccountRecord[] = sf.Account.map((a) => ({
    system: 'crm',
    id: String(a.Id),
    name: String(a.Name),
    domains: [String(a.Website)],
    xrefs: {},
    roles: { account_owner: { id: String(a.OwnerId) }, csm: { id: String(a.CSM__c) } },
    modifiedAt: null,
  }));
  return new MemoryConnector('crm', people, accounts, { account_owner: 'id', csm: 'id' });
}

/** The ConnectorContext the CLI builds for a system (packages/cli/src/connectors.ts). */
function contextFor(config: SpocConfig, system: string): ConnectorContext {
  const roles: Record<string, RoleFieldMapping> = {};
  const cascades = new Set<CascadeKind>();
  for (const role of config.roles) {
    const field = role.fields[system];
    if (!field) continue;
    roles[role.name] = field;
    if (role.cascade.openTickets) cascades.add('openTickets');
  }
  const xrefFields = config.link.flatMap((r) => (r.kind === 'xref' && r.fields[system] ? [r.fields[system]] : []));
  return { logger, roles, xrefFields, cascades: [...cascades] };
}

describe('a sync with Freshdesk following a CRM (core runSync against the emulator)', () => {
  it('rewrites drifted account managers, hands over their open tickets, keeps the dropdown CSM, and then has nothing to do', async () => {
    const seed = generateSeed({ accounts: 60, drift: 0.3, ticketsPerAccount: 4, ticketAccounts: 60, seed: 5 }, [
      freshdeskEmulator,
    ]);
    sandbox = await startSandbox({ emulators: [freshdeskEmulator], seed, port: 0, rateLimits: false });
    const state = join(mkdtempSync(join(tmpdir(), 'spoc-freshdesk-')), 'state.db');
    const yaml = `
version: 1
systems:
  crm: { token: "\${T}" }
  freshdesk: { baseUrl: "\${FD_URL}", apiKey: "\${FD_KEY}", rateLimit: { perMinute: 6000 } }
accounts:
  link: [{ xref: { freshdesk: ${F.xref} } }, domain]
roles:
  account_owner:
    fields:
      crm: { field: account_owner }
      freshdesk: { object: company, field: ${F.accountManager}, value: email }
    policy: { authority: crm }
    cascade: { openTickets: true }
  csm:
    fields:
      crm: { field: csm }
      freshdesk: { object: company, field: ${F.csmAgent}, value: agent_dropdown }
    policy: { authority: crm }
safety: { maxChanges: 100%, maxCascade: 100% }
state: { sqlite: ${state} }
`;
    const registry = createRegistry([memoryDefinition('crm', { keyRank: 0 }), freshdesk]);
    const config = parseConfig(yaml, 'spoc.yaml', registry, {
      T: 't',
      FD_URL: sandbox.urls.freshdesk,
      FD_KEY: 'fd-key',
    });
    const settings = config.systems.freshdesk?.settings as Parameters<typeof createFreshdeskConnector>[0];
    const connectors = () => [
      crmFrom(seed.salesforce as SalesforceSeed),
      createFreshdeskConnector(settings, contextFor(config, 'freshdesk'), { jobPollMs: 25 }),
    ];
    const store = openStore(state);
    const sync = () =>
      runSync({ config, connectors: connectors(), store, logger }, { dryRun: false, full: false, force: false });

    const fd = seed.freshdesk as FreshdeskSeed;
    const ownerEmail = new Map(seed.salesforce?.User.map((u) => [String(u.Id), String(u.Email)]));
    // Who can hold a role in Freshdesk: active there (the help-desk-suspended person is not).
    const activeEmail = new Set(
      fd.agents.filter((a) => a.deactivated !== true).map((a) => (a.contact as { email: string }).email),
    );
    const drifted = fd.companies.filter((c, i) => {
      const want = ownerEmail.get(String(seed.salesforce?.Account[i]?.OwnerId));
      return (
        want !== undefined &&
        activeEmail.has(want) &&
        (c.custom_fields as Record<string, unknown>)[F.accountManager] !== want
      );
    });
    expect(drifted.length).toBeGreaterThan(5);

    const first = await sync();
    const changes = first.changes.filter((c) => c.system === 'freshdesk');
    expect(changes.every((c) => c.result === 'written' && c.role === 'account_owner')).toBe(true);
    expect(changes.map((c) => c.recordId).sort()).toEqual(drifted.map((c) => String(c.id)).sort());

    // Each drifted company now names the CRM's owner, and the old POC's open/pending tickets went with it.
    const writes = sandbox.writes.freshdesk.all();
    const agentEmail = new Map(fd.agents.map((a) => [String(a.id), (a.contact as { email: string }).email]));
    for (const c of drifted) {
      const i = fd.companies.indexOf(c);
      const want = ownerEmail.get(String(seed.salesforce?.Account[i]?.OwnerId));
      expect(writes.find((w) => w.id === String(c.id))?.value).toBe(want);
      const oldPoc = (c.custom_fields as Record<string, unknown>)[F.accountManager];
      const held = fd.tickets.filter(
        (t) =>
          t.company_id === c.id &&
          [2, 3].includes(Number(t.status)) &&
          agentEmail.get(String(t.responder_id)) === oldPoc,
      );
      const moved = writes.filter((w) => w.object === 'tickets' && held.some((t) => String(t.id) === w.id));
      expect(moved).toHaveLength(held.length);
      expect(moved.every((w) => agentEmail.get(String(w.value)) === want)).toBe(true);
    }
    // Only those tickets moved: none resolved, none held by a colleague, none of a company in step.
    const ticketWrites = writes.filter((w) => w.object === 'tickets');
    for (const w of ticketWrites) {
      const t = fd.tickets.find((x) => String(x.id) === w.id);
      expect([2, 3]).toContain(Number(t?.status));
      expect(drifted.some((c) => c.id === t?.company_id)).toBe(true);
    }
    expect(writes.some((w) => w.field === `custom_fields.${F.csmAgent}`)).toBe(false);

    const second = await sync();
    expect(second.changes.filter((c) => c.system === 'freshdesk')).toEqual([]);
    store.close();
  });
});
