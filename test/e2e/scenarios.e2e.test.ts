import { spawn } from 'node:child_process';
import { rmSync } from 'node:fs';
import { join } from 'node:path';
import { EMULATORS, type EmulatorId } from '@spoc/cli';
import { demoSeed, type Sandbox, startSandbox } from '@spoc/sandbox';
import { afterEach, describe, expect, it } from 'vitest';
import { demoWorkspace, followers, ownersEverywhere, ROOT, spoc } from './helpers.ts';

type Change = { account: string; role: string; system: string; to: string; reason: string; result: string };

let sandbox: Sandbox<EmulatorId> | undefined;
let workspace: ReturnType<typeof demoWorkspace> | undefined;
afterEach(async () => {
  await sandbox?.close();
  if (workspace) rmSync(workspace.dir, { recursive: true, force: true });
  sandbox = undefined;
  workspace = undefined;
});

async function start(options: { faults?: string; edit?: (yaml: string) => string } = {}) {
  sandbox = await startSandbox({
    emulators: EMULATORS,
    seed: demoSeed(),
    port: 0,
    rateLimits: false,
    ...(options.faults ? { faults: options.faults } : {}),
  });
  workspace = demoWorkspace(sandbox, options.edit);
  return { sandbox, workspace };
}

const sync = async (w: NonNullable<typeof workspace>) => {
  const result = await spoc(['sync', '--json', '-c', w.config], w.env);
  if (!result.stdout.trim()) throw new Error(`sync printed no report (exit ${result.code}): ${result.stderr}`);
  return {
    code: result.code,
    report: JSON.parse(result.stdout) as {
      status: string;
      changes: Change[];
      issues: { kind: string; account: string; role?: string }[];
    },
  };
};

/** An edit a person makes in a vendor's UI, through that vendor's API. */
async function edit(url: string, method: string, body: object, auth: string) {
  const res = await fetch(url, {
    method,
    headers: { authorization: auth, 'content-type': 'application/json' },
    body: JSON.stringify(body),
  });
  expect(res.ok).toBe(true);
}

const ACCOUNT = '001000000000002AAA';
const KEY = `salesforce:${ACCOUNT}`;

