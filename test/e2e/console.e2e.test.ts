import { type ChildProcess, execFileSync } from 'node:child_process';
import { existsSync, mkdirSync, mkdtempSync, readFileSync, rmSync, writeFileSync } from 'node:fs';
import { get as httpGet } from 'node:http';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { EMULATORS, type EmulatorId } from '@spoc/cli';
import { demoSeed, type Sandbox, startSandbox } from '@spoc/sandbox';
import { type BrowserContext, chromium, type Page } from 'playwright-core';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { demoWorkspace, ROOT, spoc, startServing, vendorGet } from './helpers.ts';

// Debian's Chromium (apt-get install chromium), driven by playwright-core: no browser download.
const CHROMIUM = '/usr/bin/chromium';
const SHOTS = join(ROOT, 'test/e2e/screenshots');

let sandbox: Sandbox<EmulatorId>;
let workspace: ReturnType<typeof demoWorkspace>;
let server: ChildProcess;
let url: string;
let browser: BrowserContext;
let page: Page;
let profile: string;
/** What Chromium reports the Content-Security-Policy blocked, on any page the tests open. */
const blocked: string[] = [];

/** Starts `spoc serve` as an admin would and waits for its {"url"} line. */
const startServe = (config: string, env: NodeJS.ProcessEnv) =>
  startServing(['serve', '-c', config, '--port', '0'], env);

async function serve(): Promise<string> {
  const started = await startServe(workspace.config, workspace.env);
  server = started.child;
  return started.url;
}

/** A GET over a real socket with the Host header a browser would send (fetch cannot set Host). */
function getWithHost(target: string, host: string): Promise<{ status: number; body: string }> {
  return new Promise((resolve, reject) => {
    const request = httpGet(target, { headers: { host } }, (response) => {
      let body = '';
      response.on('data', (d) => {
        body += d;
      });
      response.on('end', () => resolve({ status: response.statusCode ?? 0, body }));
    });
    request.on('error', reject);
  });
}

async function vendorEdit(target: string, method: string, body: object) {
  const response = await fetch(target, {
    method,
    headers: { authorization: 'Bearer e2e', 'content-type': 'application/json' },
    body: JSON.stringify(body),
  });
  expect(response.ok).toBe(true);
}

const shot = (name: string) => page.screenshot({ path: join(SHOTS, `${name}.png`), fullPage: true });

