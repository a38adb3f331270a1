import { mkdtempSync } from 'node:fs';
import type { AddressInfo } from 'node:net';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { openStore, parseConfig, type RunReport, runSync, type SpocConfig, type StateStore } from '@spoc/core';
import { MemoryConnector } from '@spoc/core/testing';
import { parse } from 'csv-parse/sync';
import type { FastifyInstance } from 'fastify';
import { pino } from 'pino';
import { afterEach, beforeEach, describe, expect, it } from 'vitest';
import { buildConsole } from './server.ts';
import type { SyncRunner } from './sync-now.ts';
import { WORLD_CONFIG, WORLD_REGISTRY, WORLD_SECRETS, worldAccounts, worldPeople } from './testing-world.ts';

// Running spoc day to day from the console: a run's page (calls, before/after, a refused
// plan), "Sync now", CSV exports, sorting, the connections panel.

let store: StateStore;
let config: SpocConfig;
let vendors: MemoryConnector[];
let app: FastifyInstance | undefined;
const silent = pino({ level: 'silent' });
/** What each vendor's API was asked, as its connector counts it (listing people costs 3 calls, one a 429). */
const calls: Record<string, { calls: number; retries: number; throttled: number }> = {};

beforeEach(() => {
  const path = join(mkdtempSync(join(tmpdir(), 'spoc-console-')), 'state.db');
  config = parseConfig(WORLD_CONFIG.replace('STATE', path), 'spoc.yaml', WORLD_REGISTRY, WORLD_SECRETS);
  store = openStore(path);
  vendors = (['hubspot', 'salesforce', 'zendesk'] as const).map((s) => {
    const v = new MemoryConnector(
      s,
      worldPeople(s),
      worldAccounts(s),
      s === 'zendesk' ? { owner: 'id', csm: 'email' } : { owner: 'id', csm: 'id' },
    );
    const stats = { calls: 0, retries: 0, throttled: 0 };
    calls[s] = stats;
    const list = v.listPeople.bind(v);
    v.listPeople = async function* () {
      stats.calls += 3;
      stats.retries += 1;
      stats.throttled += 1;
      yield* list();
    };
    // Salesforce says how much of the org's daily allocation is used (Sforce-Limit-Info).
    v.stats = () => ({
      ...stats,
      ...(s === 'salesforce' ? { daily: { used: 1200 + stats.calls, limit: 15_000 } } : {}),
    });
    return v;
  });
});
afterEach(async () => {
  await app?.close();
  app = undefined;
  store.close();
});

const vendor = (s: string) => vendors.find((v) => v.system === s) as MemoryConnector;
const sync = (force = false): Promise<RunReport> =>
  runSync({ config, connectors: vendors, store, logger: silent }, { dryRun: false, full: false, force });
const runner: SyncRunner = ({ onProgress, signal }) =>
  runSync(
    { config, connectors: vendors, store, logger: silent },
    { dryRun: false, full: false, force: false, onProgress, signal },
  );
let port = 0;
const open = async (sync?: SyncRunner) => {
  app = await buildConsole({ config, store, ...(sync ? { sync } : {}) });
  // Listening, as `spoc serve` does: the console answers only at its own loopback address.
  await app.listen({ host: '127.0.0.1', port: 0 });
  port = (app.server.address() as AddressInfo).port;
  return app;
};
const get = (url: string) => (app as FastifyInstance).inject({ url, headers: { host: `127.0.0.1:${port}` } });
const csrfOf = (page: string) => /name="_csrf" value="([^"]+)"/.exec(page)?.[1] ?? '';
const post = (url: string, fields: Record<string, string>) =>
  (app as FastifyInstance).inject({
    method: 'POST',
    url,
    payload: new URLSearchParams(fields).toString(),
    headers: { 'content-type': 'application/x-www-form-urlencoded', host: `127.0.0.1:${port}` },
  });
const csvOf = (body: string) => parse(body, { columns: true }) as Record<string, string>[];

