import { afterEach, describe, expect, it } from 'vitest';
import { Faults, parseFaults } from './faults.ts';
import type { VendorApp } from './types.ts';
import { VendorError } from './vendor-error.ts';
import { startVendorServer, type VendorServer } from './vendor-server.ts';
import { WriteLog } from './write-log.ts';

/** A minimal vendor: one authenticated route in a 3-per-window bucket. */
function toyApp(): VendorApp {
  let value = 'seed';
  return {
    routes: [
      { method: 'GET', path: '/things/:id', handler: (req) => ({ status: 200, body: { id: req.params.id, value } }) },
      {
        method: 'POST',
        path: '/things',
        handler: (req) => {
          value = String((req.body as { value?: string }).value);
          return { status: 201, body: { value } };
        },
      },
      { method: 'POST', path: '/token', handler: () => ({ status: 200, body: { token: 't' } }) },
      {
        method: 'DELETE',
        path: '/things/:id',
        handler: () => {
          throw new VendorError({ status: 409, body: { message: 'still in use' } });
        },
      },
    ],
    public: ['/token'],
    authenticate: (req) =>
      req.headers.authorization === 'Bearer ok' ? null : { status: 401, body: { message: 'no' } },
    buckets: { default: { cap: 3, windowMs: 60_000 } },
    rateLimited: (state) => ({
      status: 429,
      headers: { 'retry-after': String(Math.ceil(state.resetMs / 1000)) },
      text: 'slow down',
    }),
    rateHeaders: (state) => ({ 'x-limit': String(state.cap), 'x-remaining': String(Math.max(0, state.remaining)) }),
    error: (status, message) => ({ status, body: { error: message } }),
    reset: () => {
      value = 'seed';
    },
  };
}

let server: VendorServer | undefined;
afterEach(async () => {
  await server?.close();
  server = undefined;
});

async function start(options: { rateLimits?: boolean; faults?: string } = {}) {
  const faults = new Faults(parseFaults(options.faults));
  server = await startVendorServer(
    toyApp(),
    { faults, writes: new WriteLog(), now: () => Date.now(), clockOffset: { ms: 0 } },
    { host: '127.0.0.1', port: 0, rateLimits: options.rateLimits ?? true, timeScale: 1 },
  );
  return server;
}

const auth = { authorization: 'Bearer ok' };

describe('vendor server frame', () => {
  it('routes with params, requires credentials except on public routes, and answers the vendor 404', async () => {
    const s = await start();
    expect(await (await fetch(`${s.url}/things/42`, { headers: auth })).json()).toEqual({ id: '42', value: 'seed' });
    expect((await fetch(`${s.url}/things/42`)).status).toBe(401);
    expect((await fetch(`${s.url}/token`, { method: 'POST' })).status).toBe(200);
    const missing = await fetch(`${s.url}/nope`, { headers: auth });
    expect(missing.status).toBe(404);
    expect(await missing.json()).toEqual({ error: 'No route for GET /nope' });
  });

  it('enforces the bucket with the vendor 429 and rate headers, and counts requests by template', async () => {
    const s = await start();
    const statuses: number[] = [];
    let last: Response | undefined;
    for (let i = 0; i < 4; i++) {
      last = await fetch(`${s.url}/things/${i}`, { headers: auth });
      statuses.push(last.status);
    }
    expect(statuses).toEqual([200, 200, 200, 429]);
    expect(last?.headers.get('x-remaining')).toBe('0');
    expect(Number(last?.headers.get('retry-after'))).toBeGreaterThan(0);
    expect(await last?.text()).toBe('slow down');
    const stats = (await (await fetch(`${s.url}/__sandbox/stats`)).json()) as { requests: object; throttled: number };
    expect(stats.requests).toEqual({ 'GET /things/:id': 4 });
    expect(stats.throttled).toBe(1);
  });

  it('turns limits off for fast tests and restores the seed on reset', async () => {
    const s = await start({ rateLimits: false });
    for (let i = 0; i < 5; i++) expect((await fetch(`${s.url}/things/1`, { headers: auth })).status).toBe(200);
    await fetch(`${s.url}/things`, {
      method: 'POST',
      headers: { ...auth, 'content-type': 'application/json' },
      body: '{"value":"x"}',
    });
    const value = async () =>
      ((await (await fetch(`${s.url}/things/1`, { headers: auth })).json()) as { value: string }).value;
    expect(await value()).toBe('x');
    await fetch(`${s.url}/__sandbox/reset`, { method: 'POST' });
    expect(await value()).toBe('seed');
    expect(((await (await fetch(`${s.url}/__sandbox/stats`)).json()) as { total: number }).total).toBe(1);
  });

  it('answers with the vendor response a handler throws (a VendorError), and with its 500 for any other error', async () => {
    const s = await start();
    const refused = await fetch(`${s.url}/things/1`, { method: 'DELETE', headers: auth });
    expect(refused.status).toBe(409);
    expect(await refused.json()).toEqual({ message: 'still in use' });
    expect(refused.headers.get('x-remaining')).toBe('2');
    // No body: the handler reads a property of undefined and throws a TypeError.
    const broken = await fetch(`${s.url}/things`, { method: 'POST', headers: auth });
    expect(broken.status).toBe(500);
  });

  it('injects 5xx faults deterministically per seed', async () => {
    const statusesFor = async () => {
      const s = await start({ rateLimits: false, faults: '5xx=0.5,seed=3' });
      const out: number[] = [];
      for (let i = 0; i < 20; i++) out.push((await fetch(`${s.url}/things/1`, { headers: auth })).status);
      await s.close();
      server = undefined;
      return out;
    };
    const first = await statusesFor();
    expect(first).toContain(503);
    expect(first).toContain(200);
    expect(await statusesFor()).toEqual(first);
  });
});

describe('parseFaults', () => {
  it('reads every fault kind and rejects nonsense with the reason', () => {
    expect(parseFaults('5xx=0.1,429=0.05,latency=2000:0.02,reset=0.01,record=0.05,seed=9')).toEqual({
      serverError: 0.1,
      tooMany: 0.05,
      latencyMs: 2000,
      latency: 0.02,
      reset: 0.01,
      record: 0.05,
      seed: 9,
      vendor: {},
    });
    expect(parseFaults('hubspot.indexLagMs=30000,zendesk.jobKilled=0.2').vendor).toEqual({
      'hubspot.indexLagMs': 30000,
      'zendesk.jobKilled': 0.2,
    });
    expect(() => parseFaults('5xx=2')).toThrow('fault 5xx: 2 is not a share between 0 and 1');
    expect(() => parseFaults('meteor=0.1')).toThrow('unknown fault "meteor"');
    expect(() => parseFaults('hubspot.indexLagMs=soon')).toThrow('fault hubspot.indexLagMs: soon is not a number');
  });
});