describe('sync scenarios (CLI against the sandbox)', () => {
  it('a human edit in the deciding system reaches the others on the next run', async () => {
    const { sandbox: s, workspace: w } = await start();
    expect((await sync(w)).report.status).toBe('ok');
    // An admin reassigns the account in Salesforce (the authority) from bruno to farid.
    await edit(
      `${s.urls.salesforce}/services/data/v62.0/sobjects/Account/${ACCOUNT}`,
      'PATCH',
      { OwnerId: '005000000000006AAA' },
      'Bearer e2e',
    );
    const next = await sync(w);
    const moved = next.report.changes.filter((c) => c.account === KEY && c.role === 'account_owner');
    expect(moved.map((c) => [c.system, c.to, c.reason, c.result])).toEqual([
      ['hubspot', 'farid.schmidt@acme.test', 'authority', 'written'],
      ['zendesk', 'farid.schmidt@acme.test', 'authority', 'written'],
    ]);
    expect((await sync(w)).report.changes).toEqual([]);
  });

  it('two-way manual: edits to different people in two systems are reported as a conflict, not overwritten', async () => {
    const { sandbox: s, workspace: w } = await start({
      edit: (y) =>
        y.replace(
          'policy: { twoWay: { tieBreak: priority, priority: [salesforce, hubspot, zendesk] } }',
          'policy: { twoWay: { tieBreak: manual } }',
        ),
    });
    expect((await sync(w)).report.status).toBe('ok');
    await edit(
      `${s.urls.salesforce}/services/data/v62.0/sobjects/Account/${ACCOUNT}`,
      'PATCH',
      { CSM__c: '005000000000003AAA' },
      'Bearer e2e',
    );
    await edit(
      `${s.urls.hubspot}/crm/v3/objects/companies/batch/update`,
      'POST',
      { inputs: [{ id: '1000001', properties: { csm_owner: '70004' } }] },
      'Bearer e2e',
    );
    const next = await sync(w);
    expect(next.report.changes.filter((c) => c.account === KEY && c.role === 'csm')).toEqual([]);
    expect(next.report.issues).toContainEqual(expect.objectContaining({ kind: 'conflict', account: KEY, role: 'csm' }));
    const csmWrites = [...s.writes.salesforce.all(), ...s.writes.hubspot.all()].filter(
      (x) => x.field === 'CSM__c' || x.field === 'csm_owner',
    );
    // Only the two human edits touched the CSM fields: spoc wrote neither side.
    expect(csmWrites.map((x) => x.value)).toEqual(['005000000000003AAA', '70004']);
  });

  // Once in 25 CI runs one of the two printed no report: it had failed at once with
  // "database is locked" switching the new state file to WAL while the other sync opened it.
  it('of two syncs started together, one runs and the other is refused with exit 3', async () => {
    const { workspace: w } = await start({ faults: 'latency=150:1' });
    const [a, b] = await Promise.all([sync(w), sync(w)]);
    expect([a.code, b.code].sort()).toEqual([0, 3]);
    const refused = a.code === 3 ? a : b;
    expect(refused.report.status).toBe('refused');
  });

  it('of eight syncs started together on a new state file, one runs and seven are refused, each time', async () => {
    for (let attempt = 0; attempt < 2; attempt++) {
      await sandbox?.close();
      if (workspace) rmSync(workspace.dir, { recursive: true, force: true });
      const { workspace: w } = await start({ faults: 'latency=150:1' });
      const results = await Promise.all(Array.from({ length: 8 }, () => sync(w)));
      expect(results.map((r) => r.code).sort()).toEqual([0, 3, 3, 3, 3, 3, 3, 3]);
      for (const r of results.filter((x) => x.code === 3)) {
        expect(r.report).toMatchObject({ status: 'refused', message: expect.stringMatching(/holds the lock$/) });
      }
    }
  }, 120_000);

  it('a sync killed with SIGKILL while writing, then re-run, ends where an uninterrupted run ends', async () => {
    const { sandbox: s, workspace: w } = await start({ faults: 'latency=100:1' });
    const child = spawn(process.execPath, [join(ROOT, 'packages/cli/src/main.ts'), 'sync', '-c', w.config], {
      env: { ...process.env, ...w.env, SPOC_LOG_LEVEL: 'silent' },
      stdio: 'ignore',
    });
    const deadline = Date.now() + 30_000;
    while (s.writes.hubspot.all().length + s.writes.zendesk.all().length === 0 && Date.now() < deadline) {
      await new Promise((r) => setTimeout(r, 10));
    }
    child.kill('SIGKILL');
    await new Promise((r) => child.once('exit', r));
    await fetch(`${s.urls.hubspot}/__sandbox/faults`, { method: 'POST', body: '{"spec":""}' });
    await fetch(`${s.urls.zendesk}/__sandbox/faults`, { method: 'POST', body: '{"spec":""}' });
    await fetch(`${s.urls.salesforce}/__sandbox/faults`, { method: 'POST', body: '{"spec":""}' });

    expect((await sync(w)).report.status).toBe('ok');
    expect((await sync(w)).report.changes).toEqual([]);
    const departed = 'hugo.schmidt@acme.test';
    const fallback = 'anna.schmidt@acme.test';
    for (const [domain, owners] of await ownersEverywhere(s)) {
      const decided = owners.sf === departed ? fallback : owners.sf;
      const inZendesk = decided === 'grace.schmidt@acme.test' ? fallback : decided;
      expect({ domain, hs: owners.hs, zd: owners.zd }).toEqual({ domain, hs: decided, zd: inZendesk });
    }
  });

  it('a sync stopped after the owner writes, before contacts and tickets followed, has them moved by the next run', async () => {
    const clean = await start();
    expect((await sync(clean.workspace)).report.status).toBe('ok');
    const reference = await followers(clean.sandbox);
    await clean.sandbox.close();
    rmSync(clean.workspace.dir, { recursive: true, force: true });

    for (const signal of ['SIGKILL', 'SIGTERM'] as const) {
      // Every call takes 150 ms, so the kill lands while the other systems' owner writes are in flight.
      const { sandbox: s, workspace: w } = await start({ faults: 'latency=150:1' });
      const child = spawn(process.execPath, [join(ROOT, 'packages/cli/src/main.ts'), 'sync', '-c', w.config], {
        env: { ...process.env, ...w.env, SPOC_LOG_LEVEL: 'silent' },
        stdio: 'ignore',
      });
      const deadline = Date.now() + 30_000;
      while (!s.writes.hubspot.all().some((x) => x.object === 'companies') && Date.now() < deadline) {
        await new Promise((r) => setTimeout(r, 5));
      }
      child.kill(signal);
      await new Promise((r) => child.once('exit', r));
      const contactWrites = s.writes.hubspot.all().filter((x) => x.object === 'contacts');
      expect({ signal, contactsMovedBeforeTheStop: contactWrites.length }).toEqual({
        signal,
        contactsMovedBeforeTheStop: 0,
      });
      for (const system of ['hubspot', 'salesforce', 'zendesk'] as const)
        await fetch(`${s.urls[system]}/__sandbox/faults`, { method: 'POST', body: '{"spec":""}' });

      const next = await spoc(['sync', '--json', '-c', w.config], w.env);
      const report = JSON.parse(next.stdout) as { status: string; cascadePlan: { resumed: Record<string, number> } };
      expect(report.status).toBe('ok');
      expect(report.cascadePlan.resumed.contacts).toBeGreaterThan(0);
      expect(await followers(s)).toEqual(reference);
      await s.close();
      rmSync(w.dir, { recursive: true, force: true });
      sandbox = undefined;
      workspace = undefined;
    }
  });
});
