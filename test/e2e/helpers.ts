import { type ChildProcess, spawn } from 'node:child_process';
import { mkdtempSync, readFileSync, writeFileSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { fileURLToPath } from 'node:url';
import { type EmulatorId, sandboxEnv } from '@spoc/cli';
import { demoSeed, type Sandbox } from '@spoc/sandbox';

export const ROOT = fileURLToPath(new URL('../../', import.meta.url));
const MAIN = join(ROOT, 'packages/cli/src/main.ts');

export interface CliResult {
  code: number | null;
  stdout: string;
  stderr: string;
}

/** Runs the real `spoc` binary as a user would (a child process). */
export function spoc(args: string[], env: NodeJS.ProcessEnv = {}, cwd = ROOT): Promise<CliResult> {
  return new Promise((resolve, reject) => {
    const child = spawn(process.execPath, [MAIN, ...args], {
      cwd,
      env: { ...process.env, SPOC_LOG_LEVEL: 'warn', ...env },
      stdio: ['ignore', 'pipe', 'pipe'],
    });
    let stdout = '';
    let stderr = '';
    child.stdout.on('data', (d) => {
      stdout += d;
    });
    child.stderr.on('data', (d) => {
      stderr += d;
    });
    child.on('error', reject);
    child.on('close', (code) => resolve({ code, stdout, stderr }));
  });
}

/** Starts a long-running `spoc` command (serve, schedule --port) and waits for its {"url"} line on stdout. */
export function startServing(
  args: string[],
  env: NodeJS.ProcessEnv = {},
): Promise<{ url: string; child: ChildProcess }> {
  const child = spawn(process.execPath, [MAIN, ...args], {
    env: { ...process.env, SPOC_LOG_LEVEL: 'warn', ...env },
    stdio: ['ignore', 'pipe', 'inherit'],
  });
  return new Promise((resolve, reject) => {
    let out = '';
    child.stdout?.on('data', (d) => {
      out += d;
      const line = out.split('\n')[0];
      if (out.includes('\n') && line) resolve({ url: (JSON.parse(line) as { url: string }).url, child });
    });
    child.once('exit', (code) => reject(new Error(`spoc ${args[0]} exited with ${code}`)));
  });
}

/** A working directory holding the demo config pointed at a running sandbox. */
export function demoWorkspace(
  sandbox: Sandbox<EmulatorId>,
  edit: (yaml: string) => string = (y) => y,
): { dir: string; config: string; env: NodeJS.ProcessEnv } {
  const dir = mkdtempSync(join(tmpdir(), 'spoc-e2e-'));
  const config = join(dir, 'spoc.yaml');
  writeFileSync(config, edit(readFileSync(join(ROOT, 'config/spoc.demo.yaml'), 'utf8')));
  const env = {
    SPOC_DEMO_TOKEN: 'e2e-token',
    ...sandboxEnv(sandbox.urls),
    SPOC_DEMO_STATE: join(dir, 'state.db'),
  };
  return { dir, config, env };
}

/** GET a sandbox API path as a vendor client would, returning the JSON body. */
export async function vendorGet(base: string, path: string, auth: string): Promise<unknown> {
  const response = await fetch(`${base}${path}`, { headers: { authorization: auth } });
  if (!response.ok) throw new Error(`${path}: ${response.status} ${await response.text()}`);
  return response.json();
}

type Rec = Record<string, unknown>;

/** Reads the owner emails each vendor shows now, straight from the (emulated) vendor APIs. */
export async function ownersEverywhere(sandbox: Sandbox<EmulatorId>) {
  const seed = demoSeed();
  const email = (list: Rec[] | undefined, idKey: string) =>
    new Map((list ?? []).map((p) => [String(p[idKey]), String(p.email ?? p.Email).toLowerCase()]));
  const hsPeople = email(seed.hubspot?.owners, 'id');
  const sfPeople = email(seed.salesforce?.User, 'Id');
  const zdPeople = email(seed.zendesk?.users, 'id');

  const sf = (await vendorGet(
    sandbox.urls.salesforce,
    `/services/data/v62.0/query?q=${encodeURIComponent('SELECT Id, OwnerId, Website FROM Account')}`,
    'Bearer e2e',
  )) as { records: Rec[] };
  const hs = (await vendorGet(
    sandbox.urls.hubspot,
    '/crm/v3/objects/companies?limit=100&properties=hubspot_owner_id,domain',
    'Bearer e2e',
  )) as { results: { properties: Rec }[] };
  const zd = (await vendorGet(sandbox.urls.zendesk, '/api/v2/organizations.json?page[size]=100', 'Bearer e2e')) as {
    organizations: Rec[];
  };

  const byDomain = new Map<string, { sf?: string | undefined; hs?: string | undefined; zd?: string | undefined }>();
  const entry = (domain: string) => {
    const key = domain
      .replace(/^https?:\/\//, '')
      .replace(/^www\./, '')
      .replace(/\/.*$/, '');
    const e = byDomain.get(key) ?? {};
    byDomain.set(key, e);
    return e;
  };
  for (const a of sf.records) entry(String(a.Website)).sf = sfPeople.get(String(a.OwnerId));
  for (const c of hs.results)
    entry(String(c.properties.domain)).hs = hsPeople.get(String(c.properties.hubspot_owner_id));
  for (const o of zd.organizations) {
    const fields = o.organization_fields as Rec;
    entry(String((o.domain_names as string[])[0])).zd = zdPeople.get(String(fields.account_manager));
  }
  return byDomain;
}

/**
 * Who holds each record that follows an account's owner: HubSpot and Salesforce contacts'
 * owners and Zendesk tickets' assignees (with their status), read from the vendor APIs.
 */
export async function followers(sandbox: Sandbox<EmulatorId>): Promise<Record<string, string>> {
  const out: Record<string, string> = {};
  const hs = (await vendorGet(
    sandbox.urls.hubspot,
    '/crm/v3/objects/contacts?limit=100&properties=hubspot_owner_id',
    'Bearer e2e',
  )) as { results: { id: string; properties: Rec }[] };
  for (const c of hs.results) out[`hubspot:contact:${c.id}`] = String(c.properties.hubspot_owner_id);
  const sf = (await vendorGet(
    sandbox.urls.salesforce,
    `/services/data/v62.0/query?q=${encodeURIComponent('SELECT Id, OwnerId FROM Contact')}`,
    'Bearer e2e',
  )) as { records: Rec[] };
  for (const c of sf.records) out[`salesforce:contact:${c.Id}`] = String(c.OwnerId);
  for (const t of demoSeed().zendesk?.tickets ?? []) {
    const { ticket } = (await vendorGet(sandbox.urls.zendesk, `/api/v2/tickets/${t.id}.json`, 'Bearer e2e')) as {
      ticket: Rec;
    };
    out[`zendesk:ticket:${t.id}`] = `${ticket.assignee_id}/${ticket.status}`;
  }
  return out;
}
