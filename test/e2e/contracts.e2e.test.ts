import { readFileSync, rmSync } from 'node:fs';
import { join } from 'node:path';
import { EMULATORS, type EmulatorId } from '@spoc/cli';
import { contracts as freshdesk } from '@spoc/freshdesk/contract';
import { contracts as hubspot } from '@spoc/hubspot/contract';
import { contracts as pipedrive } from '@spoc/pipedrive/contract';
import { contracts as salesforce } from '@spoc/salesforce/contract';
import { type Contracts, contractProblems, generateSeed, type Sandbox, startSandbox } from '@spoc/sandbox';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { parseDocument } from 'yaml';
import { demoWorkspace, ROOT, spoc } from './helpers.ts';

// A recorded run of the five-system demo config (check, a full sync over 2,100 accounts so
// Salesforce pages through a query locator, human edits through the vendors' own
// single-record endpoints, an incremental sync) held to each vendor's definition of every
// endpoint it touched: the connectors' requests and the emulators' answers alike.
const CONTRACTS: Partial<Record<EmulatorId, Contracts>> = { hubspot, salesforce, pipedrive, freshdesk };

/** The five-system demo config, its client pacing raised to match a sandbox without limits. */
function fiveSystems(): string {
  const doc = parseDocument(readFileSync(join(ROOT, 'config/spoc.demo-all.yaml'), 'utf8'));
  doc.setIn(['systems', 'pipedrive', 'rateLimit'], { perTwoSeconds: 500 });
  doc.setIn(['systems', 'freshdesk', 'rateLimit'], { perMinute: 15_000 });
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
  await humanEdits(sandbox);
  runs.push(await timed(['sync', '--json', '-c', workspace.config]));
}, 120_000);
afterAll(async () => {
  await sandbox.close();
  rmSync(workspace.dir, { recursive: true, force: true });
});

/** An admin re-owns one record in each system by hand, the way the vendor's UI or another integration would. */
async function humanEdits(s: Sandbox<EmulatorId>) {
  const sf = `${s.urls.salesforce}/services/data/v62.0`;
  const auth = { authorization: 'Bearer e2e', 'content-type': 'application/json' };
  const edited = await fetch(`${sf}/sobjects/Account/001000000000007AAA`, {
    method: 'PATCH',
    headers: auth,
    body: JSON.stringify({ OwnerId: '005000000000002AAA' }),
  });
  expect(edited.status).toBe(204);
}

describe('contract checks over a recorded sandbox run', () => {
  it('the recorded run itself succeeded (check, full sync, incremental sync)', () => {
    expect(runs.map((r) => [r.code, r.stderr.slice(0, 2000)])).toEqual([
      [0, ''],
      [0, ''],
      [0, ''],
    ]);
  });

  for (const [id, contracts] of Object.entries(CONTRACTS)) {
    it(`every ${id} request and answer matches ${id}'s documented shapes`, () => {
      const exchanges = sandbox.exchanges()[id as EmulatorId];
      expect(exchanges.length).toBeGreaterThan(0);
      expect(contractProblems(exchanges, contracts).join('\n')).toBe('');
    });
  }

  it('would name the endpoint and field if the emulator answered off the definition', () => {
    const [query] = sandbox.exchanges().salesforce.filter((e) => e.route.endsWith('/query') && e.status === 200);
    const drifted = { ...(query as NonNullable<typeof query>), response: { done: 'yes', records: [] } };
    expect(contractProblems([drifted], salesforce)).toEqual([
      'GET /services/data/:version/query (/services/data/v62.0/query) response: totalSize: Invalid input: expected number, received undefined',
      'GET /services/data/:version/query (/services/data/v62.0/query) response: done: Invalid input: expected boolean, received string',
    ]);
  });
});
