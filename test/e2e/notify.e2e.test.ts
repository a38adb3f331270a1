import { spawn } from 'node:child_process';
import { readFileSync, rmSync, writeFileSync } from 'node:fs';
import { join } from 'node:path';
import { EMULATORS, type EmulatorId } from '@spoc/cli';
import { demoSeed, type Sandbox, type SandboxSeed, startSandbox } from '@spoc/sandbox';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { parseDocument } from 'yaml';
import { demoWorkspace, ROOT, spoc } from './helpers.ts';

// Handover notices and run alerts from real `spoc sync` runs (config/spoc.demo.yaml's
// notify: Slack #handovers with direct messages, #spoc-alerts, a Teams channel for the
// CSM role), read back the way a person would see them: Slack's conversations.history
// and what the Teams webhook received.
type Report = {
  status: string;
  changes: { account: string; accountName: string; role: string; to: string; result: string }[];
  notices?: { queued: number; sent: number; failed: number; pending: number };
};

let sandbox: Sandbox<EmulatorId>;
let workspace: ReturnType<typeof demoWorkspace>;
let seed: SandboxSeed;
const SLACK_AUTH = { authorization: 'Bearer xoxb-sandbox', 'content-type': 'application/json' };

beforeAll(async () => {
  seed = demoSeed(EMULATORS);
  sandbox = await startSandbox({ emulators: EMULATORS, seed, port: 0, rateLimits: false });
  workspace = demoWorkspace(sandbox);
  expect((await sync()).status).toBe('ok');
}, 60_000);
afterAll(async () => {
  await sandbox.close();
  rmSync(workspace.dir, { recursive: true, force: true });
});

async function sync(args: string[] = [], config = workspace.config): Promise<Report> {
  const result = await spoc(['sync', '--json', ...args, '-c', config], workspace.env);
  if (!result.stdout.trim()) throw new Error(`sync printed no report (exit ${result.code}): ${result.stderr}`);
  return JSON.parse(result.stdout) as Report;
}

async function slack(method: string, body: object): Promise<Record<string, unknown>> {
  const res = await fetch(`${sandbox.urls.slack}/api/${method}`, {
    method: 'POST',
    headers: SLACK_AUTH,
    body: JSON.stringify(body),
  });
  return (await res.json()) as Record<string, unknown>;
}

/** A Slack conversation's messages, oldest first, as JSON text (blocks included). */
async function history(channel: string): Promise<string[]> {
  const body = await slack('conversations.history', { channel, limit: 999 });
  expect(body.ok).toBe(true);
  return (body.messages as object[]).map((m) => JSON.stringify(m)).reverse();
}

/** A person's direct-message conversation with the bot. */
async function directMessages(email: string): Promise<string[]> {
  const user = (await slack('users.lookupByEmail', { email })) as { user: { id: string } };
  const opened = (await slack('conversations.open', { users: user.user.id })) as { channel: { id: string } };
  return history(opened.channel.id);
}

async function teams(): Promise<string[]> {
  const body = (await (await fetch(`${sandbox.urls.teams}/__sandbox/messages`)).json()) as {
    messages: { body: unknown }[];
  };
  return body.messages.map((m) => JSON.stringify(m.body));
}

/**
 * Salesforce (the account owner's authority): an admin re-owns accounts by hand, in the
 * session of `asUser` when given (the field history then names them).
 */
async function reownInSalesforce(accounts: number[], ownerId: string, asUser?: string) {
  for (const n of accounts) {
    const id = `001${String(n).padStart(12, '0')}AAA`;
    const res = await fetch(`${sandbox.urls.salesforce}/services/data/v62.0/sobjects/Account/${id}`, {
      method: 'PATCH',
      headers: { authorization: `Bearer ${asUser ? `ui-user-${asUser}` : 'e2e'}`, 'content-type': 'application/json' },
      body: JSON.stringify({ OwnerId: ownerId }),
    });
    expect(res.status).toBe(204);
  }
}

