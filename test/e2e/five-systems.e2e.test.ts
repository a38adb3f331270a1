import { mkdtempSync, readFileSync, rmSync, writeFileSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { EMULATORS, type EmulatorId, sandboxEnv } from '@spoc/cli';
import { demoSeed, type Sandbox, startSandbox } from '@spoc/sandbox';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { ROOT, spoc } from './helpers.ts';

type Rec = Record<string, unknown>;
const FIVE = ['hubspot', 'salesforce', 'zendesk', 'pipedrive', 'freshdesk'];

let sandbox: Sandbox<EmulatorId>;
let dir: string;
let config: string;
let env: NodeJS.ProcessEnv;

beforeAll(async () => {
  // Every emulator seeds itself from the same world: one customer book in five systems.
  sandbox = await startSandbox({ emulators: EMULATORS, seed: demoSeed(EMULATORS), port: 0, rateLimits: false });
  dir = mkdtempSync(join(tmpdir(), 'spoc-five-'));
  config = join(dir, 'spoc.yaml');
  writeFileSync(config, readFileSync(join(ROOT, 'config/spoc.demo-all.yaml'), 'utf8'));
  env = { SPOC_DEMO_TOKEN: 'e2e-token', ...sandboxEnv(sandbox.urls), SPOC_DEMO_STATE: join(dir, 'state.db') };
});
afterAll(async () => {
  await sandbox.close();
  rmSync(dir, { recursive: true, force: true });
});

describe('five systems, one owner (spoc sync from the CLI against the sandbox)', () => {
  it('the sandbox serves all five systems, each seeded with the same customers', () => {
    expect(Object.keys(sandbox.urls)).toEqual([...FIVE, 'slack', 'teams']);
  });

  it('converges every account and role across the five systems, then a second run writes nothing', async () => {
    const first = await spoc(['sync', '--json', '-c', config], env);
    const run = JSON.parse(first.stdout) as { status: string; counts: Rec; changes: Rec[] };
    expect(first.stderr).not.toContain('"level":50');
    expect({ code: first.code, status: run.status, failed: run.counts.failed }).toEqual({
      code: 0,
      status: 'ok',
      failed: 0,
    });
    // The new systems held drifted owners too, and were written.
    const written = new Set(run.changes.filter((c) => c.result === 'written').map((c) => c.system));
    expect([...written].sort()).toEqual([...FIVE].sort());
    expect(sandbox.writes.pipedrive.all().length).toBeGreaterThan(0);
    expect(sandbox.writes.freshdesk.all().length).toBeGreaterThan(0);

    // Every role now shows its decided person in every system that holds the account;
    // the fallback stands in where the decided owner is inactive, and the one person
    // suspended in the help desks only (no fallback for the CSM) is reported, not guessed.
    const report = JSON.parse((await spoc(['report', '--json', '--all', '-c', config], env)).stdout) as {
      accounts: { account: string; roles: Record<string, { status: string; owners: Rec; decided: string }> }[];
    };
    expect(report.accounts.length).toBe(40);
    const fallback = 'anna.schmidt@acme.test';
    const suspendedInHelpDesks = 'grace.schmidt@acme.test';
    const seen = new Set<string>();
    for (const account of report.accounts) {
      for (const [role, r] of Object.entries(account.roles)) {
        seen.add(r.status);
        const owners = Object.values(r.owners);
        expect(Object.keys(r.owners).sort()).toEqual([...FIVE].sort());
        const where = { account: account.account, role, status: r.status };
        if (r.status === 'consistent')
          expect({ ...where, owners }).toEqual({ ...where, owners: FIVE.map(() => r.decided) });
        else if (r.status === 'fallback') for (const o of owners) expect([r.decided, fallback]).toContain(o);
        else
          expect({ ...where, decided: r.decided }).toEqual({
            ...where,
            status: 'unresolvable',
            decided: suspendedInHelpDesks,
          });
      }
    }
    expect(seen.has('consistent')).toBe(true);

    const second = await spoc(['sync', '--json', '-c', config], env);
    expect(second.code).toBe(0);
    expect(JSON.parse(second.stdout).counts.changes).toBe(0);
  });

  it('spoc demo --systems all tells the demo story across the five systems', async () => {
    const demo = await spoc(['demo', '--systems', 'all']);
    expect(demo.code).toBe(0);
    // The sync's change table names every system it wrote a person to.
    for (const system of FIVE) expect(demo.stdout).toMatch(new RegExp(`\\s${system}\\s+\\S+@acme\\.test`));
  });
});
