import { createHash } from 'node:crypto';
import { mkdtempSync } from 'node:fs';
import type { AddressInfo } from 'node:net';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { openStore, parseConfig, runSync, type SpocConfig, type StateStore } from '@spoc/core';
import { MemoryChannel, MemoryConnector } from '@spoc/core/testing';
import type { FastifyInstance } from 'fastify';
import { pino } from 'pino';
import { afterEach, beforeEach, describe, expect, it } from 'vitest';
import { buildConsole } from './server.ts';
import { WORLD_CONFIG, WORLD_REGISTRY, WORLD_SECRETS, worldAccounts, worldPeople } from './testing-world.ts';

let store: StateStore;
let config: SpocConfig;
let vendors: MemoryConnector[];
let app: FastifyInstance;
let port: number;

const silent = pino({ level: 'silent' });
const fields = { owner: 'id', csm: 'email' } as const;

beforeEach(async () => {
  const path = join(mkdtempSync(join(tmpdir(), 'spoc-console-')), 'state.db');
  config = parseConfig(WORLD_CONFIG.replace('STATE', path), 'spoc.yaml', WORLD_REGISTRY, WORLD_SECRETS);
  store = openStore(path);
  vendors = (['hubspot', 'salesforce', 'zendesk'] as const).map(
    (s) =>
      new MemoryConnector(s, worldPeople(s), worldAccounts(s), s === 'zendesk' ? fields : { owner: 'id', csm: 'id' }),
  );
  // The guard (maxChanges 1) refuses the first run: the console shows the drift it held back.
  expect((await sync()).status).toBe('refused');
  app = await buildConsole({ config, store });
  // Listening, as `spoc serve` does: the console answers only to its own loopback address and port.
  await app.listen({ host: '127.0.0.1', port: 0 });
  port = (app.server.address() as AddressInfo).port;
});
afterEach(async () => {
  await app.close();
  store.close();
});

const sync = (force = false) =>
  runSync({ config, connectors: vendors, store, logger: silent }, { dryRun: false, full: false, force });

/** A GET from a browser on this machine (Host is the console's own address). */
const get = (url: string, headers: Record<string, string> = {}) =>
  app.inject({ url, headers: { host: `127.0.0.1:${port}`, ...headers } });
const csrfOf = (page: string) => /name="_csrf" value="([^"]+)"/.exec(page)?.[1] ?? '';
const form = (fields: Record<string, string>) => new URLSearchParams(fields).toString();
const post = (url: string, fields: Record<string, string>, headers: Record<string, string> = {}) =>
  app.inject({
    method: 'POST',
    url,
    payload: form(fields),
    headers: { 'content-type': 'application/x-www-form-urlencoded', host: `localhost:${port}`, ...headers },
  });
const vendor = (s: string) => vendors.find((v) => v.system === s) as MemoryConnector;
const KEY3 = 'salesforce:0013';

describe('console: a run and its notices', () => {
  it('each run id links to its page: the changes it wrote and every notice it produced, with its delivery state', async () => {
    const path = join(mkdtempSync(join(tmpdir(), 'spoc-console-')), 'state.db');
    const notifying = parseConfig(
      `${WORLD_CONFIG.replace('STATE', path)}notify:\n  channels:\n    - name: ops\n      slack: { token: "\${SLACK_TOKEN}", channel: "#ops" }\n`,
      'spoc.yaml',
      WORLD_REGISTRY,
      { ...WORLD_SECRETS, SLACK_TOKEN: 'xoxb-console-test' },
    );
    const own = openStore(path);
    const slack = new MemoryChannel('ops');
    const run = (force: boolean) =>
      runSync(
        { config: notifying, connectors: vendors, channels: [slack], store: own, logger: silent },
        { dryRun: false, full: false, force },
      );
    // Slack is down when the guard refuses the first run: its alert waits.
    slack.down = new Error('Slack answered 503');
    const refused = await run(false);
    expect(refused.status).toBe('refused');
    const view = await buildConsole({ config: notifying, store: own });
    await view.listen({ host: '127.0.0.1', port: 0 });
    const viewPort = (view.server.address() as AddressInfo).port;
    const at = (url: string) => view.inject({ url, headers: { host: `127.0.0.1:${viewPort}` } });
    expect((await at('/')).body).toContain(`href="/runs/${refused.runId}"`);
    const waiting = (await at(`/api/runs/${refused.runId}`)).json();
    expect(waiting.run).toMatchObject({ id: refused.runId, status: 'refused' });
    expect(waiting.notices).toEqual([
      expect.objectContaining({
        kind: 'run',
        channel: 'ops',
        state: 'pending',
        lastError: expect.stringContaining('503'),
      }),
    ]);
    // Slack is back; the forced run writes the drift (no change of POC: Salesforce decides) and delivers the old alert.
    slack.down = null;
    const forced = await run(true);
    expect(forced.status).toBe('ok');
    expect((await at(`/api/runs/${refused.runId}`)).json().notices[0]).toMatchObject({ state: 'sent', attempts: 2 });
    const page = (await at(`/runs/${forced.runId}`)).body;
    expect(page).toContain('data-test="run-changes"');
    // The forced run cleared the refusal's alert: its own notice, delivered.
    expect((await at(`/api/runs/${forced.runId}`)).json().notices).toEqual([
      expect.objectContaining({ kind: 'run', channel: 'ops', state: 'sent', attempts: 1 }),
    ]);
    expect(page).toContain('data-test="run-notices"');
    expect((await at('/runs/r_nope')).statusCode).toBe(404);
    await view.close();
    own.close();
  });
});

