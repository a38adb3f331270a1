import { parseFaults } from '@spoc/sandbox/kit';
import { afterEach, describe, expect, it } from 'vitest';
import {
  AGENT_1,
  AGENT_2,
  AUTH,
  bulk,
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

interface JobStatus {
  id: string;
  url: string;
  status: string;
  total: number;
  progress: number;
  results: { id: number; index: number; success: boolean; status?: string; error?: string }[] | null;
}

/** The default zendesk.jobMs: a job's time from queued to its end on the sandbox clock. */
const JOB_MS = 1000;

/** Polls the job through node-zendesk: queued at first, finished once JOB_MS have passed on the sandbox clock. */
async function pollJob(running: RunningZendesk, id: string): Promise<JobStatus> {
  const client = running.client();
  const show = async () =>
    ((await client.jobstatuses.show(id)) as unknown as { result: { job_status: JobStatus } }).result.job_status;
  // Hold the clock back so the first poll is "too early" however slow this machine is.
  running.clock.ms -= 60_000;
  const first = await show();
  expect(first.status).toBe('queued');
  expect(first.results).toBeNull();
  running.clock.ms += 60_000 + JOB_MS;
  return show();
}

describe('Zendesk bulk writes', () => {
  it('queues update_many, applies it, and reports per-record results once the job completes', async () => {
    z = await startZendesk(testSeed(3), { faults: 'zendesk.failureIdIsIndex=0' });
    const client = z.client();
    const put = (await client.organizations.updateMany(
      bulk([
        { id: orgId(1), organization_fields: { account_manager: AGENT_2, csm_email: 'csm@acme.test' } },
        { id: 999, organization_fields: { account_manager: AGENT_2 } },
        { id: orgId(2), organization_fields: { account_manager: END_USER } },
        { id: orgId(3), notes: 'renewal in May' },
      ]),
    )) as unknown as { result: { job_status: JobStatus } };
    expect(put.result.job_status).toMatchObject({ status: 'queued', total: 4, progress: 0, results: null });
    expect(put.result.job_status.url).toBe(`${z.api}/job_statuses/${put.result.job_status.id}.json`);

    const job = await pollJob(z, put.result.job_status.id);
    expect(job).toMatchObject({ status: 'completed', total: 4, progress: 4 });
    expect(job.results).toEqual([
      { id: orgId(1), index: 0, action: 'update', status: 'Updated', success: true },
      expect.objectContaining({ id: 999, index: 1, success: false, error: 'OrganizationNotFound' }),
      expect.objectContaining({ id: orgId(2), index: 2, success: false, error: 'InvalidValue' }),
      { id: orgId(3), index: 3, action: 'update', status: 'Updated', success: true },
    ]);

    const { result: changed } = await client.organizations.show(orgId(1));
    const org = changed as unknown as { organization_fields: object; updated_at: string };
    expect(org.organization_fields).toEqual({ account_manager: AGENT_2, csm_email: 'csm@acme.test' });
    expect(org.updated_at).toMatch(/^\d{4}-\d\d-\d\dT\d\d:\d\d:\d\dZ$/);
    expect(Date.parse(org.updated_at)).toBeGreaterThan(Date.parse(STAMP));
    const { result: refused } = await client.organizations.show(orgId(2));
    expect(refused).toMatchObject({ organization_fields: { account_manager: AGENT_1 }, updated_at: STAMP });

    expect(z.writes.all().map((w) => [w.object, w.id, w.field, w.value])).toEqual([
      ['organizations', String(orgId(1)), 'organization_fields.account_manager', AGENT_2],
      ['organizations', String(orgId(1)), 'organization_fields.csm_email', 'csm@acme.test'],
      ['organizations', String(orgId(3)), 'notes', 'renewal in May'],
    ]);
  });

  it('refuses more than 100 organizations, fails injected records, and 404s an unknown job', async () => {
    z = await startZendesk(testSeed(101), { faults: 'zendesk.failureIdIsIndex=0' });
    const organizations = Array.from({ length: 101 }, (_, i) => ({ id: orgId(i + 1) }));
    const tooMany = await fetch(`${z.api}/organizations/update_many.json`, {
      method: 'PUT',
      headers: { authorization: AUTH, 'content-type': 'application/json' },
      body: JSON.stringify({ organizations }),
    });
    expect(tooMany.status).toBe(400);
    expect(await tooMany.json()).toMatchObject({ error: expect.any(String), description: expect.any(String) });

    z.faults.set(parseFaults('record=1,zendesk.failureIdIsIndex=0'));
    const put = (await z
      .client()
      .organizations.updateMany(
        bulk([{ id: orgId(1), organization_fields: { csm_email: 'x@acme.test' } }]),
      )) as unknown as {
      result: { job_status: JobStatus };
    };
    const job = await pollJob(z, put.result.job_status.id);
    expect(job.results?.[0]).toMatchObject({ id: orgId(1), success: false, error: 'InvalidValue' });
    expect(z.writes.all()).toEqual([]);

    const missing = await z.get('/job_statuses/nope.json');
    expect(missing.status).toBe(404);
    expect(await missing.json()).toEqual({ error: 'RecordNotFound', description: 'Not found' });
  });

  it('reassigns tickets in bulk but refuses closed ones, recording each write', async () => {
    z = await startZendesk(testSeed(2), { faults: 'zendesk.failureIdIsIndex=0' });
    const client = z.client();
    // Tickets 1–6 are new, open, pending, hold, solved, closed.
    const put = (await client.tickets.updateMany([2, 5, 6, 404], { ticket: { assignee_id: AGENT_2 } })) as unknown as {
      result: { job_status: JobStatus };
    };
    expect(put.result.job_status.status).toBe('queued');
    const job = await pollJob(z, put.result.job_status.id);
    expect(job.results?.map((r) => [r.id, r.success, r.error ?? null])).toEqual([
      [2, true, null],
      [5, true, null],
      [6, false, 'TicketClosed'],
      [404, false, 'RecordNotFound'],
    ]);
    const shown = (await client.tickets.show(2)) as unknown as { result: { assignee_id: number; updated_at: string } };
    expect(shown.result.assignee_id).toBe(AGENT_2);
    expect(Date.parse(shown.result.updated_at)).toBeGreaterThan(Date.parse(STAMP));
    const closed = (await client.tickets.show(6)) as unknown as { result: { assignee_id: number } };
    expect(closed.result.assignee_id).toBe(AGENT_1);
    expect(z.writes.all().map((w) => [w.object, w.id, w.field, w.value])).toEqual([
      ['tickets', '2', 'assignee_id', AGENT_2],
      ['tickets', '5', 'assignee_id', AGENT_2],
    ]);

    const tooMany = await fetch(
      `${z.api}/tickets/update_many.json?ids=${Array.from({ length: 101 }, (_, i) => i + 1).join(',')}`,
      { method: 'PUT', headers: { authorization: AUTH, 'content-type': 'application/json' }, body: '{"ticket":{}}' },
    );
    expect(tooMany.status).toBe(400);
  });

  it('goes back to the seed on reset, leaving the seed object untouched', async () => {
    const seed = testSeed(1);
    const before = structuredClone(seed);
    z = await startZendesk(seed);
    await z.client().organizations.updateMany(bulk([{ id: orgId(1), name: 'Renamed' }]));
    expect(seed).toEqual(before);
    await fetch(`${z.server.url}/__sandbox/reset`, { method: 'POST' });
    const { result } = await z.client().organizations.show(orgId(1));
    expect(result).toMatchObject({ name: 'Org 1', updated_at: STAMP });
  });
});
