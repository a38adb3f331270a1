import type { AccountRecord, ConnectorContext, PersonRecord } from '@spoc/core/connector';
import { generateSeed, type Sandbox, startSandbox } from '@spoc/sandbox';
import pino from 'pino';
import { afterEach, describe, expect, it } from 'vitest';
import { zendeskEmulator } from '../emulator/index.ts';
import { createZendeskConnector } from './connector.ts';
import type { ZendeskSettings } from './settings.ts';

const ctx: ConnectorContext = {
  logger: pino({ level: 'silent' }),
  roles: { account_owner: { field: 'account_manager', value: 'id' }, csm: { field: 'csm_email', value: 'email' } },
  xrefFields: ['external_id'],
  cascades: [],
};
const AUTH = `Basic ${Buffer.from('ops@acme.test/token:zd-token').toString('base64')}`;
const fast = { jobPollMs: 25, retry: { baseDelayMs: 1, maxDelayMs: 2 } };

let sandbox: Sandbox<'zendesk'> | undefined;
afterEach(async () => {
  await sandbox?.close();
  sandbox = undefined;
});

async function start(accounts: number, tickets = false, faults?: string): Promise<ZendeskSettings> {
  sandbox = await startSandbox({
    emulators: [zendeskEmulator],
    seed: generateSeed({ accounts, ...(tickets ? { ticketsPerAccount: 4, ticketAccounts: 2 } : {}) }),
    port: 0,
    rateLimits: false,
    // Jobs end after 100 ms of the sandbox clock (default 1 s) to keep these tests quick.
    faults: ['zendesk.jobMs=100', faults].filter(Boolean).join(','),
  });
  return {
    baseUrl: `${sandbox.urls.zendesk}/api/v2`,
    email: 'ops@acme.test',
    apiToken: 'zd-token',
    oauthToken: undefined,
    rateLimit: { perMinute: 700 },
  };
}

async function readAll(config: ZendeskSettings, since: string | null) {
  const connector = createZendeskConnector(config, ctx, fast);
  const records: AccountRecord[] = [];
  let cursor = since;
  for await (const page of connector.readAccounts({ since })) {
    records.push(...page.records);
    cursor = page.cursor;
  }
  return { records, cursor, calls: connector.stats().calls };
}