describe('console: reading the state', () => {
  it('overview: accounts in scope, % consistent per role, what needs a look, the last runs', async () => {
    const overview = (await get('/api/overview')).json();
    expect(overview.accounts).toBe(6);
    // owner: HubSpot holds bruno on customers 1 and 2 (drift); csm: customer 3 is a conflict.
    expect(overview.perRole).toEqual([
      { role: 'csm', total: 6, consistent: 5, percent: (5 / 6) * 100 },
      { role: 'owner', total: 6, consistent: 4, percent: (4 / 6) * 100 },
    ]);
    expect(overview.counts).toEqual({ fallback: 0, drift: 2, conflict: 1, unresolvable: 0, missing: 0 });
    expect(overview.runs[0]).toMatchObject({ status: 'refused' });
    const page = (await get('/')).body;
    expect(page).toContain('data-test="count-drift"');
    expect(page).toMatch(/data-test="consistent-owner">66.7%/);
  });

  it('accounts: filtered on the server, owners side by side, mismatches marked, vendor links', async () => {
    const drift = (await get('/api/accounts?status=drift&role=owner')).json();
    expect(drift.total).toBe(2);
    expect(drift.rows.map((r: { name: string }) => r.name)).toEqual(['Customer 1', 'Customer 2']);
    expect(drift.rows[0].systems).toEqual({
      hubspot: { recordId: 'hubspot1', owner: 'bruno@acme.test' },
      salesforce: { recordId: '0011', owner: 'anna@acme.test' },
      zendesk: { recordId: 'zendesk1', owner: 'anna@acme.test' },
    });
    expect((await get('/api/accounts?owner=dora@acme.test&system=salesforce')).json().total).toBe(6);
    expect((await get('/api/accounts?q=customer 3')).json().total).toBe(2);

    const html = (await get('/accounts?status=drift&role=owner')).body;
    expect(html).toContain('<td class="mismatch" data-system="hubspot">bruno@acme.test');
    expect(html).toContain('https://app.hubspot.com/contacts/4242/record/0-2/hubspot1');
    expect(html).toContain('https://acme.my.salesforce.com/lightning/r/Account/0011/view');
    expect(html).toContain('https://acme.zendesk.com/agent/organizations/zendesk1');
  });

  it('a fallback stand-in is its own status: not consistent, not a mismatch, counted apart in the overview', async () => {
    // Chloe owns customer 4 in Salesforce but left Zendesk, where the owner role's fallback stands in.
    await app.close();
    config = parseConfig(
      WORLD_CONFIG.replace('STATE', config.statePath).replace(
        'policy: { authority: salesforce }',
        'policy: { authority: salesforce }\n    onUnresolvable: { fallback: anna@acme.test }',
      ),
      'spoc.yaml',
      WORLD_REGISTRY,
      WORLD_SECRETS,
    );
    for (const v of vendors) {
      const record = v.accounts.get(v.system === 'salesforce' ? '0014' : `${v.system}4`);
      if (record && v.system !== 'zendesk') record.roles.owner = { id: `${v.system}-chloe` };
    }
    expect((await sync(true)).status).toBe('ok');
    app = await buildConsole({ config, store });
    await app.listen({ host: '127.0.0.1', port: 0 });
    port = (app.server.address() as AddressInfo).port;

    const fallback = (await get('/api/accounts?status=fallback&role=owner')).json();
    expect(fallback.rows.map((r: { name: string; decided: string }) => [r.name, r.decided])).toEqual([
      ['Customer 4', 'chloe@acme.test'],
    ]);
    const overview = (await get('/api/overview')).json();
    expect(overview.counts.fallback).toBe(1);
    expect(overview.perRole.find((r: { role: string }) => r.role === 'owner')).toMatchObject({
      consistent: 5,
      total: 6,
    });
    const html = (await get('/accounts?status=fallback')).body;
    expect(html).toContain(
      '<td class="stand-in" data-system="zendesk">anna@acme.test <span class="small muted">(fallback)</span>',
    );
    expect(html).not.toContain('class="mismatch"');
  });

  it('rejects a bad filter with a message naming it', async () => {
    const response = await get('/api/accounts?status=broken');
    expect(response.statusCode).toBe(400);
    expect(response.json().error).toBe('status: one of consistent, fallback, drift, conflict, unresolvable, missing');
    const role = await get('/accounts?role=ceo');
    expect(role.statusCode).toBe(400);
    expect(role.body).toContain('role: not a configured role (owner, csm)');
    expect((await get('/accounts/salesforce:nope')).statusCode).toBe(404);
  });

  it('people: standing per system and whose accounts lack a contact somewhere', async () => {
    const people = (await get('/api/people')).json();
    const chloe = people.find((p: { email: string }) => p.email === 'chloe@acme.test');
    expect(chloe.systems.zendesk).toEqual({ standing: 'inactive', id: 'zendesk-chloe' });
    expect(people.find((p: { email: string }) => p.email === 'dora@acme.test')).toMatchObject({ decidedFor: 5 });
    expect(people[0].records).toBeUndefined();
  });

  it('no secret from the config reaches any page or API answer', async () => {
    const bodies = await Promise.all(
      [
        '/',
        '/accounts',
        `/accounts/${KEY3}`,
        '/people',
        '/people/anna@acme.test',
        '/api/overview',
        '/api/accounts',
        `/api/accounts/${KEY3}`,
        '/api/people',
      ].map(async (url) => (await get(url)).body),
    );
    for (const body of bodies) for (const secret of Object.values(WORLD_SECRETS)) expect(body).not.toContain(secret);
  });
});

