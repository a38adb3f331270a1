import { type RunningEmulator, type SeedWorld, startEmulator } from '@spoc/sandbox/kit';
import { afterEach, describe, expect, it } from 'vitest';
import { PIPEDRIVE_FIELDS, type PipedriveSeed, pipedriveEmulator } from './index.ts';
import { seedFromWorld } from './seed.ts';

const NOW = Date.parse('2026-03-01T12:00:00.000Z');
const world: SeedWorld = {
  modifiedAt: '2026-01-01T00:00:00.000Z',
  seed: 42,
  people: ['ann', 'bob', 'cat', 'dan'].map((n, index) => ({
    index,
    email: `${n}@acme.test`,
    firstName: n,
    lastName: 'x',
    inactive: index === 3,
    helpdeskSuspended: false,
  })),
  accounts: Array.from({ length: 7 }, (_, index) => ({
    index,
    name: `Customer ${index}`,
    domain: `c${index}.example`,
    xref: index === 6 ? null : `001${index}`,
    owner: 0,
    csm: 1,
    drifted: index === 1,
    contacts: index === 0 ? ['p1@c0.example', 'p2@c0.example'] : [],
    tickets: [],
  })),
};

let server: RunningEmulator | undefined;
const clock = { ms: NOW };
afterEach(async () => {
  await server?.close();
  server = undefined;
  clock.ms = NOW;
});

async function start(tune?: (seed: PipedriveSeed) => void, rateLimits = false) {
  const seed = seedFromWorld(world);
  tune?.(seed);
  server = await startEmulator(pipedriveEmulator, seed, { rateLimits, now: () => clock.ms });
  return server;
}

async function call(path: string, init: { method?: string; body?: unknown; token?: string | null } = {}) {
  const token = init.token === undefined ? 'pd-test' : init.token;
  const response = await fetch(`${server?.url}${path}`, {
    method: init.method ?? 'GET',
    headers: { 'content-type': 'application/json', ...(token ? { 'x-api-token': token } : {}) },
    ...(init.body === undefined ? {} : { body: JSON.stringify(init.body) }),
  });
  // Raw JSON as the vendor sends it: the assertions say what shape it must have.
  // biome-ignore lint/suspicious/noExplicitAny: test reads of raw vendor JSON
  return { status: response.status, headers: response.headers, body: (await response.json()) as Record<string, any> };
}

describe('seedFrom', () => {
  it('makes users, organizations with owner, CSM, cross-reference and website, and persons owned by the organization owner', async () => {
    const seed = seedFromWorld(world);
    expect(seed.users.map((u) => [u.id, u.email, u.active_flag])).toEqual([
      [12000000, 'ann@acme.test', true],
      [12000001, 'bob@acme.test', true],
      [12000002, 'cat@acme.test', true],
      [12000003, 'dan@acme.test', false],
    ]);
    const [first, drifted] = seed.organizations;
    expect(first).toMatchObject({
      id: 3000000,
      owner_id: 12000000,
      website: 'c0.example',
      update_time: '2026-01-01T00:00:00Z',
      custom_fields: { [PIPEDRIVE_FIELDS.csm.key]: 12000001, [PIPEDRIVE_FIELDS.salesforceAccountId.key]: '0010' },
    });
    // A drifted account shows another active user, the same one every time.
    expect(drifted?.owner_id).not.toBe(12000000);
    expect([12000001, 12000002]).toContain(drifted?.owner_id);
    expect(seedFromWorld(world).organizations[1]?.owner_id).toBe(drifted?.owner_id);
    expect(seed.persons.map((p) => [p.org_id, p.owner_id])).toEqual([
      [3000000, 12000000],
      [3000000, 12000000],
    ]);
    expect(PIPEDRIVE_FIELDS.csm.key).toMatch(/^[0-9a-f]{40}$/);
  });
});

describe('auth and errors', () => {
  it('takes the token as x-api-token or api_token, and answers 401 in Pipedrive’s error shape', async () => {
    await start();
    expect((await call('/api/v1/users')).body.data).toHaveLength(4);
    const byQuery = await fetch(`${server?.url}/api/v1/users/me?api_token=pd-test`);
    expect(((await byQuery.json()) as { data: { email: string } }).data.email).toBe('ann@acme.test');
    expect(await call('/api/v2/organizations', { token: 'invalid' })).toMatchObject({
      status: 401,
      body: { success: false, error: 'unauthorized access', errorCode: 401, error_info: expect.any(String) },
    });
    expect((await call('/api/v2/organizations', { token: null })).status).toBe(401);
    expect((await call('/api/v2/organizations/999')).body).toMatchObject({
      success: false,
      error: 'Organization not found',
    });
  });
});