const activeUsers = () => (seed.salesforce?.User ?? []).filter((u) => u.IsActive === true && u.UserType === 'Standard');

/** The account-roles a report re-owned, with their new owner. */
const reowned = (report: Report) => [
  ...new Map(report.changes.filter((c) => c.result === 'written').map((c) => [`${c.account} ${c.role}`, c])).values(),
];

describe('handover notices and run alerts in Slack and Teams', () => {
  it('one notice per changed account-role in Slack (and each new POC hears of it directly); Teams gets the CSM ones', async () => {
    const before = { slack: (await history('#handovers')).length, teams: (await teams()).length };
    const [farid] = activeUsers().filter((u) => u.Email === 'farid.schmidt@acme.test');
    const [admin] = activeUsers().filter((u) => u.Email === 'anna.schmidt@acme.test');
    await reownInSalesforce([2, 3, 4], String(farid?.Id), String(admin?.Id));
    // A person moves two companies' CSM in HubSpot's UI (two-way: HubSpot's change wins).
    const owners = (seed.hubspot?.owners ?? []).filter((o) => o.type === 'PERSON' && o.archived === false);
    const csmTo = owners.find((o) => o.email === 'chloe.schmidt@acme.test');
    const editor = owners.find((o) => o.email === 'bruno.schmidt@acme.test');
    for (const company of (seed.hubspot?.companies ?? []).slice(10, 12)) {
      const res = await fetch(`${sandbox.urls.hubspot}/crm/v3/objects/companies/${company.id}`, {
        method: 'PATCH',
        headers: { authorization: `Bearer ui-user-${String(editor?.userId)}`, 'content-type': 'application/json' },
        body: JSON.stringify({ properties: { csm_owner: String(csmTo?.id) } }),
      });
      expect(res.status).toBe(200);
    }
    const report = await sync();
    expect(report.status).toBe('ok');
    const changed = reowned(report);
    expect(changed.map((c) => c.role).sort()).toEqual([
      'account_owner',
      'account_owner',
      'account_owner',
      'csm',
      'csm',
    ]);

    const posted = (await history('#handovers')).slice(before.slack);
    expect(posted).toHaveLength(5);
    for (const c of changed) {
      expect(posted.filter((m) => m.includes(c.accountName) && m.includes(c.to))).toHaveLength(1);
      // Who made the change, as each deciding system's history says.
      const by = c.role === 'csm' ? 'Bruno Schmidt' : String(admin?.Name);
      expect(posted.find((m) => m.includes(c.accountName))).toContain(`(changed by ${by})`);
    }
    const cards = (await teams()).slice(before.teams);
    expect(cards).toHaveLength(2);
    for (const c of changed.filter((x) => x.role === 'csm')) {
      expect(cards.filter((m) => m.includes(c.accountName) && m.includes(c.to))).toHaveLength(1);
    }
    const dms = await directMessages('farid.schmidt@acme.test');
    for (const n of ['000002', '000003', '000004']) expect(dms.some((m) => m.includes(`Customer ${n}`))).toBe(true);
    // Nothing waits: a direct message to a previous POC who left (deactivated in Slack) is
    // given up at once, not retried every run.
    expect(report.notices).toMatchObject({ pending: 0 });
  });

  it('a second sync with nothing changed sends nothing new', async () => {
    const before = { slack: (await history('#handovers')).length, teams: (await teams()).length };
    const report = await sync();
    expect(report.changes).toEqual([]);
    expect(report.notices).toMatchObject({ queued: 0, sent: 0 });
    expect((await history('#handovers')).length).toBe(before.slack);
    expect((await teams()).length).toBe(before.teams);
  });

  it('more handovers than notify.digestAbove (20) in one run become one digest per channel and per person', async () => {
    const before = (await history('#handovers')).length;
    const [elena] = activeUsers().filter((u) => u.Email === 'elena.schmidt@acme.test');
    const dmsBefore = (await directMessages('elena.schmidt@acme.test')).length;
    await reownInSalesforce(
      Array.from({ length: 25 }, (_, i) => 11 + i),
      String(elena?.Id),
    );
    // Past the guard on purpose (25 of 80 account-roles, and their contacts): the digest is under test.
    const report = await sync(['--force']);
    const handovers = reowned(report).filter((c) => c.role === 'account_owner' && c.to === 'elena.schmidt@acme.test');
    expect(handovers.length).toBeGreaterThan(20);
    const posted = (await history('#handovers')).slice(before);
    expect(posted).toHaveLength(1);
    expect(posted[0]).toContain(String(handovers.length));
    // Elena takes them all: one digest in her direct messages, not 25 messages.
    expect((await directMessages('elena.schmidt@acme.test')).length).toBe(dmsBefore + 1);
  });

  it('Slack down: every owner is still written, the notice waits in the outbox, and the next run delivers it', async () => {
    const before = (await history('#handovers')).length;
    const setSlackFaults = async (spec: string) =>
      expect(
        (await fetch(`${sandbox.urls.slack}/__sandbox/faults`, { method: 'POST', body: JSON.stringify({ spec }) }))
          .status,
      ).toBe(200);
    await setSlackFaults('5xx=1');
    const [bruno] = activeUsers().filter((u) => u.Email === 'bruno.schmidt@acme.test');
    await reownInSalesforce([5], String(bruno?.Id));
    const down = await sync();
    expect(down.status).toBe('ok');
    expect(reowned(down).map((c) => [c.accountName, c.to, c.result])).toEqual(
      expect.arrayContaining([['Customer 000005', 'bruno.schmidt@acme.test', 'written']]),
    );
    expect(down.notices?.pending).toBeGreaterThan(0);
    await setSlackFaults('');
    expect((await history('#handovers')).length).toBe(before);

    const next = await sync();
    expect(next.changes).toEqual([]);
    expect(next.notices).toMatchObject({ pending: 0 });
    const posted = (await history('#handovers')).slice(before);
    expect(posted.filter((m) => m.includes('Customer 000005'))).toHaveLength(1);
  });

  it('a scheduled sync the guard refuses on three ticks alerts once; the run that passes clears it', async () => {
    const before = (await history('#spoc-alerts')).length;
    const doc = parseDocument(readFileSync(workspace.config, 'utf8'));
    doc.setIn(['safety', 'maxChanges'], 0);
    doc.set('schedule', '* * * * * *');
    const guarded = join(workspace.dir, 'guarded.yaml');
    writeFileSync(guarded, doc.toString());
    const [anna] = activeUsers().filter((u) => u.Email === 'anna.schmidt@acme.test');
    await reownInSalesforce([6], String(anna?.Id));

    // `spoc schedule` ticks every second here; stop it after its third run.
    const child = spawn(process.execPath, [join(ROOT, 'packages/cli/src/main.ts'), 'schedule', '-c', guarded], {
      env: { ...process.env, ...workspace.env, SPOC_LOG_LEVEL: 'info' },
      stdio: ['ignore', 'ignore', 'pipe'],
    });
    let ticks = 0;
    await new Promise<void>((resolve, reject) => {
      const timer = setTimeout(() => reject(new Error('spoc schedule ran fewer than 3 syncs in 30 s')), 30_000);
      child.stderr?.on('data', (chunk: Buffer) => {
        ticks += chunk.toString().split('scheduled run finished').length - 1;
        if (ticks >= 3) {
          clearTimeout(timer);
          resolve();
        }
      });
    });
    child.kill('SIGTERM');
    await new Promise((r) => child.once('exit', r));
    const alerts = (await history('#spoc-alerts')).slice(before);
    expect(alerts).toHaveLength(1);
    expect(alerts[0]).toContain('--force');

    const forced = await sync(['--force'], guarded);
    expect(forced.status).toBe('ok');
    const after = (await history('#spoc-alerts')).slice(before);
    expect(after).toHaveLength(2);
  });
});
