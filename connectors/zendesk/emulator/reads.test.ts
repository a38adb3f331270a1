import { afterEach, describe, expect, it } from 'vitest';
import { ADMIN, AGENT_1, AGENT_2, AUTH, orgId, type RunningZendesk, startZendesk, testSeed } from '../test/emulator.ts';

let z: RunningZendesk | undefined;
afterEach(async () => {
  await z?.close();
  z = undefined;
});

interface UserPage {
  users: { id: number; role: string; url: string }[];
  meta: { has_more: boolean; after_cursor: string | null };
  links: { next: string | null };
}

describe('Zendesk reads', () => {
  it('lists agents and admins only, cursor-paged with absolute links.next, through node-zendesk', async () => {
    const seed = testSeed(1);
    // 300 more users, every other one an end-user: 150 extra agents among them.
    for (let i = 0; i < 300; i++)
      seed.users.push({ id: 1000 + i, email: `u${i}@acme.test`, name: `U${i}`, role: i % 2 ? 'end-user' : 'agent' });
    z = await startZendesk(seed);
    const client = z.client();
    const seen: number[] = [];
    const pages: UserPage[] = [];
    // node-zendesk's raw request (it forces page[size]=100) follows the absolute links.next as given.
    let next: string | string[] | null = ['users', '?role[]=agent&role[]=admin'];
    while (next) {
      const { result } = (await client.users._rawRequest('GET', next)) as unknown as { result: UserPage };
      pages.push(result);
      seen.push(...result.users.map((u) => u.id));
      next = result.meta.has_more ? result.links.next : null;
    }
    const extra = Array.from({ length: 150 }, (_, i) => 1000 + 2 * i);
    expect(seen).toEqual([AGENT_1, AGENT_2, ADMIN, ...extra]);
    expect(pages.map((p) => p.users.length)).toEqual([100, 53]);
    expect(pages.flatMap((p) => p.users).every((u) => u.role === 'agent' || u.role === 'admin')).toBe(true);
    expect(pages[0]?.links.next).toMatch(/^http:\/\/127\.0\.0\.1:\d+\/api\/v2\/users\.json\?.*page%5Bafter%5D=/);
    expect(pages[1]).toMatchObject({ meta: { has_more: false, after_cursor: null }, links: { next: null } });
    expect(pages[0]?.users[0]?.url).toBe(`${z.api}/users/${AGENT_1}.json`);

    // role=agent (single value), and a smaller page[size] as a raw client would ask.
    const agents = await client.users.listWithFilter('role', 'agent');
    expect(agents).toHaveLength(152);
    const small = (await (await z.get('/users.json?role[]=agent&role[]=admin&page[size]=2')).json()) as UserPage;
    expect(small.users.map((u) => u.id)).toEqual([AGENT_1, AGENT_2]);
    const second = (await (
      await fetch(small.links.next ?? '', { headers: { authorization: AUTH } })
    ).json()) as UserPage;
    expect(second.users.map((u) => u.id)).toEqual([ADMIN, 1000]);
  });

  it('pages 250 organizations in three cursor pages that node-zendesk follows to the end', async () => {
    z = await startZendesk(testSeed(250));
    const orgs = (await z.client().organizations.list()) as unknown as { id: number }[];
    expect(orgs.map((o) => o.id)).toEqual(Array.from({ length: 250 }, (_, i) => orgId(i + 1)));
    expect(z.server.stats().requests['GET /api/v2/organizations.json']).toBe(3);

    const bad = await z.get('/organizations.json?page[after]=garbage');
    expect(bad.status).toBe(400);
  });

  it('shows one organization, the field definitions, and answers unknown ids and routes the Zendesk way', async () => {
    z = await startZendesk(testSeed(2));
    const client = z.client();
    const { result } = await client.organizations.show(orgId(2));
    expect(result).toMatchObject({ id: orgId(2), name: 'Org 2', organization_fields: { account_manager: AGENT_1 } });

    const fields = (await (await z.get('/organization_fields.json')).json()) as { organization_fields: unknown[] };
    expect(fields).toMatchObject({ count: 2, next_page: null, previous_page: null });
    expect(fields.organization_fields[0]).toMatchObject({ key: 'account_manager', type: 'lookup' });

    const missing = await z.get('/organizations/999.json');
    expect(missing.status).toBe(404);
    expect(await missing.json()).toEqual({ error: 'RecordNotFound', description: 'Not found' });
    const unknown = await z.get('/widgets.json');
    expect(unknown.status).toBe(404);
    expect(await unknown.json()).toEqual({ error: 'InvalidEndpoint', description: 'Not found' });
  });

  it('answers missing, garbled or invalid credentials with 401 {"error":"Couldn\'t authenticate you"}', async () => {
    z = await startZendesk(testSeed(1));
    const error = await z
      .client('invalid')
      .users.me()
      .then(
        () => null,
        (e: unknown) => e as { statusCode?: number; result?: unknown },
      );
    expect(error?.statusCode).toBe(401);
    expect(error?.result).toEqual({ error: "Couldn't authenticate you" });
    for (const authorization of [undefined, 'Basic !!!', `Basic ${Buffer.from('nobody:pw').toString('base64')}`]) {
      const res = await fetch(`${z.api}/users/me.json`, { headers: authorization ? { authorization } : {} });
      expect(res.status).toBe(401);
      expect(await res.json()).toEqual({ error: "Couldn't authenticate you" });
    }
    const me = (await (
      await fetch(`${z.api}/users/me.json`, { headers: { authorization: 'Bearer oauth-token' } })
    ).json()) as { user: unknown };
    expect(me.user).toMatchObject({ role: 'admin', active: true });
    expect((await z.client().users.me()).result).toMatchObject({ email: 'ops@acme.test', role: 'admin' });
  });
});