describe('console: settling a conflict', () => {
  it('counts actions still waiting for a sync against the guard: a second settle past maxChanges 1 is refused', async () => {
    const csrf = csrfOf((await get(`/accounts/${KEY3}`)).body);
    expect(
      (await post(`/accounts/${KEY3}/settle`, { _csrf: csrf, role: 'csm', other: 'bruno@acme.test' })).statusCode,
    ).toBe(303);
    // Customer 1's owner drifts in HubSpot; settling it too would make two account-roles at once.
    const second = await post('/accounts/salesforce:0011/settle/preview', {
      _csrf: csrf,
      role: 'owner',
      other: 'bruno@acme.test',
    });
    expect(second.body).toContain(
      '2 account-roles would change owner by console actions (1 of them from actions still waiting for a sync), more than safety.maxChanges 1',
    );
    expect(
      (await post('/accounts/salesforce:0011/settle', { _csrf: csrf, role: 'owner', other: 'bruno@acme.test' }))
        .statusCode,
    ).toBe(409);
    expect(store.actions.list()).toHaveLength(1);
  });

  it('previews the writes, records the action, and the next sync writes the winner everywhere, once', async () => {
    const page = (await get(`/accounts/${KEY3}`)).body;
    expect(page).toContain('Settle the csm conflict');
    const csrf = csrfOf(page);

    const preview = await post(`/accounts/${KEY3}/settle/preview`, {
      _csrf: csrf,
      role: 'csm',
      email: 'bruno@acme.test',
    });
    expect(preview.statusCode).toBe(200);
    const planned = [...preview.body.matchAll(/<tr><td>Customer 3<\/td><td>csm<\/td><td>(\w+)<\/td>/g)].map(
      (m) => m[1],
    );
    expect(planned).toEqual(['Salesforce', 'Zendesk']);
    expect(store.actions.list()).toEqual([]);

    const applied = await post(`/accounts/${KEY3}/settle`, { _csrf: csrf, role: 'csm', other: 'bruno@acme.test' });
    expect(applied.statusCode).toBe(303);
    const [action] = store.actions.list();
    expect(action).toMatchObject({ kind: 'settle', actor: 'local', status: 'pending' });
    expect(applied.headers.location).toBe(`/accounts/${encodeURIComponent(KEY3)}?queued=${action?.id}`);

    const report = await sync(true);
    expect(report.changes.filter((c) => c.account === KEY3)).toEqual([
      expect.objectContaining({
        role: 'csm',
        system: 'salesforce',
        to: 'bruno@acme.test',
        reason: 'settled',
        result: 'written',
      }),
      expect.objectContaining({
        role: 'csm',
        system: 'zendesk',
        to: 'bruno@acme.test',
        reason: 'settled',
        result: 'written',
      }),
    ]);
    expect(vendor('zendesk').accounts.get('zendesk3')?.roles.csm).toEqual({ email: 'bruno@acme.test' });
    expect(vendor('salesforce').accounts.get('0013')?.roles.csm).toEqual({ id: 'salesforce-bruno' });
    expect(store.actions.list()[0]).toMatchObject({ status: 'done', overrides: [{ outcome: 'applied' }] });
    expect(
      (await get(`/api/accounts/${KEY3}`)).json().roles.find((r: { role: string }) => r.role === 'csm'),
    ).toMatchObject({
      status: 'consistent',
      decided: 'bruno@acme.test',
    });
    // Settled stays settled: the next run writes nothing and finds no conflict.
    const again = await sync();
    expect(again.changes).toEqual([]);
    expect(again.counts.conflicts).toBe(0);
  });

  it('refuses an owner that is not an email, or nothing chosen, without recording anything', async () => {
    const csrf = csrfOf((await get(`/accounts/${KEY3}`)).body);
    const bad = await post(`/accounts/${KEY3}/settle/preview`, { _csrf: csrf, role: 'csm', other: 'not an email' });
    expect(bad.statusCode).toBe(400);
    expect(bad.body).toContain('not an email is not an email address');
    expect((await post(`/accounts/${KEY3}/settle`, { _csrf: csrf, role: 'csm' })).statusCode).toBe(400);
    expect(store.actions.list()).toEqual([]);
  });
});

