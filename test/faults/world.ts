import { mkdtempSync, readFileSync, rmSync, writeFileSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { fileURLToPath } from 'node:url';
import { createConnectors, EMULATORS, REGISTRY, type EmulatorId as SystemId, sandboxEnv } from '@spoc/cli';
import { loadConfig, openStore, type RunReport, runSync, type SpocConfig } from '@spoc/core';
import {
  generateSeed,
  type Sandbox,
  type SandboxSeed,
  startSandbox,
  type VendorRecord,
  type WriteEntry,
} from '@spoc/sandbox';
import pino from 'pino';
import { parseDocument } from 'yaml';
import { personEmails } from './vendor-owners.ts';

const ROOT = fileURLToPath(new URL('../../', import.meta.url));
export const DEMO_CONFIG = join(ROOT, 'config/spoc.demo-all.yaml');
/** The systems the fault world syncs (the five-system demo config's). */
export type WorldSystem = 'hubspot' | 'salesforce' | 'zendesk' | 'pipedrive' | 'freshdesk';
const SYSTEMS: WorldSystem[] = ['hubspot', 'salesforce', 'zendesk', 'pipedrive', 'freshdesk'];

/**
 * The parts of the Pipedrive and Freshdesk seeds (built by their emulators' `seedFrom`)
 * this suite reads. This package does not depend on those connectors, so their seed
 * types and field constants are not importable here: the keys come from the seed itself.
 */
export type WorldSeed = SandboxSeed & {
  pipedrive?: { users: VendorRecord[]; organizationFields: VendorRecord[] };
  freshdesk?: { agents: VendorRecord[]; company_fields: VendorRecord[]; tickets: VendorRecord[] };
};

/** A sandbox seeded with a generated world, plus a state dir and the demo config pointed at it. */
export interface World {
  seed: WorldSeed;
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
  // Every emulator's seedFrom builds its vendor's part from the same world.
  const seed: WorldSeed = generateSeed(
    {
      accounts,
      drift: 0.2,
      seed: 11,
      contactAccounts: Math.ceil(accounts / 10),
      contactsPerAccount: 3,
      ticketAccounts: Math.ceil(accounts / 25),
      ticketsPerAccount: 4,
    },
    EMULATORS,
  );
  const rateLimits = options.rateLimits ?? false;
  const sandbox = await startSandbox({
    emulators: EMULATORS,
    seed,
    port: 0,
    rateLimits,
    ...(options.faults ? { faults: options.faults } : {}),
  });
  const dir = mkdtempSync(join(tmpdir(), 'spoc-faults-'));
  const env = {
    SPOC_DEMO_TOKEN: 'faults',
    ...sandboxEnv(sandbox.urls),
    SPOC_DEMO_STATE: join(dir, 'state.db'),
  };
  const configFile = join(dir, 'spoc.yaml');
  writeFileSync(configFile, rateLimits ? readFileSync(DEMO_CONFIG, 'utf8') : unpaced(DEMO_CONFIG));
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

/**
 * The demo config with Pipedrive's and Freshdesk's own pacing raised well above their
 * plans' (20 a 2-second window, 200 a minute by default) to match a sandbox whose limits
 * are off: at the default pace one Freshdesk write per company makes each 1,000-account
 * run wait a minute or more on the client-side gate, and the suite checks recovery from
 * faults, not pacing (the connectors' tests and the benchmark do that). HubSpot,
 * Salesforce and Zendesk keep their defaults, as they did with three systems.
 */
function unpaced(file: string): string {
  const doc = parseDocument(readFileSync(file, 'utf8'));
  doc.setIn(['systems', 'pipedrive', 'rateLimit'], { perTwoSeconds: 500 });
  doc.setIn(['systems', 'freshdesk', 'rateLimit'], { perMinute: 15_000 });
  return doc.toString();
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
    const res = await fetch(`${world.sandbox.urls[system]}/__sandbox/faults`, {
      method: 'POST',
      body: JSON.stringify({ spec }),
    });
    if (!res.ok) throw new Error(`${system} refused fault spec "${spec}": ${await res.text()}`);
  }
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
  // The object each emulator's write log names for an account (Pipedrive logs the field key,
  // Freshdesk `custom_fields.<name>`; both log the value written).
  const accountObjects: Record<WorldSystem, string> = {
    hubspot: 'companies',
    salesforce: 'Account',
    zendesk: 'organizations',
    pipedrive: 'organizations',
    freshdesk: 'companies',
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