describe('spoc serve: who may reach the console, and with what token', () => {
  let ws: ReturnType<typeof demoWorkspace>;
  let vendors: Sandbox<EmulatorId>;
  const TOKEN = 'a-console-token-of-forty-characters-0001';
  const serveExit = (env: NodeJS.ProcessEnv, args: string[] = []) =>
    spoc(['serve', '-c', ws.config, '--port', '0', ...args], { ...ws.env, ...env });

  beforeAll(async () => {
    vendors = await startSandbox({ emulators: EMULATORS, seed: demoSeed(), port: 0, rateLimits: false });
    ws = demoWorkspace(vendors);
  });
  afterAll(async () => {
    await vendors?.close();
    rmSync(ws.dir, { recursive: true, force: true });
  });

  it('a token shorter than 32 characters is refused at start: exit 2, the minimum named, no state file made', async () => {
    const result = await serveExit({ SPOC_CONSOLE_TOKEN: 'short-token' }, ['--host', '0.0.0.0']);
    expect(result.code).toBe(2);
    expect(result.stderr).toBe(
      'spoc serve: SPOC_CONSOLE_TOKEN holds 11 characters: the console token needs at least 32 (make one with: openssl rand -hex 32)\n',
    );
    expect(existsSync(join(ws.dir, 'state.db'))).toBe(false);
  });

  it('SPOC_CONSOLE_TOKEN_FILE must name a small regular file holding one clean line: otherwise exit 2 naming it', async () => {
    const dir = mkdtempSync(join(tmpdir(), 'spoc-token-'));
    const file = (name: string, content: string) => {
      writeFileSync(join(dir, name), content);
      return join(dir, name);
    };
    const fifo = join(dir, 'fifo');
    execFileSync('mkfifo', [fifo]);
    const cases: [string, string][] = [
      [join(dir, 'nowhere'), `cannot read SPOC_CONSOLE_TOKEN_FILE ${join(dir, 'nowhere')}: no such file`],
      [fifo, `SPOC_CONSOLE_TOKEN_FILE ${fifo} is not a regular file`],
      [dir, `SPOC_CONSOLE_TOKEN_FILE ${dir} is not a regular file`],
      [file('big', 'x'.repeat(64 * 1024 + 1)), `SPOC_CONSOLE_TOKEN_FILE ${join(dir, 'big')} is larger than 64 KiB`],
      [file('empty', ' \n'), `SPOC_CONSOLE_TOKEN_FILE ${join(dir, 'empty')} is empty`],
      [
        file('two-lines', `${TOKEN}\n${TOKEN}\n`),
        `SPOC_CONSOLE_TOKEN_FILE ${join(dir, 'two-lines')} holds a line break or another control character`,
      ],
      [
        file('short', 'short-token\n'),
        `SPOC_CONSOLE_TOKEN_FILE ${join(dir, 'short')} holds 11 characters: the console token needs at least 32`,
      ],
    ];
    try {
      for (const [path, message] of cases) {
        const result = await serveExit({ SPOC_CONSOLE_TOKEN_FILE: path });
        expect(result.code, path).toBe(2);
        expect(result.stderr, path).toContain(`spoc serve: ${message}`);
        expect(result.stderr, path).not.toMatch(/\n\s+at /);
      }
      expect(existsSync(join(ws.dir, 'state.db'))).toBe(false);
    } finally {
      rmSync(dir, { recursive: true, force: true });
    }
  });

  it('a token file (trimmed) guards the console: no token 401, the bearer token 200', async () => {
    const dir = mkdtempSync(join(tmpdir(), 'spoc-token-'));
    writeFileSync(join(dir, 'token'), `  ${TOKEN}\n`);
    const { url, child } = await startServe(ws.config, { ...ws.env, SPOC_CONSOLE_TOKEN_FILE: join(dir, 'token') });
    try {
      expect((await fetch(`${url}/api/overview`)).status).toBe(401);
      expect((await fetch(`${url}/api/overview`, { headers: { authorization: `Bearer ${TOKEN}` } })).status).toBe(200);
    } finally {
      child.kill('SIGTERM');
      rmSync(dir, { recursive: true, force: true });
    }
  });

  it('without a token it answers only to its own loopback name and port: a rebinding host name gets 421', async () => {
    const { url, child } = await startServe(ws.config, ws.env);
    try {
      const port = new URL(url).port;
      const own = await getWithHost(`${url}/api/overview`, `localhost:${port}`);
      expect(own.status).toBe(200);
      for (const path of ['/', '/api/accounts', '/people']) {
        const rebound = await getWithHost(`${url}${path}`, `evil.example:${port}`);
        expect(rebound.status, path).toBe(421);
        expect(rebound.body).not.toContain('acme.test');
      }
    } finally {
      child.kill('SIGTERM');
    }
  });
});

