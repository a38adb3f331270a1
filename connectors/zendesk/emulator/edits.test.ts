import { afterEach, describe, expect, it } from 'vitest';
import {
  AGENT_1,
  AGENT_2,
  AUTH,
  END_USER,
  orgId,
  type RunningZendesk,
  STAMP,
  startZendesk,
  testSeed,
} from '../test/emulator.ts';

let z: RunningZendesk | undefined;
afterEach(async () => {
  await z?.close();
  z = undefined;
});

const put = (running: RunningZendesk, path: string, body: object) =>
  fetch(`${running.api}${path}`, {
    method: 'PUT',
    headers: { authorization: AUTH, 'content-type': 'application/json' },
    body: JSON.stringify(body),
  });

describe('Zendesk edits as a person or another integration makes them', () => {
  it('updates one organization: fields merged, updated_at moved, the export sees it a minute later', async () => {
    z = await startZendesk(testSeed(2));
    const res = await put(z, `/organizations/${orgId(1)}.json`, {
      organization: { notes: 'VIP', organization_fields: { csm_email: 'csm@acme.test' } },
    });
    expect(res.status).toBe(200);
    const { organization } = (await res.json()) as { organization: Record<string, unknown> };
    expect(organization).toMatchObject({
      id: orgId(1),
      notes: 'VIP',
      url: `${z.api}/organizations/${orgId(1)}.json`,
      // account_manager was not sent: it keeps its value.
      organization_fields: { account_manager: AGENT_1, csm_email: 'csm@acme.test' },
    });
    expect(Date.parse(String(organization.updated_at))).toBeGreaterThan(Date.parse(STAMP));
    // node-zendesk's own update sends the same shape.
    await z
      .client()
      .organizations.update(orgId(2), { organization: { organization_fields: { account_manager: AGENT_2 } } });
    z.clock.ms += 61_000;
    const exported = (await (
      await z.get(`/incremental/organizations.json?start_time=${Date.parse(STAMP) / 1000 + 1}`)
    ).json()) as {
      organizations: { id: number }[];
    };
    expect(exported.organizations.map((o) => o.id)).toEqual([orgId(1), orgId(2)]);

    const refused = await put(z, `/organizations/${orgId(1)}.json`, {
      organization: { organization_fields: { account_manager: END_USER } },
    });
    expect(refused.status).toBe(422);
    expect(await refused.json()).toMatchObject({ error: 'RecordInvalid' });
    expect((await put(z, '/organizations/1.json', { organization: { notes: 'x' } })).status).toBe(404);
  });

  it('updates one ticket with its audit; search keeps the old ticket until zendesk.searchLagMs has passed', async () => {
    z = await startZendesk(testSeed(2));
    // Ticket 7 (open) is agent 2's; a person gives it to agent 1.
    const res = await put(z, '/tickets/7.json', { ticket: { assignee_id: AGENT_1 } });
    expect(res.status).toBe(200);
    const updated = (await res.json()) as { ticket: Record<string, unknown>; audit: { events: object[] } };
    expect(updated.ticket).toMatchObject({ id: 7, assignee_id: AGENT_1, url: `${z.api}/tickets/7.json` });
    expect(updated.audit.events).toEqual([
      expect.objectContaining({ type: 'Change', field_name: 'assignee_id', value: AGENT_1, previous_value: AGENT_2 }),
    ]);
    const held = async (agent: number) => {
      const q = encodeURIComponent(`type:ticket organization:${orgId(1)} assignee:${agent} status<solved`);
      const body = (await (await z?.get(`/search.json?query=${q}`))?.json()) as { results: { id: number }[] };
      return body.results.map((t) => t.id);
    };
    // Search has not seen it yet (two minutes by default) ...
    expect(await held(AGENT_1)).toEqual([1, 2, 3, 4]);
    expect(await held(AGENT_2)).toEqual([7]);
    // ... while the organization's ticket list is live.
    const list = (await (await z.get(`/organizations/${orgId(1)}/tickets.json`)).json()) as {
      tickets: { id: number; assignee_id: number }[];
      count: number;
    };
    expect(list.tickets.find((t) => t.id === 7)?.assignee_id).toBe(AGENT_1);
    expect(list.count).toBe(7);
    z.clock.ms += 120_000;
    expect(await held(AGENT_1)).toEqual([1, 2, 3, 4, 7]);
    expect(await held(AGENT_2)).toEqual([]);

    // A closed ticket cannot be updated.
    const closed = await put(z, '/tickets/6.json', { ticket: { assignee_id: AGENT_2 } });
    expect(closed.status).toBe(422);
    expect(await closed.json()).toMatchObject({ error: 'RecordInvalid' });
  });

  it("pages an organization's tickets by cursor; an unknown organization is a 404", async () => {
    const seed = testSeed(1);
    seed.tickets = Array.from({ length: 150 }, (_, i) => ({ id: i + 1, status: 'open', organization_id: orgId(1) }));
    z = await startZendesk(seed);
    const first = (await (await z.get(`/organizations/${orgId(1)}/tickets.json?page[size]=100`)).json()) as {
      tickets: unknown[];
      meta: { has_more: boolean };
      links: { next: string };
    };
    expect(first.tickets).toHaveLength(100);
    expect(first.meta.has_more).toBe(true);
    const second = (await (await fetch(first.links.next, { headers: { authorization: AUTH } })).json()) as {
      tickets: { id: number }[];
      meta: { has_more: boolean };
    };
    expect(second.tickets.map((t) => t.id)).toEqual(Array.from({ length: 50 }, (_, i) => 101 + i));
    expect(second.meta.has_more).toBe(false);
    expect((await z.get('/organizations/1/tickets.json')).status).toBe(404);
  });
});
