import { readFileSync, rmSync } from 'node:fs';
import { join } from 'node:path';
import { EMULATORS, type EmulatorId, type SystemEmulatorId } from '@spoc/cli';
import { contracts as freshdesk } from '@spoc/freshdesk/contract';
import { contracts as hubspot } from '@spoc/hubspot/contract';
import { contracts as pipedrive } from '@spoc/pipedrive/contract';
import { contracts as salesforce } from '@spoc/salesforce/contract';
import {
  type Contracts,
  contractProblems,
  generateSeed,
  type Sandbox,
  type SandboxSeed,
  startSandbox,
} from '@spoc/sandbox';
import { contracts as zendesk } from '@spoc/zendesk/contract';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { parseDocument } from 'yaml';
import { demoWorkspace, ROOT, spoc } from './helpers.ts';

// A recorded run of the five-system demo config (check, a full sync over 2,100 accounts so
// Salesforce pages through a query locator, human edits through the vendors' own
// single-record endpoints, an incremental sync) held to each vendor's definition of every
// endpoint it touched: the connectors' requests and the emulators' answers alike.
const CONTRACTS: Record<SystemEmulatorId, Contracts> = { hubspot, salesforce, zendesk, pipedrive, freshdesk };

/**
 * The five-system demo config, its client pacing raised to match a sandbox without limits,
 * and handover notices on: the human edits' handovers then ask who made them (HubSpot's
 * property history, Salesforce's AccountHistory), so those calls are held to contract too.
 */
function fiveSystems(): string {
  const doc = parseDocument(readFileSync(join(ROOT, 'config/spoc.demo-all.yaml'), 'utf8'));
  doc.setIn(['systems', 'pipedrive', 'rateLimit'], { perTwoSeconds: 500 });
  doc.setIn(['systems', 'freshdesk', 'rateLimit'], { perMinute: 15_000 });
  doc.set('notify', {
    channels: [
      {
        name: 'handovers',
        slack: {
          token: '${SPOC_SANDBOX_SLACK_TOKEN}',
          channel: '#handovers',
          apiUrl: '${SPOC_SANDBOX_SLACK}/api/',
        },
        events: ['handover'],
      },
    ],
  });
  return doc.toString();
}

let sandbox: Sandbox<EmulatorId>;
let workspace: ReturnType<typeof demoWorkspace>;
const runs: { code: number | null; stderr: string }[] = [];

beforeAll(async () => {
  const seed = generateSeed(
    {
      accounts: 2500,
      drift: 0.2,
      seed: 5,
      contactAccounts: 50,
      contactsPerAccount: 2,
      ticketAccounts: 40,
      ticketsPerAccount: 3,
    },
    EMULATORS,
  );
  sandbox = await startSandbox({ emulators: EMULATORS, seed, rateLimits: false, record: true });
  workspace = demoWorkspace(sandbox, fiveSystems);
  const timed = (args: string[]) => spoc(args, workspace.env);
  runs.push(await timed(['check', '-c', workspace.config]));
  runs.push(await timed(['sync', '--force', '--json', '-c', workspace.config]));
  await humanEdits(sandbox, seed);
  runs.push(await timed(['sync', '--json', '-c', workspace.config]));
}, 120_000);
afterAll(async () => {
  await sandbox.close();
  rmSync(workspace.dir, { recursive: true, force: true });
});

