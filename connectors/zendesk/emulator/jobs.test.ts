import { afterEach, describe, expect, it } from 'vitest';
import { AGENT_2, bulk, END_USER, orgId, type RunningZendesk, startZendesk, testSeed } from '../test/emulator.ts';

let z: RunningZendesk | undefined;
afterEach(async () => {
  await z?.close();
  z = undefined;
});

interface JobStatus {
  status: string;
  total: number;
  progress: number;
  message: string | null;
  results: { id: number; index: number; success: boolean; error?: string }[] | null;
}

const account = (org: number) => ({ id: orgId(org), organization_fields: { account_manager: AGENT_2 } });

/**
 * Queues an update_many; `read(age)` then reads the job with the sandbox clock moved to
 * `age` ms after the PUT (plus the few real milliseconds in between).
 */
async function queue(running: RunningZendesk, organizations: object[]) {
  running.clock.ms = 0;
  const put = (await running.client().organizations.updateMany(bulk(organizations))) as unknown as {
    result: { job_status: { id: string } };
  };
  return async (ageMs: number) => {
    running.clock.ms = ageMs;
    const body = (await (await running.get(`/job_statuses/${put.result.job_status.id}.json`)).json()) as {
      job_status: JobStatus;
    };
    return body.job_status;
  };
}

describe('Zendesk bulk jobs over time', () => {
  it('goes queued, then working with progress, then completed after zendesk.jobMs of the sandbox clock', async () => {
    z = await startZendesk(testSeed(4), { faults: 'zendesk.jobMs=8000' });
    const read = await queue(z, [1, 2, 3, 4].map(account));
    expect(await read(1000)).toMatchObject({ status: 'queued', progress: 0, results: null });
    expect(await read(5000)).toMatchObject({ status: 'working', progress: 2, results: null, total: 4 });
    const done = await read(8000);
    expect(done).toMatchObject({ status: 'completed', progress: 4, total: 4 });
    expect(done.results?.map((r) => r.index)).toEqual([0, 1, 2, 3]);
  });

  it('a killed job has processed only its first half and says so; the rest is untouched', async () => {
    z = await startZendesk(testSeed(4), { faults: 'zendesk.jobKilled=1' });
    const read = await queue(z, [1, 2, 3, 4].map(account));
    const killed = await read(1000);
    expect(killed).toMatchObject({ status: 'killed', total: 4, progress: 2, message: 'Job was killed' });
    expect(killed.results?.map((r) => r.id)).toEqual([orgId(1), orgId(2)]);
    expect(new Set(z.writes.all().map((w) => w.id))).toEqual(new Set([String(orgId(1)), String(orgId(2))]));
  });

  it('a failed result may carry its position as id (zendesk.failureIdIsIndex), its index always', async () => {
    z = await startZendesk(testSeed(4), { faults: 'zendesk.failureIdIsIndex=1' });
    const read = await queue(z, [
      account(1),
      account(2),
      { id: orgId(3), organization_fields: { account_manager: END_USER } },
    ]);
    const done = await read(1000);
    expect(done.results?.[2]).toMatchObject({ id: 2, index: 2, success: false, error: 'InvalidValue' });
    expect(done.results?.[0]).toMatchObject({ id: orgId(1), index: 0, success: true });
  });
});