describe('console: a run page', () => {
  it('a refused run shows the plan it would have applied, before and after per record, and its calls per system', async () => {
    const refused = await sync();
    expect(refused.status).toBe('refused');
    await open();
    const page = (await get(`/runs/${encodeURIComponent(refused.runId)}`)).body;
    expect(page).toContain('data-test="refused-plan"');
    // Every change the guard held back, each 'planned', with what the field held and would hold.
    const rows = [...page.matchAll(/<tr data-result="([a-z]+)">([\s\S]*?)<\/tr>/g)];
    expect(rows.map((r) => r[1])).toEqual(refused.changes.map(() => 'planned'));
    const hubspot1 = refused.changes.find((c) => c.system === 'hubspot' && c.recordId === 'hubspot1');
    expect(hubspot1).toMatchObject({ from: 'bruno@acme.test', to: 'anna@acme.test' });
    expect(rows.some((r) => /hubspot1<\/td><td>bruno@acme\.test<\/td><td>anna@acme\.test<\/td>/.test(r[2] ?? ''))).toBe(
      true,
    );
    // Calls, retries and 429s as each connector counted them during this run.
    for (const system of ['hubspot', 'salesforce', 'zendesk'])
      expect(page).toMatch(new RegExp(`<tr data-system="${system}"><td>[^<]+</td><td>3</td><td>1</td><td>1</td></tr>`));

    // The run's changes as CSV: the same rows.
    const csv = csvOf((await get(`/runs/${encodeURIComponent(refused.runId)}/changes.csv`)).body);
    expect(csv.map((r) => [r.system, r.record, r.from, r.to, r.result])).toEqual(
      refused.changes.map((c) => [config.systems[c.system]?.label, c.recordId, c.from ?? '', c.to, 'planned']),
    );
  });
});

describe('console: Sync now', () => {
  it('runs a sync within the guard, sends the browser to its page, which follows it until it ends', async () => {
    await open(runner);
    const overview = (await get('/')).body;
    expect(overview).toContain('data-test="sync-now"');
    // Hold the read until the page has been seen running.
    let release: () => void = () => {};
    const gate = new Promise<void>((resolve) => {
      release = resolve;
    });
    const hubspot = vendor('hubspot');
    const read = hubspot.readAccounts.bind(hubspot);
    hubspot.readAccounts = async function* () {
      await gate;
      yield* read();
    };
    const started = await post('/sync-now', { _csrf: csrfOf(overview) });
    expect(started.statusCode).toBe(303);
    const runId = store.runs.list(1)[0]?.id ?? '';
    expect(started.headers.location).toBe(`/runs/${encodeURIComponent(runId)}`);
    const running = (await get(String(started.headers.location))).body;
    expect(running).toContain('<meta http-equiv="refresh" content="2">');
    expect(running).toContain('data-test="run-progress"');
    // A second press while it runs shows the same run, not a second one.
    expect((await post('/sync-now', { _csrf: csrfOf(overview) })).headers.location).toBe(started.headers.location);
    release();
    await waitFor(() => store.runs.get(runId)?.status !== 'running');
    const done = (await get(String(started.headers.location))).body;
    expect(done).not.toContain('http-equiv="refresh"');
    // The world's drift is above maxChanges 1: the guard holds, as for `spoc sync`.
    expect(done).toContain('<b data-test="run-status">refused</b>');
    expect(store.runs.list(5).filter((r) => !r.dryRun)).toHaveLength(1);
  });

  it('a console started without vendor access offers no Sync now and refuses one', async () => {
    await sync();
    await open();
    const overview = (await get('/')).body;
    expect(overview).not.toContain('data-test="sync-now"');
    const csrf = csrfOf((await get('/accounts/salesforce:0013')).body);
    const refused = await post('/sync-now', { _csrf: csrf });
    expect(refused.statusCode).toBe(400);
    expect(refused.body).toContain('without vendor access');
    expect(store.runs.list(5)).toHaveLength(1);
  });

  it('a sync that cannot start says why', async () => {
    await open(async () => {
      throw new Error('SPOC_SF_TOKEN is not set');
    });
    const refused = await post('/sync-now', { _csrf: csrfOf((await get('/')).body) });
    expect(refused.statusCode).toBe(409);
    expect(refused.body).toContain('the sync could not start: SPOC_SF_TOKEN is not set');
  });
});