describe('Zendesk connector against the sandbox (real node-zendesk)', () => {
  it('reads organizations 100 a page and agents only; check() passes on the generated fields', async () => {
    const config = await start(250);
    const full = await readAll(config, null);
    expect(full.records).toHaveLength(250);
    expect(full.calls).toBe(3);
    expect(full.records[0]).toMatchObject({
      roles: { account_owner: { id: expect.any(String) }, csm: { email: expect.stringContaining('@acme.test') } },
    });
    const people: PersonRecord[] = [];
    for await (const page of createZendeskConnector(config, ctx, fast).listPeople()) people.push(...page);
    expect(people).toHaveLength(8);
    expect(people.filter((p) => !p.active)).toHaveLength(2);
    expect(await createZendeskConnector(config, ctx, fast).check()).toEqual({ ok: true, problems: [] });
  });

  it('writes through update_many and job polling; an agent that does not exist fails only its organization', async () => {
    const config = await start(120);
    const connector = createZendeskConnector(config, ctx, fast);
    const writes = Array.from({ length: 110 }, (_, i) => ({
      recordId: String(5_000_000 + i),
      role: 'account_owner',
      to: { id: '360003', email: 'd@acme.test' },
    }));
    writes.push({ recordId: '5000111', role: 'account_owner', to: { id: '999', email: 'ghost' } });
    writes.push({ recordId: '5000000', role: 'csm', to: { id: '360004', email: 'elena.schmidt@acme.test' } });
    const results = await connector.writeAssignments(writes);
    expect(results.filter((r) => r.ok)).toHaveLength(111);
    expect(results[110]).toMatchObject({ ok: false, error: { code: 'InvalidValue' } });
    const org = sandbox?.writes.zendesk.all().filter((w) => w.id === '5000000');
    expect(org?.map((w) => [w.field, w.value])).toEqual([
      ['organization_fields.account_manager', 360003],
      ['organization_fields.csm_email', 'elena.schmidt@acme.test'],
    ]);
  });

  it('times the first job and polls each later job once, so a write costs about one poll per 100 organizations', async () => {
    const config = await start(600);
    // A 25 ms poll against jobs that take 100 ms: the first job is found done at its 3rd or 4th poll.
    const connector = createZendeskConnector(config, ctx, { ...fast, jobConcurrency: 2 });
    const writes = Array.from({ length: 600 }, (_, i) => ({
      recordId: String(5_000_000 + i),
      role: 'account_owner',
      to: { id: '360003', email: 'd@acme.test' },
    }));
    const results = await connector.writeAssignments(writes);
    expect(results.every((r) => r.ok)).toBe(true);
    const requests = sandbox?.stats().zendesk.requests ?? {};
    expect(requests['PUT /api/v2/organizations/update_many.json']).toBe(6);
    // Six jobs, sent two at a time: the first two polled until done (about 4 polls each),
    // the four after them once each. Untimed, every job costs 3 to 4 polls (18 here).
    const polls = requests['GET /api/v2/job_statuses/:id'] ?? 0;
    expect(polls).toBeGreaterThanOrEqual(6 + 2);
    expect(polls).toBeLessThanOrEqual(13);
  });

  it('hands over the previous POC’s unsolved tickets and nothing else', async () => {
    const config = await start(3, true);
    const before = await readAll(config, null);
    const org = before.records.find((r) => r.id === '5000000') as AccountRecord;
    const fromId = (org.roles.account_owner as { id: string }).id;
    const connector = createZendeskConnector(config, ctx, fast);
    const request = [{ kind: 'openTickets' as const, accountRecordId: org.id, fromId, toId: '360006' }];
    const preview = await connector.previewCascade?.(request);
    // The generated org holds 4 tickets: 2 open by the POC, 1 solved by the POC, 1 pending by someone else.
    expect(preview?.moves.map((m) => m.id)).toEqual(['1', '2']);
    expect(sandbox?.writes.zendesk.all().filter((w) => w.object === 'tickets')).toEqual([]);
    const [result] = (await connector.applyCascade?.(preview?.moves ?? [])) ?? [];
    expect(result).toEqual({ accountRecordId: org.id, updated: 2, failed: [] });
    const moved = sandbox?.writes.zendesk
      .all()
      .filter((w) => w.object === 'tickets')
      .map((w) => w.id);
    expect(moved).toEqual(['1', '2']);
  });

  it('hands over a ticket assigned to the previous POC just before the run, not one just taken from them', async () => {
    const config = await start(3, true);
    const org = (await readAll(config, null)).records.find((r) => r.id === '5000000') as AccountRecord;
    const fromId = (org.roles.account_owner as { id: string }).id;
    // Moments before the run a person gives ticket 4 (pending, someone else's) to the
    // previous POC and takes ticket 2 from them. Search has not indexed either yet.
    const edit = (id: number, assignee: number) =>
      fetch(`${config.baseUrl}/tickets/${id}.json`, {
        method: 'PUT',
        headers: { authorization: AUTH, 'content-type': 'application/json' },
        body: JSON.stringify({ ticket: { assignee_id: assignee } }),
      });
    expect((await edit(4, Number(fromId))).status).toBe(200);
    expect((await edit(2, 360005)).status).toBe(200);
    const connector = createZendeskConnector(config, ctx, fast);
    const request = [{ kind: 'openTickets' as const, accountRecordId: org.id, fromId, toId: '360006' }];
    const preview = await connector.previewCascade?.(request);
    expect(preview?.moves.map((m) => m.id)).toEqual(['1', '4']);
    const [result] = (await connector.applyCascade?.(preview?.moves ?? [])) ?? [];
    expect(result).toEqual({ accountRecordId: org.id, updated: 2, failed: [] });
    const stats = sandbox?.stats().zendesk?.requests ?? {};
    expect(stats['GET /api/v2/search.json']).toBeUndefined();
    expect(stats['GET /api/v2/organizations/:id/tickets.json']).toBe(1);
  });

  it('an incremental run right after a full read costs one export call and changes nothing', async () => {
    const config = await start(150);
    const full = await readAll(config, null);
    const next = await readAll(config, full.cursor);
    expect(next).toMatchObject({ records: [], calls: 1 });
    expect(JSON.parse(next.cursor ?? '')).toEqual(JSON.parse(full.cursor ?? ''));
  });

  it('reads every organization through injected 5xx errors and connection resets', async () => {
    const config = await start(600, false, '5xx=0.3,reset=0.1,seed=11');
    const connector = createZendeskConnector(config, ctx, { ...fast, retry: { ...fast.retry, maxAttempts: 10 } });
    const ids = new Set<string>();
    for await (const page of connector.readAccounts({ since: null })) for (const r of page.records) ids.add(r.id);
    expect(ids.size).toBe(600);
    expect(connector.stats().retries).toBeGreaterThan(0);
  });

  it('a job Zendesk kills is sent again for what it never reached; failed results are matched by position', async () => {
    // Every job is killed halfway, and every failed result's id is its position.
    const config = await start(20, false, 'zendesk.jobKilled=1,zendesk.failureIdIsIndex=1');
    const connector = createZendeskConnector(config, ctx, fast);
    const writes = Array.from({ length: 10 }, (_, i) => ({
      recordId: String(5_000_000 + i),
      role: 'account_owner',
      to: { id: '360003', email: 'd@acme.test' },
    }));
    // The first record names an agent that does not exist: its failure says id 0.
    writes[0] = { recordId: '5000000', role: 'account_owner', to: { id: '999', email: 'ghost' } };
    const results = await connector.writeAssignments(writes);
    // Jobs of 10, 5 and 3 records get through 5, 2 and 1 of them.
    expect(results.map((r) => (r.ok ? 'ok' : r.error?.code))).toEqual([
      'InvalidValue',
      ...Array(7).fill('ok'),
      'JOB_KILLED',
      'JOB_KILLED',
    ]);
    const written = new Set(sandbox?.writes.zendesk.all().map((w) => w.id));
    expect([...written].sort()).toEqual(writes.slice(1, 8).map((w) => w.recordId));
    expect(sandbox?.stats().zendesk?.requests['PUT /api/v2/organizations/update_many.json']).toBe(3);
  });
});
