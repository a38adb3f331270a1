import { rmSync } from 'node:fs';
import { EMULATORS, type EmulatorId } from '@spoc/cli';
import { demoSeed, type Sandbox, startSandbox } from '@spoc/sandbox';
import { afterEach, beforeEach, describe, expect, it } from 'vitest';
import { demoWorkspace, ownersEverywhere, spoc } from './helpers.ts';

type Rec = Record<string, unknown>;

let sandbox: Sandbox<EmulatorId>;
let workspace: ReturnType<typeof demoWorkspace>;

beforeEach(async () => {
  sandbox = await startSandbox({ emulators: EMULATORS, seed: demoSeed(), port: 0, rateLimits: false });
  workspace = demoWorkspace(sandbox);
});
afterEach(async () => {
  await sandbox.close();
  rmSync(workspace.dir, { recursive: true, force: true });
});

describe('spoc sync against the sandbox (real SDKs over HTTP)', () => {
  it('converges every account to one owner, then a second run writes nothing', async () => {
    const first = await spoc(['sync', '--json', '-c', workspace.config], workspace.env);
    expect(first.stderr).not.toContain('"level":50');
    const report = JSON.parse(first.stdout);
    expect(report.status).toBe('ok');
    expect(first.code).toBe(0);
    expect(report.counts.written).toBeGreaterThan(0);
    expect(report.counts.failed).toBe(0);
    expect(report.changes.every((c: Rec) => c.result === 'written')).toBe(true);

    // The demo's last person left (inactive everywhere); the one before is suspended in
    // Zendesk only. The config's fallback takes over wherever the owner cannot be written.
    const departed = 'hugo.schmidt@acme.test';
    const suspendedInZendesk = 'grace.schmidt@acme.test';
    const fallback = 'anna.schmidt@acme.test';
    for (const [domain, owners] of await ownersEverywhere(sandbox)) {
      const decided = owners.sf === departed ? fallback : owners.sf;
      const inZendesk = decided === suspendedInZendesk ? fallback : decided;
      expect({ domain, hs: owners.hs, zd: owners.zd }).toEqual({ domain, hs: decided, zd: inZendesk });
    }

    const second = await spoc(['sync', '--json', '-c', workspace.config], workspace.env);
    const again = JSON.parse(second.stdout);
    expect(again.counts.changes).toBe(0);
    expect(second.code).toBe(0);
  });

  it('plan and --dry-run write nothing to any vendor', async () => {
    const plan = await spoc(['plan', '--json', '-c', workspace.config], workspace.env);
    const report = JSON.parse(plan.stdout);
    expect(report.dryRun).toBe(true);
    expect(report.counts.changes).toBeGreaterThan(0);
    expect(report.changes.every((c: Rec) => c.result === 'planned')).toBe(true);
    const dry = await spoc(['sync', '--dry-run', '--json', '-c', workspace.config], workspace.env);
    expect(JSON.parse(dry.stdout).counts.changes).toBe(report.counts.changes);
    expect(sandbox.writes.hubspot.all()).toHaveLength(0);
    expect(sandbox.writes.salesforce.all()).toHaveLength(0);
    expect(sandbox.writes.zendesk.all()).toHaveLength(0);
  });

  it('refuses with exit 3 when the safety guard trips, and --force applies', async () => {
    const guarded = demoWorkspace(sandbox, (y) => y.replace('maxChanges: 50%', 'maxChanges: 2'));
    const refused = await spoc(['sync', '--json', '-c', guarded.config], guarded.env);
    expect(refused.code).toBe(3);
    const report = JSON.parse(refused.stdout);
    expect(report.status).toBe('refused');
    expect(report.message).toMatch(/maxChanges/);
    expect(sandbox.writes.hubspot.all()).toHaveLength(0);
    const forced = await spoc(['sync', '--force', '--json', '-c', guarded.config], guarded.env);
    expect(forced.code).toBe(0);
    expect(JSON.parse(forced.stdout).counts.written).toBe(report.counts.changes);
    rmSync(guarded.dir, { recursive: true, force: true });
  });

  it('reports ownership per account and role, and keeps the history of what it wrote', async () => {
    const before = JSON.parse((await spoc(['report', '--json', '-c', workspace.config], workspace.env)).stdout);
    expect(before.summary.account_owner.drift).toBeGreaterThan(0);
    const sync = JSON.parse((await spoc(['sync', '--json', '-c', workspace.config], workspace.env)).stdout);
    const after = JSON.parse((await spoc(['report', '--json', '-c', workspace.config], workspace.env)).stdout);
    expect(after.summary.account_owner.drift).toBe(0);
    // Accounts of the person who left are held by the fallback: their own status, not "consistent".
    expect(after.summary.account_owner.fallback).toBeGreaterThan(0);
    expect(after.summary.account_owner.consistent + after.summary.account_owner.fallback).toBe(after.accounts.length);
    const row = after.accounts[0];
    expect(Object.keys(row.roles.account_owner.owners).sort()).toEqual(['hubspot', 'salesforce', 'zendesk']);

    const change = sync.changes.find((c: Rec) => c.system === 'hubspot' && c.role === 'account_owner');
    const history = await spoc(['history', '--json', '-c', workspace.config, change.account], workspace.env);
    expect(history.code).toBe(0);
    const rows = JSON.parse(history.stdout).history as Rec[];
    expect(rows).toContainEqual(
      expect.objectContaining({ role: 'account_owner', system: 'hubspot', email: change.to, reason: change.reason }),
    );
    expect(rows).toContainEqual(
      expect.objectContaining({ role: 'account_owner', system: 'hubspot', email: change.from, reason: 'observed' }),
    );

    // The same account by its name, its Salesforce id in 15 and 18 characters, and its HubSpot id.
    const account = after.accounts.find((a: Rec) => a.account === change.account);
    const sfId = String(change.account).replace('salesforce:', '');
    for (const query of [account.name.toUpperCase(), sfId, sfId.slice(0, 15), change.recordId]) {
      const found = await spoc(['history', '-c', workspace.config, query], workspace.env);
      expect({ query, code: found.code }).toEqual({ query, code: 0 });
      expect(found.stdout).toContain(`History of ${change.account} (${account.name}):`);
    }
    const unknown = await spoc(['history', '-c', workspace.config, 'No Such Customer'], workspace.env);
    expect(unknown.code).toBe(2);
    expect(unknown.stderr).toContain('no account matches "No Such Customer"');
  });

  it('plan names each account next to its key, shows the cascades that would follow, and never cuts a message', async () => {
    const plan = await spoc(['plan', '-c', workspace.config], { ...workspace.env, COLUMNS: '80' });
    expect(plan.code).toBe(0);
    const json = JSON.parse((await spoc(['plan', '--json', '-c', workspace.config], workspace.env)).stdout);
    const change = json.changes[0];
    expect(change.accountName).toBeTruthy();
    expect(plan.stdout).toMatch(new RegExp(`${change.account}\\s+${change.accountName.split(' ')[0]}`));
    expect(plan.stdout).not.toContain('…');
    for (const issue of json.issues)
      expect(plan.stdout.replace(/\s+/g, ' ')).toContain(issue.detail.split(' ').slice(-3).join(' '));
    expect(json.cascadePlan.totals.contacts).toBeGreaterThan(0);
    expect(plan.stdout).toContain(
      `cascades: ${json.cascadePlan.totals.contacts} contacts and ${json.cascadePlan.totals.openTickets} open tickets would follow`,
    );
  });
});

describe('spoc validate', () => {
  it('accepts the shipped configs and rejects a broken one with file, line, column and path', async () => {
    const ok = await spoc(['validate', '-c', workspace.config], workspace.env);
    expect(ok.code).toBe(0);
    const broken = demoWorkspace(sandbox, (y) =>
      y.replace('policy: { authority: salesforce }', 'policy: { authority: pipedrive }'),
    );
    const bad = await spoc(['validate', '-c', broken.config], broken.env);
    expect(bad.code).toBe(2);
    expect(bad.stderr).toMatch(new RegExp(`${broken.config}:\\d+:\\d+ roles\\.account_owner\\.policy`));
    rmSync(broken.dir, { recursive: true, force: true });
  });

  it('names a missing environment variable and exits 2 before touching any vendor', async () => {
    const { SPOC_DEMO_TOKEN: _, ...env } = workspace.env;
    const result = await spoc(['sync', '-c', workspace.config], { ...env, SPOC_DEMO_TOKEN: '' });
    expect(result.code).toBe(2);
    expect(result.stderr).toContain('environment variable SPOC_DEMO_TOKEN is not set');
    expect(sandbox.stats().hubspot.total).toBe(0);
  });
});
