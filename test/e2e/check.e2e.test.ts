import { rmSync } from 'node:fs';
import { EMULATORS, type EmulatorId } from '@spoc/cli';
import { demoSeed, type Sandbox, startSandbox } from '@spoc/sandbox';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { demoWorkspace, spoc } from './helpers.ts';

let sandbox: Sandbox<EmulatorId>;
const dirs: string[] = [];

beforeAll(async () => {
  sandbox = await startSandbox({ emulators: EMULATORS, seed: demoSeed(), port: 0, rateLimits: false });
});
afterAll(async () => {
  await sandbox.close();
  for (const dir of dirs) rmSync(dir, { recursive: true, force: true });
});

function workspace(edit?: (yaml: string) => string) {
  const ws = demoWorkspace(sandbox, edit);
  dirs.push(ws.dir);
  return ws;
}

const writes = () =>
  sandbox.writes.hubspot.all().length + sandbox.writes.salesforce.all().length + sandbox.writes.zendesk.all().length;

describe('spoc check', () => {
  it('passes a working config: every system ok, every fallback a person (exit 0), writing nothing', async () => {
    const ws = workspace();
    const result = await spoc(['check', '-c', ws.config], ws.env);
    expect(result.stderr).toBe('');
    expect(result.stdout).toBe(
      [
        'hubspot: ok',
        'salesforce: ok',
        'zendesk: ok',
        'notify handovers: ok',
        'notify alerts: ok',
        'notify cs-teams: not checked (a webhook can only be tested by posting)',
        'role account_owner: fallback anna.schmidt@acme.test ok',
        '',
      ].join('\n'),
    );
    expect(result.code).toBe(0);
    const json = await spoc(['check', '--json', '-c', ws.config], ws.env);
    expect(json.code).toBe(0);
    expect(JSON.parse(json.stdout)).toMatchObject({
      ok: true,
      systems: [
        { system: 'hubspot', ok: true, problems: [] },
        { system: 'salesforce', ok: true, problems: [] },
        { system: 'zendesk', ok: true, problems: [] },
      ],
      fallbacks: [{ role: 'account_owner', email: 'anna.schmidt@acme.test', ok: true }],
    });
    expect(writes()).toBe(0);
  });

  it('names a notice channel whose Slack token is refused (exit 2): notices would wait in the outbox forever', async () => {
    const ws = workspace();
    const result = await spoc(['check', '-c', ws.config], { ...ws.env, SPOC_SANDBOX_SLACK_TOKEN: 'xoxb-invalid' });
    expect(result.code).toBe(2);
    expect(result.stdout).toContain('notify handovers: 1 problem\n  - Slack refused auth.test: invalid_auth\n');
    expect(result.stdout).toContain('hubspot: ok');
  });

  it('names the system whose token is refused (exit 2), and still checks the others', async () => {
    const ws = workspace((y) =>
      y.replace(
        'accessToken: ${SPOC_DEMO_TOKEN}\n    baseUrl: ${SPOC_SANDBOX_HUBSPOT}',
        'accessToken: ${HS_TOKEN}\n    baseUrl: ${SPOC_SANDBOX_HUBSPOT}',
      ),
    );
    const result = await spoc(['check', '-c', ws.config], { ...ws.env, HS_TOKEN: 'invalid' });
    expect(result.code).toBe(2);
    expect(result.stdout).toMatch(/^hubspot: 1 problem\n {2}- .*\nsalesforce: ok\nzendesk: ok\n/);
    // The fallback is still found among the systems that could be read.
    expect(result.stdout).toContain('role account_owner: fallback anna.schmidt@acme.test ok');
    const json = JSON.parse(
      (await spoc(['check', '--json', '-c', ws.config], { ...ws.env, HS_TOKEN: 'invalid' })).stdout,
    );
    expect(json.ok).toBe(false);
    expect(json.systems.map((s: { system: string; ok: boolean }) => [s.system, s.ok])).toEqual([
      ['hubspot', false],
      ['salesforce', true],
      ['zendesk', true],
    ]);
  });

  it('reports a fallback that matches no person in any system, naming the role and the email (exit 2)', async () => {
    const ws = workspace((y) => y.replace('fallback: anna.schmidt@acme.test', 'fallback: nobody@acme.test'));
    const result = await spoc(['check', '-c', ws.config], ws.env);
    expect(result.code).toBe(2);
    expect(result.stdout).toContain('zendesk: ok\n');
    expect(result.stdout).toContain(
      'role account_owner: fallback nobody@acme.test matches no person in hubspot, salesforce, zendesk\n',
    );
  });

  it('folds aliases as sync does: a fallback given by an alias address is the person', async () => {
    const ws = workspace((y) =>
      y
        .replace('fallback: anna.schmidt@acme.test', 'fallback: anna@acme.test')
        .replace('accounts:', 'people:\n  aliases:\n    anna.schmidt@acme.test: [anna@acme.test]\n\naccounts:'),
    );
    const result = await spoc(['check', '-c', ws.config], ws.env);
    expect(result.stdout).toContain('role account_owner: fallback anna@acme.test ok');
    expect(result.code).toBe(0);
  });

  it('is a config error (exit 2, located) before any vendor is called when a secret is missing', async () => {
    const ws = workspace();
    const before = sandbox.stats().hubspot.total;
    const result = await spoc(['check', '-c', ws.config], { ...ws.env, SPOC_DEMO_TOKEN: '' });
    expect(result.code).toBe(2);
    expect(result.stderr).toMatch(
      new RegExp(`${ws.config}:8:18 systems\\.hubspot\\.accessToken: environment variable SPOC_DEMO_TOKEN is not set`),
    );
    expect(sandbox.stats().hubspot.total).toBe(before);
  });
});
