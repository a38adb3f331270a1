import { mkdtempSync, readFileSync, rmSync, writeFileSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { fileURLToPath } from 'node:url';
import { createConnectors, EMULATORS, REGISTRY, type EmulatorId as SystemId, sandboxEnv } from '@spoc/cli';
import { loadConfig, openStore, type RunReport, runSync, type SpocConfig } from '@spoc/core';
import { generateSeed, type Sandbox, type SandboxSeed, startSandbox, type WriteEntry } from '@spoc/sandbox';
import pino from 'pino';

const ROOT = fileURLToPath(new URL('../../', import.meta.url));
export const DEMO_CONFIG = join(ROOT, 'config/spoc.demo.yaml');
/** The systems the fault world syncs (the demo config's). */
type WorldSystem = 'hubspot' | 'salesforce' | 'zendesk';
const SYSTEMS: WorldSystem[] = ['hubspot', 'salesforce', 'zendesk'];

/** A sandbox seeded with a generated world, plus a state dir and the demo config pointed at it. */
export interface World {
  seed: SandboxSeed;
  sandbox: Sandbox<SystemId>;
  dir: string;
  config: SpocConfig;
  configFile: string;
  env: Record<string, string>;
  close(): Promise<void>;
}

export async function startWorld(
  accounts: number,
  options: { faults?: string; rateLimits?: boolean } = {},
): Promise<World> {
  // Every tenth account has contacts and every 25th open tickets: the cascades have work under every fault.
  const seed = generateSeed({
    accounts,
    drift: 0.2,
    seed: 11,
    contactAccounts: Math.ceil(accounts / 10),
    contactsPerAccount: 3,
    ticketAccounts: Math.ceil(accounts / 25),
    ticketsPerAccount: 4,
  });
  const sandbox = await startSandbox({
    emulators: EMULATORS,
    seed,
    port: 0,
    rateLimits: options.rateLimits ?? false,
    ...(options.faults ? { faults: options.faults } : {}),
  });
  const dir = mkdtempSync(join(tmpdir(), 'spoc-faults-'));
  const env = {
    SPOC_DEMO_TOKEN: 'faults',
    ...sandboxEnv(sandbox.urls),
    SPOC_DEMO_STATE: join(dir, 'state.db'),
  };
  const configFile = join(dir, 'spoc.yaml');
  writeFileSync(configFile, readFileSync(DEMO_CONFIG, 'utf8'));
  const config = loadConfig(configFile, REGISTRY, env);
  return {
    seed,
    sandbox,
    dir,
    config,
    configFile,
    env,
    close: async () => {
      await sandbox.close();
      rmSync(dir, { recursive: true, force: true });
    },
  };
}

/** One sync in-process, as `spoc sync --force` would run it. */
export async function syncOnce(world: World, options: { full?: boolean; now?: Date } = {}): Promise<RunReport> {
  const logger = pino({ level: 'silent' });
  const store = openStore(world.config.statePath);
  try {
    return await runSync(
      { config: world.config, store, logger, connectors: await createConnectors(world.config, logger) },
      {
        dryRun: false,
        full: options.full ?? false,
        force: true,
        ...(options.now ? { now: () => options.now as Date } : {}),
      },
    );
  } finally {
    store.close();
  }
}

/** Moves one vendor's clock (what it stamps on records) by `offsetMs`. */
export async function setVendorClock(world: World, system: SystemId, offsetMs: number): Promise<void> {
  await fetch(`${world.sandbox.urls[system]}/__sandbox/clock`, { method: 'POST', body: JSON.stringify({ offsetMs }) });
}

export async function setFaults(world: World, spec: string): Promise<void> {
  for (const system of SYSTEMS) {
    await fetch(`${world.sandbox.urls[system]}/__sandbox/faults`, { method: 'POST', body: JSON.stringify({ spec }) });
  }
}

/**
 * What every vendor shows now, as canonical owner emails per record and field:
 * `hubspot:<id>:hubspot_owner_id` → email, contacts' owners (`hubspot:contact:<id>`,
 * `salesforce:contact:<id>`) and tickets' assignees (`zendesk:ticket:<id>`). Read
 * straight from the vendor APIs.
 */
export async function vendorOwners(world: World): Promise<Map<string, string | null>> {
  const people = personEmails(world.seed);
  const out = new Map<string, string | null>();
  const get = async (base: string, path: string) => {
    const res = await fetch(`${base}${path}`, { headers: { authorization: 'Bearer faults' } });
    if (!res.ok) throw new Error(`${path}: ${res.status}`);
    return res.json() as Promise<Record<string, unknown>>;
  };

  let after: string | undefined;
  do {
    const page = await get(
      world.sandbox.urls.hubspot,
      `/crm/v3/objects/companies?limit=100&properties=hubspot_owner_id,csm_owner${after ? `&after=${after}` : ''}`,
    );
    for (const c of page.results as { id: string; properties: Record<string, string | null> }[]) {
      out.set(`hubspot:${c.id}:hubspot_owner_id`, people.hubspot.get(String(c.properties.hubspot_owner_id)) ?? null);
      out.set(`hubspot:${c.id}:csm_owner`, people.hubspot.get(String(c.properties.csm_owner)) ?? null);
    }
    after = (page.paging as { next?: { after: string } } | undefined)?.next?.after;
  } while (after);

  let next: string | undefined =
    `/services/data/v62.0/query?q=${encodeURIComponent('SELECT Id, OwnerId, CSM__c FROM Account')}`;
  while (next) {
    const page = await get(world.sandbox.urls.salesforce, next);
    for (const a of page.records as Record<string, string | null>[]) {
      out.set(`salesforce:${a.Id}:OwnerId`, people.salesforce.get(String(a.OwnerId)) ?? null);
      out.set(`salesforce:${a.Id}:CSM__c`, people.salesforce.get(String(a.CSM__c)) ?? null);
    }
    next = (page.nextRecordsUrl as string | undefined) ?? undefined;
  }

  after = undefined;
  do {
    const page = await get(
      world.sandbox.urls.hubspot,
      `/crm/v3/objects/contacts?limit=100&properties=hubspot_owner_id${after ? `&after=${after}` : ''}`,
    );
    for (const c of page.results as { id: string; properties: Record<string, string | null> }[]) {
      out.set(`hubspot:contact:${c.id}`, people.hubspot.get(String(c.properties.hubspot_owner_id)) ?? null);
    }
    after = (page.paging as { next?: { after: string } } | undefined)?.next?.after;
  } while (after);

  next = `/services/data/v62.0/query?q=${encodeURIComponent('SELECT Id, OwnerId FROM Contact')}`;
  while (next) {
    const page = await get(world.sandbox.urls.salesforce, next);
    for (const c of page.records as Record<string, string | null>[]) {
      out.set(`salesforce:contact:${c.Id}`, people.salesforce.get(String(c.OwnerId)) ?? null);
    }
    next = (page.nextRecordsUrl as string | undefined) ?? undefined;
  }

  for (const t of world.seed.zendesk?.tickets ?? []) {
    const { ticket } = (await get(world.sandbox.urls.zendesk, `/api/v2/tickets/${t.id}.json`)) as {
      ticket: { assignee_id: number | null; status: string };
    };
    out.set(`zendesk:ticket:${t.id}`, `${people.zendesk.get(String(ticket.assignee_id)) ?? null}/${ticket.status}`);
  }

  let url: string | null = `/api/v2/organizations.json?page[size]=100`;
  while (url) {
    const page = await get(world.sandbox.urls.zendesk, url);
    for (const o of page.organizations as { id: number; organization_fields: Record<string, unknown> }[]) {
      const f = o.organization_fields;
      out.set(`zendesk:${o.id}:account_manager`, people.zendesk.get(String(f.account_manager)) ?? null);
      out.set(`zendesk:${o.id}:csm_email`, f.csm_email ? String(f.csm_email).toLowerCase() : null);
    }
    const links = page.links as { next?: string | null } | undefined;
    url = links?.next ? links.next.replace(world.sandbox.urls.zendesk, '') : null;
  }
  return out;
}

export function personEmails(seed: SandboxSeed): Record<WorldSystem, Map<string, string>> {
  const map = (list: Record<string, unknown>[] | undefined, id: string, email: string) =>
    new Map((list ?? []).filter((p) => p[email]).map((p) => [String(p[id]), String(p[email]).toLowerCase()]));
  return {
    hubspot: map(seed.hubspot?.owners, 'id', 'email'),
    salesforce: map(seed.salesforce?.User, 'Id', 'Email'),
    zendesk: map(seed.zendesk?.users, 'id', 'email'),
  };
}

/**
 * Account-field writes the sandbox received whose value no run planned for that
 * record: each must be empty for the "never write a guess" guarantee.
 */
export function unplannedWrites(world: World, reports: RunReport[]): WriteEntry[] {
  const people = personEmails(world.seed);
  const planned = new Set<string>();
  for (const report of reports) {
    for (const c of report.changes) planned.add(`${c.system}:${c.recordId}:${c.to}`);
  }
  const accountObjects: Record<WorldSystem, string> = {
    hubspot: 'companies',
    salesforce: 'Account',
    zendesk: 'organizations',
  };
  const bad: WriteEntry[] = [];
  for (const system of SYSTEMS) {
    for (const w of world.sandbox.writes[system].all()) {
      if (w.object !== accountObjects[system]) continue;
      const value = String(w.value);
      const email = value.includes('@') ? value.toLowerCase() : people[system].get(value);
      if (!planned.has(`${system}:${w.id}:${email}`)) bad.push(w);
    }
  }
  return bad;
}