describe('console: handing over a person', () => {
  it('moves every account role bruno holds or is decided for to dora, with open tickets, at the next sync', async () => {
    // Customer 6 in Zendesk: bruno's open ticket moves; a solved one and anna's stay.
    const zendesk = vendor('zendesk');
    zendesk.tickets.set('t1', { accountId: 'zendesk6', assigneeId: 'zendesk-bruno', open: true });
    zendesk.tickets.set('t2', { accountId: 'zendesk6', assigneeId: 'zendesk-bruno', open: false });
    zendesk.tickets.set('t3', { accountId: 'zendesk6', assigneeId: 'zendesk-anna', open: true });
    let csrf = csrfOf((await get('/people/bruno@acme.test')).body);
    const ask = () =>
      post('/people/bruno@acme.test/handover/preview', { _csrf: csrf, to: 'dora@acme.test', openTickets: '1' });
    // maxChanges 1: four account-roles at once is more than the guard lets any run re-own.
    const refused = await ask();
    expect(refused.body).toContain('Hand over 4 account roles of bruno@acme.test to dora@acme.test');
    expect(refused.body).toContain('data-test="guard-refused"');
    expect(refused.body).toContain(
      '4 account-roles would change owner by console actions, more than safety.maxChanges 1',
    );
    expect(refused.body).not.toContain('data-test="apply"');
    const forced = await post('/people/bruno@acme.test/handover', { _csrf: csrf, to: 'dora@acme.test' });
    expect(forced.statusCode).toBe(409);
    expect(store.actions.list()).toEqual([]);

    // With room for it (maxChanges 10), the same handover is previewed with its apply button.
    await app.close();
    config = parseConfig(
      WORLD_CONFIG.replace('STATE', config.statePath).replace('maxChanges: 1', 'maxChanges: 10'),
      'spoc.yaml',
      WORLD_REGISTRY,
      WORLD_SECRETS,
    );
    app = await buildConsole({ config, store });
    await app.listen({ host: '127.0.0.1', port: 0 });
    port = (app.server.address() as AddressInfo).port;
    csrf = csrfOf((await get('/people/bruno@acme.test')).body);
    const preview = await ask();
    expect(preview.statusCode).toBe(200);
    expect(preview.body).toContain('data-test="apply"');

    expect(
      (await post('/people/bruno@acme.test/handover', { _csrf: csrf, to: 'dora@acme.test', openTickets: '1' }))
        .statusCode,
    ).toBe(303);
    const report = await sync();
    // The sync does not count the handover again (it passed the guard when recorded).
    const handedOver = report.changes.filter((c) => c.reason === 'handover');
    expect(new Set(handedOver.map((c) => `${c.account}/${c.role}`))).toEqual(
      new Set(['salesforce:0011/owner', 'salesforce:0012/owner', 'salesforce:0016/owner', 'salesforce:0013/csm']),
    );
    expect(handedOver.every((c) => c.to === 'dora@acme.test' && c.result === 'written')).toBe(true);
    expect(report.cascades).toContainEqual({ kind: 'openTickets', system: 'zendesk', updated: 1, failed: 0 });
    expect([...zendesk.tickets].map(([id, t]) => `${id}:${t.assigneeId}`)).toEqual([
      't1:zendesk-dora',
      't2:zendesk-bruno',
      't3:zendesk-anna',
    ]);
    expect(store.ownership.list({ owner: 'bruno@acme.test' }, { offset: 0, limit: 10 }).total).toBe(0);
  });
});

