import { parseFaults } from '@spoc/sandbox/kit';
import { afterEach, describe, expect, it } from 'vitest';
import {
  AGENT_1,
  AGENT_2,
  companyNo,
  DEACTIVATED,
  type RunningFreshdesk,
  startFreshdesk,
  testSeed,
} from '../test/emulator.ts';
import { JOB_DELAY_MS } from './ticket-routes.ts';

let fd: RunningFreshdesk | undefined;
afterEach(async () => {
  await fd?.close();
  fd = undefined;
});

describe('Freshdesk emulator writes', () => {
  it('updates one company’s custom fields per PUT, logs each value and moves updated_at', async () => {
    fd = await startFreshdesk(testSeed(2));
    const put = await fd.json('PUT', `/api/v2/companies/${companyNo(1)}`, {
      custom_fields: { account_manager: 'bruno.rossi@acme.test', csm: 'Anna Schmidt' },
    });
    expect(put).toMatchObject({
      status: 200,
      body: { custom_fields: { account_manager: 'bruno.rossi@acme.test', csm: 'Anna Schmidt' } },
    });
    expect((put.body as { updated_at: string }).updated_at).not.toBe('2026-01-01T00:00:00Z');
    expect(fd.server.writes.all().map((w) => [w.object, w.id, w.field, w.value])).toEqual([
      ['companies', String(companyNo(1)), 'custom_fields.account_manager', 'bruno.rossi@acme.test'],
      ['companies', String(companyNo(1)), 'custom_fields.csm', 'Anna Schmidt'],
    ]);
  });

  it('refuses a dropdown value outside its choices, an unknown field and overlong text, writing nothing', async () => {
    fd = await startFreshdesk(testSeed(1));
    const put = (custom_fields: object) => fd?.json('PUT', `/api/v2/companies/${companyNo(1)}`, { custom_fields });
    expect(await put({ csm: 'Nobody' })).toEqual({
      status: 400,
      headers: expect.anything(),
      body: {
        description: 'Validation failed',
        errors: [
          {
            field: 'csm',
            message: "It should be one of these values: 'Anna Schmidt,Bruno Rossi'",
            code: 'invalid_value',
          },
        ],
      },
    });
    expect((await put({ no_such: 'x' }))?.body).toMatchObject({
      errors: [{ field: 'no_such', code: 'invalid_field' }],
    });
    expect((await put({ account_manager: 'x'.repeat(256) }))?.body).toMatchObject({
      errors: [{ code: 'invalid_value' }],
    });
    expect(fd.server.writes.all()).toEqual([]);
    expect((await fd.json('PUT', '/api/v2/companies/1', { custom_fields: {} })).status).toBe(404);
  });

  it('runs bulk_update as a job: 202 with job_id, in progress at first, then a result per ticket', async () => {
    fd = await startFreshdesk(testSeed(2));
    const queued = await fd.json('POST', '/api/v2/tickets/bulk_update', {
      bulk_action: { ids: [1, 2, 999], properties: { responder_id: AGENT_2 } },
    });
    expect(queued).toMatchObject({ status: 202, body: { job_id: expect.any(String) } });
    const jobId = (queued.body as { job_id: string }).job_id;
    fd.server.clockOffset.ms -= 60_000; // a poll "too early", however slow this machine is
    expect((await fd.json('GET', `/api/v2/jobs/${jobId}`)).body).toMatchObject({ status: 'IN PROGRESS', data: [] });
    fd.server.clockOffset.ms += 60_000 + JOB_DELAY_MS;
    expect((await fd.json('GET', `/api/v2/jobs/${jobId}`)).body).toMatchObject({
      status: 'COMPLETED',
      data: [
        { id: 1, success: true },
        { id: 2, success: true },
        { id: 999, success: false },
      ],
    });
    expect(fd.server.writes.all().map((w) => [w.id, w.field, w.value])).toEqual([
      ['1', 'responder_id', AGENT_2],
      ['2', 'responder_id', AGENT_2],
    ]);
    expect(
      (
        await fd.json('POST', '/api/v2/tickets/bulk_update', {
          bulk_action: { ids: Array.from({ length: 101 }, (_, i) => i + 1) },
        })
      ).status,
    ).toBe(400);
  });

  it('assigns one ticket by PUT, refusing a deactivated agent with a validation error', async () => {
    fd = await startFreshdesk(testSeed(1));
    expect((await fd.json('PUT', '/api/v2/tickets/5', { responder_id: AGENT_1 })).body).toMatchObject({
      responder_id: AGENT_1,
    });
    expect(await fd.json('PUT', '/api/v2/tickets/5', { responder_id: DEACTIVATED })).toMatchObject({
      status: 400,
      body: { errors: [{ field: 'responder_id', code: 'invalid_value' }] },
    });
  });

  it('fails a share of company updates when record faults are injected', async () => {
    fd = await startFreshdesk(testSeed(20));
    fd.server.faults.set(parseFaults('record=0.5,seed=3'));
    const statuses: number[] = [];
    for (let i = 1; i <= 20; i++)
      statuses.push(
        (await fd.json('PUT', `/api/v2/companies/${companyNo(i)}`, { custom_fields: { csm: 'Anna Schmidt' } })).status,
      );
    expect(statuses.filter((s) => s === 400).length).toBeGreaterThan(0);
    expect(statuses.filter((s) => s === 200).length).toBe(fd.server.writes.all().length);
  });
});
