import { afterEach, describe, expect, it } from 'vitest';
import { AGENT_1, AGENT_2, bulk, orgId, type RunningZendesk, STAMP, startZendesk, testSeed } from '../test/emulator.ts';

let z: RunningZendesk | undefined;
afterEach(async () => {
  await z?.close();
  z = undefined;
});

interface Export {
  organizations: { id: number; updated_at: string }[];
  next_page: string;
  count: number;
  end_time: number;
  end_of_stream: boolean;
}

const since = Date.parse(STAMP) / 1000 - 3600;

describe('Zendesk incremental export and search', () => {
  it('exports by updated_at then id, leaving out what changed in the last minute', async () => {
    z = await startZendesk(testSeed(5));
    const client = z.client();
    await client.organizations.updateMany(
      bulk([
        { id: orgId(4), notes: 'a' },
        { id: orgId(2), notes: 'b' },
      ]),
    );
    const exportFrom = async (start: number) =>
      (await (await z?.get(`/incremental/organizations.json?start_time=${start}`))?.json()) as Export;

    const now = await exportFrom(since);
    expect(now.organizations.map((o) => o.id)).toEqual([orgId(1), orgId(3), orgId(5)]);
    expect(now).toMatchObject({ count: 3, end_of_stream: true, end_time: Date.parse(STAMP) / 1000 });
    expect(now.next_page).toBe(`${z.api}/incremental/organizations.json?start_time=${now.end_time}`);

    // A minute later the two updated organizations come last, in id order within their second.
    z.clock.ms += 61_000;
    const later = await exportFrom(now.end_time);
    expect(later.organizations.map((o) => o.id)).toEqual([orgId(1), orgId(3), orgId(5), orgId(2), orgId(4)]);
    const updatedSecond = Date.parse(later.organizations[4]?.updated_at ?? '') / 1000;
    expect(later.end_time).toBe(updatedSecond);
    // node-zendesk's own export helper sees the same records.
    const viaSdk = (await client.organizations.incremental(String(now.end_time))) as unknown as { id: number }[];
    expect(viaSdk.map((o) => o.id)).toEqual(later.organizations.map((o) => o.id));

    const tooRecent = await z.get(
      `/incremental/organizations.json?start_time=${Math.floor((Date.now() + z.clock.ms) / 1000) - 30}`,
    );
    expect(tooRecent.status).toBe(400);
  });

  it("pages 1,000 at a time, end_time the last item's second: over 1,000 in one second repeat the same page", async () => {
    const seed = testSeed(2500);
    seed.organizations.forEach((o, i) => {
      o.updated_at = i < 1500 ? STAMP : '2026-01-01T00:00:05Z';
    });
    z = await startZendesk(seed);
    const first = (await (await z.get(`/incremental/organizations.json?start_time=${since}`)).json()) as Export;
    // 1,500 records share the first second: a page of 1,000 of them, ending at that second.
    expect(first).toMatchObject({ count: 1000, end_of_stream: false, end_time: Date.parse(STAMP) / 1000 });
    const again = (await (await fetch(first.next_page, { headers: { authorization: authOf() } })).json()) as Export;
    expect(again.organizations.map((o) => o.id)).toEqual(first.organizations.map((o) => o.id));
    expect(again.end_time).toBe(first.end_time);
    // Past that second: the remaining 1,000, then an empty page that ends the stream.
    const later = (await (
      await z.get(`/incremental/organizations.json?start_time=${first.end_time + 1}`)
    ).json()) as Export;
    expect(later).toMatchObject({ count: 1000, end_of_stream: false, end_time: Date.parse(STAMP) / 1000 + 5 });
    expect(later.organizations[0]?.id).toBe(orgId(1501));
    const last = (await (
      await z.get(`/incremental/organizations.json?start_time=${later.end_time + 1}`)
    ).json()) as Export;
    expect(last).toMatchObject({ count: 0, end_of_stream: true, end_time: later.end_time + 1 });
  });

  it('searches unsolved tickets by organization and assignee, in id order', async () => {
    z = await startZendesk(testSeed(2));
    const client = z.client();
    // Tickets 1–6 (new … closed) and 7 (open, agent 2) belong to org 1; ticket 8 (open, agent 1) to org 2.
    const found = (await client.search.query(
      `type:ticket organization:${orgId(1)} assignee:${AGENT_1} status<solved`,
    )) as unknown as { result: { id: number; result_type: string }[] };
    expect(found.result.map((t) => t.id)).toEqual([1, 2, 3, 4]);
    expect(found.result.every((t) => t.result_type === 'ticket')).toBe(true);

    const byAssignee = (await (
      await z.get(`/search.json?query=${encodeURIComponent(`type:ticket assignee:${AGENT_2} status<solved`)}`)
    ).json()) as {
      results: { id: number }[];
      count: number;
      next_page: string | null;
    };
    expect(byAssignee).toMatchObject({ count: 1, next_page: null });
    expect(byAssignee.results.map((t) => t.id)).toEqual([7]);
    const solved = (await (
      await z.get(`/search.json?query=${encodeURIComponent('type:ticket status:solved')}`)
    ).json()) as {
      results: { id: number }[];
    };
    expect(solved.results.map((t) => t.id)).toEqual([5]);
  });

  it('pages search results with absolute next_page links and stops at the 1,000-result window', async () => {
    const seed = testSeed(1);
    seed.tickets = Array.from({ length: 250 }, (_, i) => ({
      id: i + 1,
      status: 'open',
      assignee_id: AGENT_1,
      organization_id: orgId(1),
      subject: `T${i + 1}`,
    }));
    z = await startZendesk(seed);
    const query = encodeURIComponent(`type:ticket organization:${orgId(1)} status<solved`);
    const ids: number[] = [];
    let next: string | null = `${z.api}/search.json?query=${query}`;
    let pages = 0;
    while (next) {
      const page = (await (await fetch(next, { headers: { authorization: authOf() } })).json()) as {
        results: { id: number }[];
        next_page: string | null;
        count: number;
      };
      expect(page.count).toBe(250);
      ids.push(...page.results.map((t) => t.id));
      next = page.next_page;
      pages++;
    }
    expect(pages).toBe(3);
    expect(ids).toEqual(Array.from({ length: 250 }, (_, i) => i + 1));

    const beyond = await z.get(`/search.json?query=${query}&page=11&per_page=100`);
    expect(beyond.status).toBe(422);
    expect(await beyond.json()).toEqual({ error: 'invalid', description: 'Search results are limited to 1000' });
  });
});

function authOf(): string {
  return `Basic ${Buffer.from('ops@acme.test/token:secret').toString('base64')}`;
}