/** An admin re-owns one record in each system by hand, the way the vendor's UI or another integration would. */
async function humanEdits(s: Sandbox<EmulatorId>, seed: SandboxSeed) {
  const json = { authorization: 'Bearer e2e', 'content-type': 'application/json' };
  const send = async (url: string, method: string, body: unknown) =>
    (await fetch(url, { method, headers: json, body: JSON.stringify(body) })).status;
  const sf = `${s.urls.salesforce}/services/data/v62.0`;
  const company = seed.hubspot?.companies[7]?.id;
  const owner = seed.hubspot?.owners[2]?.id;
  const agents = (seed.zendesk?.users ?? []).filter((u) => u.role !== 'end-user' && u.active !== false);
  const organization = seed.zendesk?.organizations[9]?.id;
  const ticket = seed.zendesk?.tickets.find((t) => t.status === 'open')?.id;
  const zendeskAuth = `Basic ${Buffer.from('e2e@example.com/token:e2e').toString('base64')}`;
  const zd = async (path: string, body: unknown) =>
    (
      await fetch(`${s.urls.zendesk}/api/v2/${path}`, {
        method: 'PUT',
        headers: { authorization: zendeskAuth, 'content-type': 'application/json' },
        body: JSON.stringify(body),
      })
    ).status;
  expect([
    await send(`${sf}/sobjects/Account/001000000000007AAA`, 'PATCH', { OwnerId: '005000000000002AAA' }),
    await send(`${s.urls.hubspot}/crm/v3/objects/companies/${company}`, 'PATCH', {
      // The CSM too: HubSpot's change of it wins (two-way), so its handover asks who made it.
      properties: { hubspot_owner_id: String(owner), csm_owner: String(owner) },
    }),
    await zd(`organizations/${organization}.json`, {
      organization: { organization_fields: { account_manager: agents[3]?.id } },
    }),
    await zd(`tickets/${ticket}.json`, { ticket: { assignee_id: agents[4]?.id } }),
  ]).toEqual([204, 200, 200, 200]);
}

describe('contract checks over a recorded sandbox run', () => {
  it('the recorded run itself succeeded (check, full sync, incremental sync)', () => {
    expect(runs.map((r) => [r.code, r.stderr.slice(0, 2000)])).toEqual([
      [0, ''],
      [0, ''],
      [0, ''],
    ]);
  });

  it('the handovers of the human edits asked who made them, of HubSpot and of Salesforce', () => {
    const exchanges = sandbox.exchanges();
    expect(
      exchanges.hubspot.some(
        (e) =>
          e.route === '/crm/v3/objects/:type/batch/read' && JSON.stringify(e.request).includes('propertiesWithHistory'),
      ),
    ).toBe(true);
    expect(exchanges.salesforce.some((e) => e.query.includes('AccountHistory'))).toBe(true);
  });

  for (const [id, contracts] of Object.entries(CONTRACTS)) {
    it(`every ${id} request and answer matches ${id}'s documented shapes`, () => {
      const exchanges = sandbox.exchanges()[id as EmulatorId];
      expect(exchanges.length).toBeGreaterThan(0);
      expect(contractProblems(exchanges, contracts).join('\n')).toBe('');
    });
  }

  it('would name a Zendesk job result matched by anything but its position', () => {
    const done = sandbox
      .exchanges()
      .zendesk.find(
        (e) =>
          e.route === '/api/v2/job_statuses/:id' &&
          (e.response as { job_status?: { results?: unknown[] | null } }).job_status?.results?.length,
      );
    const { job_status } = (done as NonNullable<typeof done>).response as {
      job_status: { results: Record<string, unknown>[] };
    };
    const [first, ...rest] = job_status.results;
    const { index: _dropped, ...withoutIndex } = first as Record<string, unknown>;
    const drifted = {
      ...(done as NonNullable<typeof done>),
      response: { job_status: { ...job_status, results: [withoutIndex, ...rest] } },
    };
    expect(contractProblems([drifted], zendesk)).toEqual([
      `GET /api/v2/job_statuses/:id (${drifted.path}) response: job_status.results.0.index: Invalid input: expected number, received undefined`,
    ]);
  });

  it('would name the endpoint and field if the emulator answered off the definition', () => {
    const [query] = sandbox.exchanges().salesforce.filter((e) => e.route.endsWith('/query') && e.status === 200);
    const drifted = { ...(query as NonNullable<typeof query>), response: { done: 'yes', records: [] } };
    expect(contractProblems([drifted], salesforce)).toEqual([
      'GET /services/data/:version/query (/services/data/v62.0/query) response: totalSize: Invalid input: expected number, received undefined',
      'GET /services/data/:version/query (/services/data/v62.0/query) response: done: Invalid input: expected boolean, received string',
    ]);
  });
});