const TOKEN = 'console-token-0123456789abcdefghijklmnop';

describe('console: security', () => {
  it('bound beyond loopback it will not start without a token', async () => {
    await expect(buildConsole({ config, store, host: '0.0.0.0' })).rejects.toThrow(
      /needs a token: set SPOC_CONSOLE_TOKEN/,
    );
  });

  it('refuses a token shorter than 32 characters, saying the minimum', async () => {
    await expect(buildConsole({ config, store, host: '0.0.0.0', token: 'x'.repeat(31) })).rejects.toThrow(
      'SPOC_CONSOLE_TOKEN holds 31 characters: the console token needs at least 32',
    );
    const ok = await buildConsole({ config, store, host: '0.0.0.0', token: 'x'.repeat(32) });
    await ok.close();
  });

  it('with a token: pages redirect to login, the API answers 401, a wrong token is refused, the right one logs in', async () => {
    const guarded = await buildConsole({ config, store, host: '0.0.0.0', token: TOKEN });
    try {
      expect((await guarded.inject('/')).headers.location).toBe('/login');
      expect((await guarded.inject('/api/overview')).statusCode).toBe(401);
      expect(
        (await guarded.inject({ url: '/api/overview', headers: { authorization: `Bearer ${TOKEN}` } })).statusCode,
      ).toBe(200);
      const login = (token: string) =>
        guarded.inject({
          method: 'POST',
          url: '/login',
          payload: form({ token }),
          headers: { 'content-type': 'application/x-www-form-urlencoded' },
        });
      expect((await login('guess')).statusCode).toBe(401);
      const ok = await login(TOKEN);
      expect(ok.statusCode).toBe(303);
      const cookie = ok.cookies[0];
      expect(cookie).toMatchObject({ name: 'spoc_console', httpOnly: true, sameSite: 'Strict' });
      expect(cookie?.value).not.toContain(TOKEN);
      expect((await guarded.inject({ url: '/', cookies: { spoc_console: cookie?.value ?? '' } })).statusCode).toBe(200);
    } finally {
      await guarded.close();
    }
  });

  it('login is rate-limited: the 11th attempt in a minute gets 429 with Retry-After, even with the right token', async () => {
    const guarded = await buildConsole({ config, store, host: '0.0.0.0', token: TOKEN });
    try {
      const login = (token: string) =>
        guarded.inject({
          method: 'POST',
          url: '/login',
          payload: form({ token }),
          headers: { 'content-type': 'application/x-www-form-urlencoded' },
        });
      for (let i = 0; i < 10; i++) expect((await login(`guess-${i}`)).statusCode).toBe(401);
      const limited = await login(TOKEN);
      expect(limited.statusCode).toBe(429);
      expect(Number(limited.headers['retry-after'])).toBeGreaterThan(0);
      expect(Number(limited.headers['retry-after'])).toBeLessThanOrEqual(60);
      expect(limited.cookies).toEqual([]);
      expect(limited.body).toContain('Too many');
      // Reading pages is not limited.
      expect((await guarded.inject('/login')).statusCode).toBe(200);
    } finally {
      await guarded.close();
    }
  });

  it('refuses actions without the form token or from another site', async () => {
    const csrf = csrfOf((await get(`/accounts/${KEY3}`)).body);
    const fields = { role: 'csm', other: 'bruno@acme.test' };
    expect((await post(`/accounts/${KEY3}/settle`, fields)).statusCode).toBe(403);
    expect((await post(`/accounts/${KEY3}/settle`, { ...fields, _csrf: 'forged' })).statusCode).toBe(403);
    expect(
      (await post(`/accounts/${KEY3}/settle`, { ...fields, _csrf: csrf }, { origin: 'https://evil.example' }))
        .statusCode,
    ).toBe(403);
    expect(
      (await post(`/accounts/${KEY3}/settle`, { ...fields, _csrf: csrf }, { 'sec-fetch-site': 'cross-site' }))
        .statusCode,
    ).toBe(403);
    expect(store.actions.list()).toEqual([]);
    expect(
      (await post(`/accounts/${KEY3}/settle`, { ...fields, _csrf: csrf }, { origin: `http://localhost:${port}` }))
        .statusCode,
    ).toBe(303);
  });
});

