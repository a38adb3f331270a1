import { afterEach, describe, expect, it } from 'vitest';
import { generateSeed } from '../seed/generate.ts';
import { type Sandbox, startSandbox } from '../start-sandbox.ts';

const auth = {
  authorization: `Basic ${Buffer.from('ops@acme.test/token:t').toString('base64')}`,
  'content-type': 'application/json',
};
let sandbox: Sandbox | undefined;
afterEach(async () => {
  await sandbox?.close();
  sandbox = undefined;
});

async function start(options: { rateLimits?: boolean; timeScale?: number } = {}) {
  sandbox = await startSandbox({
    seed: generateSeed({ accounts: 3 }),
    port: 0,
    rateLimits: options.rateLimits ?? false,
    timeScale: options.timeScale ?? 1,
  });
  return `${sandbox.urls.zendesk}/api/v2`;
}

describe('Zendesk emulator', () => {
  it('answers a missing or bad credential with Zendesk’s 401 body', async () => {
    const api = await start();
    const res = await fetch(`${api}/organizations.json`);
    expect(res.status).toBe(401);
    expect(await res.json()).toEqual({ error: "Couldn't authenticate you" });
  });

  it('leaves records changed in the last minute out of the incremental export', async () => {
    const api = await start();
    const created = (await (
      await fetch(`${api}/organizations.json`, {
        method: 'POST',
        headers: auth,
        body: JSON.stringify({ organization: { name: 'New' } }),
      })
    ).json()) as {
      organization: { id: number };
    };
    const start2025 = Date.parse('2025-12-31T00:00:00Z') / 1000;
    const body = (await (
      await fetch(`${api}/incremental/organizations.json?start_time=${start2025}`, { headers: auth })
    ).json()) as {
      organizations: { id: number }[];
      end_of_stream: boolean;
    };
    expect(body.organizations.map((o) => o.id)).toEqual([5_000_000, 5_000_001, 5_000_002]);
    expect(body.organizations.map((o) => o.id)).not.toContain(created.organization.id);
    expect(body.end_of_stream).toBe(true);
    const tooRecent = await fetch(`${api}/incremental/organizations.json?start_time=${Math.floor(Date.now() / 1000)}`, {
      headers: auth,
    });
    expect(tooRecent.status).toBe(400);
  });

  it('spends the per-minute allowance with 429 text/plain and Retry-After', async () => {
    const api = await start({ rateLimits: true });
    let last: Response | undefined;
    for (let i = 0; i < 701; i++) last = await fetch(`${api}/users/me.json`, { headers: auth });
    expect(last?.status).toBe(429);
    expect(last?.headers.get('content-type')).toContain('text/plain');
    expect(Number(last?.headers.get('retry-after'))).toBeGreaterThanOrEqual(1);
    expect(last?.headers.get('x-rate-limit-remaining')).toBe('0');
  });

  it('refuses to reassign a closed ticket in a bulk job, and applies the rest', async () => {
    const api = await start();
    const post = async (ticket: object) =>
      (
        (await (
          await fetch(`${api}/tickets.json`, { method: 'POST', headers: auth, body: JSON.stringify({ ticket }) })
        ).json()) as { ticket: { id: number } }
      ).ticket.id;
    const open = await post({ subject: 'a', status: 'open', assignee_id: 360000 });
    const closed = await post({ subject: 'b', status: 'closed', assignee_id: 360000 });
    const put = (await (
      await fetch(`${api}/tickets/update_many.json?ids=${open},${closed}`, {
        method: 'PUT',
        headers: auth,
        body: JSON.stringify({ ticket: { assignee_id: 360001 } }),
      })
    ).json()) as {
      job_status: { id: string; status: string };
    };
    expect(put.job_status.status).toBe('queued');
    await new Promise((r) => setTimeout(r, 30));
    const job = (await (await fetch(`${api}/job_statuses/${put.job_status.id}.json`, { headers: auth })).json()) as {
      job_status: { status: string; results: { id: number; success: boolean; error?: string }[] };
    };
    expect(job.job_status.status).toBe('completed');
    expect(job.job_status.results.map((r) => [r.id, r.success, r.error ?? null])).toEqual([
      [open, true, null],
      [closed, false, 'TicketClosed'],
    ]);
  });
});