describe('organizations', () => {
  it('pages by cursor up to 500, refuses more, and filters update_time with updated_since inclusive', async () => {
    await start();
    const first = await call('/api/v2/organizations?limit=3&sort_by=update_time&sort_direction=asc');
    expect(first.body.data.map((o: { id: number }) => o.id)).toEqual([3000000, 3000001, 3000002]);
    const next = first.body.additional_data.next_cursor as string;
    const rest = await call(`/api/v2/organizations?limit=10&sort_by=update_time&cursor=${next}`);
    expect(rest.body.data.map((o: { id: number }) => o.id)).toEqual([3000003, 3000004, 3000005, 3000006]);
    expect(rest.body.additional_data.next_cursor).toBeNull();
    expect((await call('/api/v2/organizations?limit=501')).status).toBe(400);
    const since = await call('/api/v2/organizations?updated_since=2026-01-01T00:00:00Z');
    expect(since.body.data).toHaveLength(7);
    expect((await call('/api/v2/organizations?updated_since=2026-01-01T00:00:01Z')).body.data).toEqual([]);
    const only = await call(`/api/v2/organizations?limit=1&custom_fields=${PIPEDRIVE_FIELDS.csm.key}`);
    expect(Object.keys(only.body.data[0].custom_fields)).toEqual([PIPEDRIVE_FIELDS.csm.key]);
  });

  it('PATCHes one organization: stamps update_time, logs the write, refuses a deactivated owner or an unknown key whole', async () => {
    await start();
    clock.ms = Date.parse('2026-03-01T12:00:07.250Z');
    const ok = await call('/api/v2/organizations/3000002', {
      method: 'PATCH',
      body: { owner_id: 12000002, custom_fields: { [PIPEDRIVE_FIELDS.csm.key]: 12000000 } },
    });
    expect(ok.body.data).toMatchObject({ owner_id: 12000002, update_time: '2026-03-01T12:00:07Z' });
    expect(server?.writes.all().map((w) => [w.object, w.id, w.field, w.value])).toEqual([
      ['organizations', '3000002', 'owner_id', 12000002],
      ['organizations', '3000002', PIPEDRIVE_FIELDS.csm.key, 12000000],
    ]);
    const inactive = await call('/api/v2/organizations/3000003', { method: 'PATCH', body: { owner_id: 12000003 } });
    expect(inactive).toMatchObject({
      status: 400,
      body: { success: false, error: expect.stringContaining('deactivated') },
    });
    const unknown = await call('/api/v2/organizations/3000003', {
      method: 'PATCH',
      body: { owner_id: 12000001, custom_fields: { nope: 1 } },
    });
    expect(unknown.status).toBe(400);
    expect((await call('/api/v2/organizations/3000003')).body.data.owner_id).toBe(12000000);
  });
});

describe('limits', () => {
  it('sends the 2-second window headers and a 429 with Retry-After once it is spent', async () => {
    await start((s) => {
      s.burstLimit = 2;
    }, true);
    const a = await call('/api/v1/users');
    expect(a.headers.get('x-ratelimit-limit')).toBe('2');
    expect(a.headers.get('x-ratelimit-remaining')).toBe('1');
    expect(a.headers.get('x-ratelimit-reset')).toBe('2');
    await call('/api/v1/users');
    const limited = await call('/api/v1/users');
    expect(limited).toMatchObject({
      status: 429,
      body: { success: false, error: 'Request over limit', errorCode: 429 },
    });
    expect(limited.headers.get('retry-after')).toBe('2');
    clock.ms += 2_000;
    expect((await call('/api/v1/users')).status).toBe(200);
  });

  it('spends the daily token budget by endpoint cost and refuses until midnight UTC', async () => {
    await start((s) => {
      s.dailyBudget = 25;
    }, true);
    // v1 list 20 tokens, then a v2 single 1: 4 left.
    expect((await call('/api/v1/users')).headers.get('x-daily-requests-left')).toBe('5');
    expect((await call('/api/v2/organizations/3000000')).headers.get('x-daily-requests-left')).toBe('4');
    const spent = await call('/api/v2/organizations');
    expect(spent).toMatchObject({ status: 429, body: { success: false, error: expect.stringContaining('Daily') } });
    expect(spent.headers.get('x-daily-requests-left')).toBe('4');
    expect(spent.headers.get('retry-after')).toBe(String(12 * 3600));
    clock.ms = Date.parse('2026-03-02T00:00:00.000Z');
    expect((await call('/api/v2/organizations')).status).toBe(200);
  });
});

describe('persons', () => {
  it('lists the persons of one organization and moves one to a new owner', async () => {
    await start();
    const listed = await call('/api/v2/persons?org_id=3000000&limit=500');
    expect(listed.body.data.map((p: { id: number }) => p.id)).toEqual([4000001, 4000002]);
    expect((await call('/api/v2/persons?org_id=3000001')).body.data).toEqual([]);
    const moved = await call('/api/v2/persons/4000001', { method: 'PATCH', body: { owner_id: 12000001 } });
    expect(moved.body.data.owner_id).toBe(12000001);
    expect((await call('/api/v2/persons/4000002', { method: 'PATCH', body: { owner_id: 1 } })).status).toBe(400);
  });
});