describe('console: DNS rebinding (no token, loopback)', () => {
  const PAGES = ['/', '/accounts', `/accounts/${KEY3}`, '/people', '/people/bruno@acme.test', '/login', '/nope'];
  const APIS = ['/api/overview', '/api/accounts', `/api/accounts/${KEY3}`, '/api/people'];

  it('a request for another host name is refused (421) before any page, owner or form token is served', async () => {
    const csrf = csrfOf((await get(`/accounts/${KEY3}`)).body);
    expect(csrf).not.toBe('');
    for (const host of [`evil.example:${port}`, 'evil.example', `127.0.0.1.evil.example:${port}`, `localhost:1`]) {
      for (const url of [...PAGES, ...APIS]) {
        const response = await get(url, { host });
        expect(response.statusCode, `${host}${url}`).toBe(421);
        expect(response.body).not.toContain('acme.test');
        expect(response.body).not.toContain('Customer');
        expect(response.body).not.toContain(csrf);
        expect(response.body).not.toContain('_csrf');
      }
    }
    expect(store.actions.list()).toEqual([]);
  });

  it('a rebinding page cannot queue a settle or a handover, even holding a form token', async () => {
    const csrf = csrfOf((await get(`/accounts/${KEY3}`)).body);
    const evil = {
      host: `evil.example:${port}`,
      origin: `http://evil.example:${port}`,
      'sec-fetch-site': 'same-origin',
    };
    const settle = await post(`/accounts/${KEY3}/settle`, { _csrf: csrf, role: 'csm', other: 'bruno@acme.test' }, evil);
    expect(settle.statusCode).toBe(421);
    const handover = await post('/people/bruno@acme.test/handover', { _csrf: csrf, to: 'dora@acme.test' }, evil);
    expect(handover.statusCode).toBe(421);
    expect(store.actions.list()).toEqual([]);
  });

  it('answers at 127.0.0.1, localhost and [::1] on the port it is bound to', async () => {
    for (const host of [`127.0.0.1:${port}`, `localhost:${port}`, `LocalHost:${port}`, `[::1]:${port}`]) {
      expect((await get('/api/overview', { host })).statusCode, host).toBe(200);
    }
  });

  it('refuses every request until it is listening (no port yet to answer for)', async () => {
    const idle = await buildConsole({ config, store });
    try {
      expect((await idle.inject({ url: '/api/overview', headers: { host: 'localhost:80' } })).statusCode).toBe(421);
    } finally {
      await idle.close();
    }
  });
});