describe('console: CSV and sorting', () => {
  it('exports the filtered accounts, every row (not one page), formulas kept as text', async () => {
    const customer1 = vendor('salesforce').accounts.get('0011');
    if (customer1) customer1.name = '=HYPERLINK("http://evil.example","Customer 1")';
    await sync(true);
    await open();
    const all = csvOf((await get('/accounts.csv')).body);
    expect(all).toHaveLength(store.ownership.list({}, { offset: 0, limit: 1000 }).total);
    expect(all[0] && Object.keys(all[0])).toEqual([
      'account',
      'name',
      'role',
      'status',
      'decided owner',
      'HubSpot owner',
      'HubSpot record',
      'Salesforce owner',
      'Salesforce record',
      'Zendesk owner',
      'Zendesk record',
    ]);
    expect(all.find((r) => r.account === 'salesforce:0011')?.name).toBe(
      '\'=HYPERLINK("http://evil.example","Customer 1")',
    );
    const csm = csvOf((await get('/accounts.csv?role=csm&status=conflict')).body);
    expect(csm.map((r) => [r.account, r.role, r.status])).toEqual([['salesforce:0013', 'csm', 'conflict']]);
    const response = await get('/accounts.csv?role=csm');
    expect(response.headers['content-disposition']).toBe('attachment; filename="accounts-role-csm.csv"');
  });

  it('sorts the accounts by a column, both ways, the filter kept', async () => {
    await sync(true);
    await open();
    const decided = async (query: string) =>
      [
        ...(await get(`/accounts?role=owner&${query}`)).body.matchAll(
          /<tr data-account="[^"]+" data-role="owner">[\s\S]*?<td>([^<]*@acme\.test)<\/td>/g,
        ),
      ].map((m) => m[1]);
    const up = await decided('sort=decided');
    expect(up).toEqual([...up].sort());
    expect(new Set(up).size).toBeGreaterThan(1);
    expect(await decided('sort=decided&dir=desc')).toEqual([...up].reverse());
    expect((await get('/accounts?sort=owner_phone')).statusCode).toBe(400);
    // The header links keep the filter and turn the order round.
    expect((await get('/accounts?role=owner&sort=decided')).body).toContain(
      'href="/accounts?role=owner&amp;sort=decided&amp;dir=desc" data-sort="decided"',
    );
  });
});

describe('console: connections', () => {
  it('each system: the last check, the latest failure in the vendor’s words, and what today’s runs spent', async () => {
    // Zendesk refuses the token on the first run; the next one passes.
    const zendesk = vendor('zendesk');
    zendesk.check = async () => ({ ok: false, problems: ['the API token was refused (401)'] });
    expect((await sync(true)).status).toBe('failed');
    zendesk.check = async () => ({ ok: true, problems: [] });
    await open();
    let page = (await get('/connections')).body;
    expect(page).toMatch(/data-test="state-zendesk">needs a look/);
    expect(page).toContain('the API token was refused (401)');
    // Advance past the daily check: a new fingerprint is simplest, a day later.
    store.mirror.setCursor('zendesk', 'check', '');
    expect((await sync(true)).status).not.toBe('failed');
    page = (await get('/connections')).body;
    for (const s of ['hubspot', 'salesforce', 'zendesk']) expect(page).toMatch(new RegExp(`data-test="state-${s}">ok`));
    expect(page).toContain('(since passed)');
    // The daily allocation as the last run saw it, and spoc's share of it (dailyApiShare 0.5 by default).
    expect(page).toMatch(/data-test="daily-salesforce">1,203 of 15,000 \(8\.0%\)/);
    expect(page).toContain('spoc may use 50% (7,500 requests)');
    expect(page).toMatch(/data-test="daily-hubspot"><span class="muted">not reported/);
    const metrics = (await get('/metrics')).body;
    expect(metrics).toContain('spoc_api_daily_used{system="salesforce"} 1203');
    expect(metrics).toContain('spoc_api_daily_limit{system="salesforce"} 15000');
    expect(metrics).toContain('spoc_api_daily_share_ratio{system="salesforce"} 0.5');
    expect(metrics).not.toContain('spoc_api_daily_used{system="hubspot"}');
    const api = (await get('/api/connections')).json() as {
      system: string;
      today: { calls: number; throttled: number };
    }[];
    expect(api.map((r) => [r.system, r.today.calls, r.today.throttled])).toEqual(
      ['hubspot', 'salesforce', 'zendesk'].map((s) => [s, calls[s]?.calls, calls[s]?.throttled]),
    );
  });
});

async function waitFor(condition: () => boolean, timeoutMs = 5000): Promise<void> {
  const started = Date.now();
  while (!condition()) {
    if (Date.now() - started > timeoutMs) throw new Error('timed out');
    await new Promise((resolve) => setTimeout(resolve, 10));
  }
}