describe.skipIf(!existsSync(CHROMIUM))(
  'admin console in a real browser (Chromium, against sandbox-backed state)',
  () => {
    beforeAll(async () => {
      mkdirSync(SHOTS, { recursive: true });
      sandbox = await startSandbox({ emulators: EMULATORS, seed: demoSeed(), port: 0, rateLimits: false });
      // CSM conflicts wait for a human (tieBreak manual).
      workspace = demoWorkspace(sandbox, (y) =>
        y.replace(
          'policy: { twoWay: { tieBreak: priority, priority: [salesforce, hubspot, zendesk] } }',
          'policy: { twoWay: { tieBreak: manual } }',
        ),
      );
      expect((await spoc(['sync', '-c', workspace.config], workspace.env)).code).toBe(0);
      // People edit the vendors: two CSMs for one customer (a conflict), and two HubSpot
      // owners that Salesforce, the authority, disagrees with (drift).
      await vendorEdit(`${sandbox.urls.salesforce}/services/data/v62.0/sobjects/Account/001000000000002AAA`, 'PATCH', {
        CSM__c: '005000000000003AAA',
      });
      await vendorEdit(`${sandbox.urls.hubspot}/crm/v3/objects/companies/batch/update`, 'POST', {
        inputs: [
          { id: '1000001', properties: { csm_owner: '70004' } },
          { id: '1000002', properties: { hubspot_owner_id: '70004' } },
          { id: '1000003', properties: { hubspot_owner_id: '70005' } },
        ],
      });
      // A guard of 1 change holds the next sync back, so the console shows the drift waiting.
      writeFileSync(
        workspace.config,
        readFileSync(workspace.config, 'utf8').replace('maxChanges: 50%', 'maxChanges: 1'),
      );
      expect((await spoc(['sync', '-c', workspace.config], workspace.env)).code).toBe(3);
      url = await serve();
      profile = mkdtempSync(join(tmpdir(), 'spoc-chromium-'));
      browser = await chromium.launchPersistentContext(profile, {
        executablePath: CHROMIUM,
        headless: true,
        args: [
          '--headless',
          '--no-sandbox',
          '--disable-gpu',
          '--disable-background-networking',
          '--disable-component-update',
          '--disable-sync',
          '--no-first-run',
        ],
        viewport: { width: 1400, height: 900 },
      });
      page = browser.pages()[0] ?? (await browser.newPage());
      page.on('console', (message) => {
        if (/Content Security Policy/i.test(message.text())) blocked.push(message.text());
      });
    }, 60_000);

    afterAll(async () => {
      await browser?.close();
      server?.kill('SIGTERM');
      await sandbox?.close();
      rmSync(workspace.dir, { recursive: true, force: true });
      if (profile) rmSync(profile, { recursive: true, force: true });
    });

    it('overview → filter to drift → an account → settle a conflict → the next sync applies it', async () => {
      await page.goto(url);
      await expect.poll(() => page.title()).toBe('Overview · spoc');
      // The stylesheet, allowed by its hash, applies (the header is dark, the chart framed).
      const style = (selector: string, property: string) =>
        page.evaluate(`getComputedStyle(document.querySelector('${selector}')).${property}`);
      expect(await style('header', 'backgroundColor')).toBe('rgb(29, 35, 48)');
      expect(await style('svg.chart', 'borderTopColor')).toBe('rgb(227, 230, 236)');
      const drift = Number((await page.locator('[data-test="count-drift"] b').innerText()).replace(/,/g, ''));
      const conflicts = Number(await page.locator('[data-test="count-conflict"] b').innerText());
      expect(drift).toBeGreaterThan(0);
      expect(conflicts).toBeGreaterThan(0);
      expect(await page.locator('[data-test="accounts"]').innerText()).toBe('40');
      await shot('1-overview');

      await page.click('[data-test="count-drift"]');
      await page.waitForURL(/status=drift/);
      const statuses = await page.locator('table[data-test="accounts"] tbody .badge').allInnerTexts();
      expect(statuses.length).toBe(Math.min(drift, 50));
      expect(new Set(statuses)).toEqual(new Set(['drift']));
      expect(await page.locator('td.mismatch').count()).toBeGreaterThan(0);
      await shot('2-drift');

      await page.locator('table[data-test="accounts"] tbody tr a').first().click();
      await page.waitForURL(/\/accounts\/salesforce/);
      expect(await page.locator('h2', { hasText: 'Ownership history' }).count()).toBe(1);
      await shot('3-account');

      await page.goto(`${url}/accounts?status=conflict`);
      const row = page.locator('table[data-test="accounts"] tbody tr').first();
      const account = (await row.getAttribute('data-account')) as string;
      await row.locator('a').first().click();
      await page.waitForURL(/\/accounts\/salesforce/);
      const form = page.locator('form[data-test="settle-csm"]');
      const winner = (await form.locator('input[type=radio]').first().getAttribute('value')) as string;
      await form.locator('input[type=radio]').first().check();
      await form.locator('button').click();
      await page.waitForURL(/settle\/preview/);
      const planned = await page.locator('table[data-test="planned"] tbody tr').allInnerTexts();
      expect(planned.length).toBeGreaterThan(0);
      for (const line of planned) expect(line).toContain(winner);
      await shot('4-preview');
      await page.click('form[data-test="apply"] button');
      await page.waitForURL(/queued=/);
      expect(await page.locator('[data-test="notice"]').innerText()).toMatch(
        /Action #\d+ recorded: the next sync writes it/,
      );
      await shot('5-queued');

      // The next sync (forced past the guard held for the other drift) writes the winner everywhere.
      const next = await spoc(['sync', '--force', '--json', '-c', workspace.config], workspace.env);
      expect(next.code).toBe(0);
      const settled = (
        JSON.parse(next.stdout) as {
          changes: { account: string; role: string; reason: string; to: string; result: string }[];
        }
      ).changes.filter((c) => c.account === account && c.role === 'csm');
      expect(settled.length).toBe(planned.length);
      expect(settled.every((c) => c.reason === 'settled' && c.to === winner && c.result === 'written')).toBe(true);
      expect(await csmEverywhere(account)).toEqual({ hubspot: winner, salesforce: winner, zendesk: winner });

      await page.goto(`${url}/accounts/${encodeURIComponent(account)}`);
      expect(await page.locator('tr[data-role="csm"] .badge').first().innerText()).toBe('consistent');
      expect(await page.locator('[data-test^="action-"]').first().innerText()).toBe('applied');
      await shot('6-applied');

      // Settled stays settled: a plain sync finds no conflict there and writes nothing for it.
      const after = await spoc(['sync', '--json', '-c', workspace.config], workspace.env);
      const report = JSON.parse(after.stdout) as {
        changes: { account: string }[];
        issues: { account: string; kind: string }[];
      };
      expect(report.changes.filter((c) => c.account === account)).toEqual([]);
      expect(report.issues.filter((i) => i.account === account && i.kind === 'conflict')).toEqual([]);
    }, 90_000);

    it('people: whose departure leaves customers without a contact somewhere', async () => {
      await page.goto(`${url}/people?risk=1`);
      const rows = page.locator('table[data-test="people"] tbody tr');
      const emails = await rows.evaluateAll((trs) => trs.map((tr) => tr.getAttribute('data-email')));
      // Grace left Zendesk but still owns customers: listed. Anna, active everywhere, is not.
      expect(emails).toContain('grace.schmidt@acme.test');
      expect(emails).not.toContain('anna.schmidt@acme.test');
      const grace = page.locator('tr[data-email="grace.schmidt@acme.test"]');
      expect(await grace.locator('.badge').allInnerTexts()).toEqual(expect.arrayContaining(['inactive', 'at risk']));
      await shot('7-people-at-risk');
    });

    it('day to day: a run page from the overview, the accounts as CSV, and Sync now to completion', async () => {
      // A run's page, opened from the overview: what it cost per system, what it changed.
      await page.goto(url);
      const first = page.locator('table[data-test="runs"] [data-test="run-link"]').first();
      const runId = await first.innerText();
      await first.click();
      await page.waitForURL(/\/runs\//);
      expect(await page.locator('h1').innerText()).toContain(runId);
      const calls = await page.locator('table[data-test="run-calls"] tbody tr td:nth-child(2)').allInnerTexts();
      expect(calls.length).toBe(3);
      for (const n of calls) expect(Number(n.replace(/,/g, ''))).toBeGreaterThan(0);
      // Times are shown in the browser's zone by the page's one script (the UTC instant in the title).
      expect(await page.locator('time').first().getAttribute('title')).toMatch(/^\d{4}-\d\d-\d\dT/);
      await shot('8-run');

      // The accounts list as a spreadsheet: every row, not one page.
      await page.goto(`${url}/accounts`);
      const total = Number((await page.locator('[data-test="total"]').innerText()).split(' ')[0]?.replace(/,/g, ''));
      const [download] = await Promise.all([page.waitForEvent('download'), page.click('[data-test="export-csv"]')]);
      const csv = readFileSync((await download.path()) as string, 'utf8')
        .trim()
        .split('\r\n');
      expect(csv[0]).toMatch(/^account,name,role,status,decided owner,/);
      expect(csv.length - 1).toBe(total);
      expect(total).toBeGreaterThan(50);

      // Someone re-owns a company in HubSpot; Sync now puts the authority's owner back.
      await vendorEdit(`${sandbox.urls.hubspot}/crm/v3/objects/companies/batch/update`, 'POST', {
        inputs: [{ id: '1000004', properties: { hubspot_owner_id: '70006' } }],
      });
      await page.goto(url);
      await page.click('[data-test="sync-now"]');
      await page.waitForURL(/\/runs\//);
      // The page follows the run (it refreshes itself) until it ends.
      await expect
        .poll(() => page.locator('[data-test="run-status"]').innerText(), { timeout: 60_000, interval: 500 })
        .toBe('ok');
      const written = await page.locator('table[data-test="run-changes"] tr[data-result="written"]').allInnerTexts();
      expect(written.length).toBe(1);
      expect(written[0]).toContain('HubSpot');
      await shot('9-sync-now');
    }, 90_000);

    it('the content policy blocked nothing on any page the admin went through', async () => {
      for (const path of ['/', '/accounts', '/people', '/connections', '/login', '/nope'])
        await page.goto(`${url}${path}`);
      expect(blocked).toEqual([]);
    });
  },
);

/** The CSM each vendor holds now for one account, read from the vendors' own APIs, as emails. */
async function csmEverywhere(account: string) {
  const seed = demoSeed();
  const emails = (list: Record<string, unknown>[] | undefined, id: string) =>
    new Map((list ?? []).map((p) => [String(p[id]), String(p.email ?? p.Email).toLowerCase()]));
  const sfId = account.replace('salesforce:', '');
  const sf = (await vendorGet(
    sandbox.urls.salesforce,
    `/services/data/v62.0/query?q=${encodeURIComponent(`SELECT Id, CSM__c FROM Account WHERE Id = '${sfId}'`)}`,
    'Bearer e2e',
  )) as { records: { CSM__c: string }[] };
  const companies = (await fetch(`${sandbox.urls.hubspot}/crm/v3/objects/companies/search`, {
    method: 'POST',
    headers: { authorization: 'Bearer e2e', 'content-type': 'application/json' },
    body: JSON.stringify({
      filterGroups: [{ filters: [{ propertyName: 'salesforceaccountid', operator: 'EQ', value: sfId }] }],
      properties: ['csm_owner'],
      limit: 10,
    }),
  }).then((r) => r.json())) as { results: { properties: { csm_owner: string } }[] };
  const orgs = (await vendorGet(sandbox.urls.zendesk, '/api/v2/organizations.json?page[size]=100', 'Bearer e2e')) as {
    organizations: { external_id: string | null; organization_fields: { csm_email: string } }[];
  };
  // Zendesk may hold the 15-character form of the Salesforce id.
  const org = orgs.organizations.find((o) => o.external_id !== null && sfId.startsWith(o.external_id));
  return {
    hubspot: emails(seed.hubspot?.owners, 'id').get(String(companies.results[0]?.properties.csm_owner)),
    salesforce: emails(seed.salesforce?.User, 'Id').get(String(sf.records[0]?.CSM__c)),
    zendesk: org?.organization_fields.csm_email.toLowerCase(),
  };
}