describe('console: security headers and content policy', () => {
  const csp = (headers: Record<string, unknown>) => String(headers['content-security-policy'] ?? '');

  const expectHeaders = (label: string, headers: Record<string, unknown>) => {
    const policy = csp(headers);
    expect(policy, label).toContain("default-src 'none'");
    expect(policy, label).toContain("frame-ancestors 'none'");
    expect(policy, label).toContain("form-action 'self'");
    expect(policy, label).not.toContain('unsafe-inline');
    expect(policy, label).not.toContain('unsafe-eval');
    expect(headers['x-content-type-options'], label).toBe('nosniff');
    expect(headers['referrer-policy'], label).toBe('same-origin');
    expect(headers['x-frame-options'], label).toBe('DENY');
  };

  it('every response carries them: pages, API, 404, errors, redirects, refusals, login', async () => {
    const csrf = csrfOf((await get(`/accounts/${KEY3}`)).body);
    const responses = {
      page: await get('/'),
      api: await get('/api/overview'),
      notFound: await get('/nope'),
      missingAccount: await get('/accounts/salesforce:nope'),
      badFilter: await get('/accounts?role=ceo'),
      csrfRefused: await post(`/accounts/${KEY3}/settle`, { role: 'csm', other: 'bruno@acme.test' }),
      redirect: await post(`/accounts/${KEY3}/settle`, { _csrf: csrf, role: 'csm', other: 'bruno@acme.test' }),
      misdirected: await get('/', { host: `evil.example:${port}` }),
      login: await get('/login'),
    };
    expect(responses.notFound.statusCode).toBe(404);
    expect(responses.redirect.statusCode).toBe(303);
    expect(responses.misdirected.statusCode).toBe(421);
    for (const [label, response] of Object.entries(responses)) expectHeaders(label, response.headers);

    const guarded = await buildConsole({ config, store, host: '0.0.0.0', token: TOKEN });
    try {
      const toLogin = await guarded.inject('/');
      expect(toLogin.statusCode).toBe(303);
      expectHeaders('redirect to login', toLogin.headers);
      expectHeaders('401', (await guarded.inject('/api/overview')).headers);
    } finally {
      await guarded.close();
    }
  });

  it('no page runs a script but the one its policy names by hash (local times); every inline style is allowed by its hash', async () => {
    await sync(true); // a second run: the overview draws its trend chart
    const csrf = csrfOf((await get(`/accounts/${KEY3}`)).body);
    const pages = [
      await get('/'),
      await get('/accounts'),
      await get('/accounts?status=drift'),
      await get(`/accounts/${KEY3}`),
      await get('/people'),
      await get('/people?risk=1'),
      await get('/people/bruno@acme.test'),
      await get('/login'),
      await get('/nope'),
      await post(`/accounts/${KEY3}/settle/preview`, { _csrf: csrf, role: 'csm', email: 'bruno@acme.test' }),
      await post('/people/bruno@acme.test/handover/preview', { _csrf: csrf, to: 'dora@acme.test' }),
      await get('/connections'),
      await get(`/runs/${encodeURIComponent(store.runs.list(1)[0]?.id ?? '')}`),
    ];
    expect(pages[0]?.body).toContain('<svg');
    for (const response of pages) {
      const body = response.body;
      const label = `${response.statusCode} ${body.slice(body.indexOf('<title>'), body.indexOf('</title>'))}`;
      const scripts = [...body.matchAll(/<script>([\s\S]*?)<\/script>/g)].map((m) => m[1] ?? '');
      expect(body.match(/<script/gi)?.length ?? 0, label).toBe(scripts.length);
      expect(scripts.length, label).toBeLessThanOrEqual(1);
      for (const script of scripts) {
        const hash = createHash('sha256').update(script).digest('base64');
        expect(csp(response.headers), label).toContain(`script-src 'sha256-${hash}'`);
      }
      expect(body, label).not.toMatch(/\son[a-z]+\s*=/i);
      expect(body, label).not.toMatch(/javascript:/i);
      expect(body, label).not.toMatch(/\sstyle\s*=/i);
      const policy = csp(response.headers);
      const styles = [...body.matchAll(/<style>([\s\S]*?)<\/style>/g)].map((m) => m[1] ?? '');
      expect(styles.length, label).toBeGreaterThan(0);
      for (const style of styles) {
        const hash = createHash('sha256').update(style).digest('base64');
        expect(policy, label).toContain(`style-src 'sha256-${hash}'`);
      }
    }
  });
});
