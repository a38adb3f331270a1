import { mkdtempSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { pino } from 'pino';
import { describe, expect, it } from 'vitest';
import { parseConfig } from '../config/load.ts';
import type { SystemId } from '../domain/types.ts';
import { SpocError } from '../errors/spoc-error.ts';
import { type HandoverNotice, NoticeDeliveryError, type RunAlert } from '../notify/notice.ts';
import { openStore } from '../store/state-store.ts';
import { linkedAccounts } from '../testing/memory-book.ts';
import { MemoryChannel } from '../testing/memory-channel.ts';
import { MemoryConnector } from '../testing/memory-connector.ts';
import { MEMORY_SYSTEMS, memoryRegistry } from '../testing/memory-definitions.ts';
import { memoryWorldYaml } from '../testing/memory-world-config.ts';
import { runSync } from './run-sync.ts';

const PEOPLE = { anna: 'Anna Berg', bruno: 'Bruno Schmidt', carla: 'Carla Diaz' } as const;
type Name = keyof typeof PEOPLE;

/**
 * Three memory vendors; CRM decides the `owner` role (open tickets follow it) and every
 * system starts with anna on each customer. `sales` is a Slack channel, `ops` a Teams
 * one taking run alerts only.
 */
function world(options: { accounts?: number; notify?: string; safety?: string } = {}) {
  const path = join(mkdtempSync(join(tmpdir(), 'spoc-notify-')), 'state.db');
  const notify =
    options.notify ??
    `notify:
  consoleUrl: https://spoc.example.com
  digestAbove: 20
  channels:
    - name: sales
      slack: { token: '\${SLACK}', channel: '#handovers' }
    - name: ops
      teams: { webhookUrl: '\${TEAMS}' }
      events: [run]`;
  const yaml = memoryWorldYaml(
    path,
    `${notify}\n${options.safety ?? 'safety: { maxChanges: 100%, maxCascade: 100% }'}`,
  ).replace('policy: { authority: crm }', 'policy: { authority: crm }\n    cascade: { openTickets: true }');
  const config = parseConfig(yaml, '/etc/spoc/spoc.yaml', memoryRegistry(MEMORY_SYSTEMS, { links: true }), {
    T: 't',
    SLACK: 'xoxb-secret',
    TEAMS: 'https://teams.example/hook',
  });
  const n = options.accounts ?? 2;
  const [marketing, crm, helpdesk] = MEMORY_SYSTEMS.map(
    (system: SystemId) =>
      new MemoryConnector(
        system,
        (Object.keys(PEOPLE) as Name[]).map((p) => ({
          system,
          id: `${system}-${p}`,
          email: `${p}@acme.test`,
          active: true,
          name: PEOPLE[p],
        })),
        linkedAccounts(system, n, 'anna'),
        { owner: 'id' },
      ),
  ) as [MemoryConnector, MemoryConnector, MemoryConnector];
  helpdesk.tickets.set('t1', { accountId: 'helpdesk1', assigneeId: 'helpdesk-anna', open: true });
  helpdesk.tickets.set('t2', { accountId: 'helpdesk1', assigneeId: 'helpdesk-anna', open: false });
  const store = openStore(path);
  const sales = new MemoryChannel('sales');
  const ops = new MemoryChannel('ops');
  const sync = (o: { dryRun?: boolean; force?: boolean } = {}) =>
    runSync(
      {
        config,
        connectors: [marketing, crm, helpdesk],
        store,
        logger: pino({ level: 'silent' }),
        channels: [sales, ops],
      },
      { dryRun: o.dryRun ?? false, full: false, force: o.force ?? false, configPath: 'spoc.yaml' },
    );
  /** An account manager changes the owner in the CRM. */
  const reassign = (account: number, to: Name) => {
    const record = crm.accounts.get(`00${account}`);
    if (record) record.roles.owner = { id: `crm-${to}` };
  };
  const handovers = (channel: MemoryChannel) =>
    channel.delivered.filter((d) => d.notice.kind === 'handover').map((d) => d.notice as HandoverNotice);
  const alerts = (channel: MemoryChannel) =>
    channel.delivered.filter((d) => d.notice.kind === 'run').map((d) => d.notice as RunAlert);
  return { store, sync, reassign, marketing, crm, helpdesk, sales, ops, handovers, alerts };
}

describe('handover notices', () => {
  it('tells one handover per changed account-role: who before, who now, why, where, the tickets moved', async () => {
    const w = world();
    expect((await w.sync()).notices).toEqual({ queued: 0, sent: 0, failed: 0, pending: 0 });
    w.reassign(1, 'bruno');
    const report = await w.sync();
    expect(report.status).toBe('ok');
    expect(report.counts.written).toBe(2);
    expect(report.notices).toEqual({ queued: 1, sent: 1, failed: 0, pending: 0 });
    expect(w.sales.delivered).toEqual([
      {
        key: `handover:${report.runId}:crm:001:owner:sales`,
        channel: 'sales',
        notice: {
          kind: 'handover',
          account: 'crm:001',
          accountName: 'Customer 1',
          links: [
            { label: 'MARKETING', url: 'https://marketing.example/accounts/marketing1' },
            { label: 'CRM', url: 'https://crm.example/accounts/001' },
            { label: 'HELPDESK', url: 'https://helpdesk.example/accounts/helpdesk1' },
          ],
          role: 'owner',
          previous: { email: 'anna@acme.test', name: 'Anna Berg' },
          next: { email: 'bruno@acme.test', name: 'Bruno Schmidt' },
          why: { kind: 'decided', system: 'CRM' },
          // The open ticket anna held moved to bruno; the solved one stayed.
          tickets: [{ label: 'HELPDESK', id: 't1', url: 'https://helpdesk.example/tickets/t1' }],
          runUrl: `https://spoc.example.com/runs/${encodeURIComponent(report.runId)}`,
        },
      },
    ]);
    // The Teams channel takes run alerts only.
    expect(w.ops.delivered).toEqual([]);
    expect(w.store.outbox.forRun(report.runId)).toMatchObject([
      { channel: 'sales', recipient: null, kind: 'handover', state: 'sent', attempts: 1, lastError: null },
    ]);
  });

  it('says who changed the owner in the deciding system, asked once, before the writes, for the handovers only', async () => {
    const w = world({ accounts: 3 });
    await w.sync();
    // The first sync hands nothing over: nobody is asked.
    expect(w.crm.askedWhoChanged).toEqual([]);
    w.reassign(1, 'bruno');
    w.reassign(2, 'carla');
    w.crm.changedBy.set('001/owner', { personId: 'crm-carla' });
    w.crm.changedBy.set('002/owner', { via: 'a CRM workflow' });
    await w.sync();
    expect(w.crm.askedWhoChanged).toEqual([
      [
        { recordId: '001', role: 'owner' },
        { recordId: '002', role: 'owner' },
      ],
    ]);
    // Only the deciding system is asked.
    expect(w.marketing.askedWhoChanged).toEqual([]);
    expect(w.handovers(w.sales).map((h) => [h.account, h.why])).toEqual([
      ['crm:001', { kind: 'decided', system: 'CRM', changedBy: 'Carla Diaz' }],
      ['crm:002', { kind: 'decided', system: 'CRM', changedBy: 'a CRM workflow' }],
    ]);
  });

  it('asks nobody for an admin settle or an account the deciding system lacks; a duplicated user is still named', async () => {
    const w = world({ accounts: 3 });
    // Carla has two CRM logins (the same email twice): the second one makes the change below.
    w.crm.people.push({
      system: 'crm',
      id: 'crm-carla-2',
      email: 'carla@acme.test',
      active: false,
      name: 'Carla Diaz',
    });
    await w.sync();
    // An admin settles customer 2: the console is the author, no vendor is asked.
    w.store.actions.record('settle', 'local', {}, [
      { account: 'crm:002', role: 'owner', email: 'carla@acme.test', reason: 'settled', openTickets: false },
    ]);
    // Customer 3 leaves the CRM (the deciding system): nothing is decided, nothing asked.
    w.crm.accounts.delete('003');
    w.reassign(1, 'bruno');
    w.crm.changedBy.set('001/owner', { personId: 'crm-carla-2' });
    await w.sync();
    expect(w.crm.askedWhoChanged).toEqual([[{ recordId: '001', role: 'owner' }]]);
    expect(w.handovers(w.sales).map((h) => [h.account, h.why])).toEqual([
      ['crm:001', { kind: 'decided', system: 'CRM', changedBy: 'Carla Diaz' }],
      ['crm:002', { kind: 'admin', action: 'settled' }],
    ]);
  });

  it('a vendor that cannot say who changed an owner leaves the notice without it, and the run ok', async () => {
    const w = world();
    await w.sync();
    w.reassign(1, 'bruno');
    w.crm.whoChanged = async () => {
      throw new Error('field history is not enabled');
    };
    const report = await w.sync();
    expect(report.status).toBe('ok');
    expect(w.handovers(w.sales).map((h) => h.why)).toEqual([{ kind: 'decided', system: 'CRM' }]);
  });

  it('a second sync with nothing new, or a write that only mends drift, tells nothing', async () => {
    const w = world();
    await w.sync();
    w.reassign(1, 'bruno');
    await w.sync();
    const again = await w.sync();
    expect(again.notices).toEqual({ queued: 0, sent: 0, failed: 0, pending: 0 });
    // Marketing drifts from what CRM decided: spoc writes bruno back, but the POC did not change.
    const record = w.marketing.accounts.get('marketing1');
    if (record) record.roles.owner = { id: 'marketing-carla' };
    const mended = await w.sync();
    expect(mended.counts.written).toBe(1);
    expect(mended.notices?.queued).toBe(0);
    expect(w.sales.delivered).toHaveLength(1);
  });

  it('says an admin decided a console handover, and the fallback when the owner left', async () => {
    const w = world({
      notify: `notify:
  channels:
    - name: sales
      slack: { token: '\${SLACK}', channel: '#handovers' }`,
    });
    await w.sync();
    w.store.actions.record('settle', 'local', {}, [
      { account: 'crm:002', role: 'owner', email: 'carla@acme.test', reason: 'settled', openTickets: false },
    ]);
    await w.sync();
    expect(w.handovers(w.sales).map((h) => [h.account, h.previous?.email, h.next.email, h.why])).toEqual([
      ['crm:002', 'anna@acme.test', 'carla@acme.test', { kind: 'admin', action: 'settled' }],
    ]);
    expect(w.handovers(w.sales)[0]?.runUrl).toBeUndefined();
  });

  it('a channel that is down leaves the owners written and the run ok; the next run delivers', async () => {
    const w = world();
    await w.sync();
    w.reassign(1, 'bruno');
    w.sales.down = new NoticeDeliveryError('slack is down (503)');
    const report = await w.sync();
    expect(report.status).toBe('ok');
    expect(w.marketing.accounts.get('marketing1')?.roles.owner).toEqual({ id: 'marketing-bruno' });
    expect(report.notices).toEqual({ queued: 1, sent: 0, failed: 1, pending: 1 });
    expect(w.store.outbox.forRun(report.runId)).toMatchObject([
      { state: 'pending', attempts: 1, lastError: 'slack is down (503)' },
    ]);
    w.sales.down = null;
    const next = await w.sync();
    expect(next.notices).toEqual({ queued: 0, sent: 1, failed: 0, pending: 0 });
    expect(w.handovers(w.sales).map((h) => [h.account, h.next.email])).toEqual([['crm:001', 'bruno@acme.test']]);
    // Still named after the run that made the handover.
    expect(w.sales.keys()).toEqual([`handover:${report.runId}:crm:001:owner:sales`]);
  });

  it('stops delivering to a channel that asks to come back later, and leaves its notices for the next run', async () => {
    const w = world({ accounts: 3 });
    await w.sync();
    for (const a of [1, 2, 3]) w.reassign(a, 'bruno');
    w.sales.fail(1, new NoticeDeliveryError('rate limited', 30_000));
    const report = await w.sync();
    expect(report.notices).toEqual({ queued: 3, sent: 0, failed: 1, pending: 3 });
    expect(w.sales.attempts).toBe(1);
    expect((await w.sync()).notices).toEqual({ queued: 0, sent: 3, failed: 0, pending: 0 });
    expect(w.handovers(w.sales).map((h) => h.account)).toEqual(['crm:001', 'crm:002', 'crm:003']);
  });

  it('sends one digest to the channel above digestAbove handovers', async () => {
    const w = world({
      accounts: 4,
      notify: `notify:
  digestAbove: 2
  channels:
    - name: sales
      slack: { token: '\${SLACK}', channel: '#handovers' }`,
    });
    await w.sync();
    for (const a of [1, 2, 3]) w.reassign(a, 'bruno');
    const report = await w.sync();
    expect(w.sales.delivered).toHaveLength(1);
    const [digest] = w.sales.delivered;
    expect(digest?.key).toBe(`digest:${report.runId}:sales`);
    expect(digest?.notice).toMatchObject({ kind: 'digest', runId: report.runId });
    expect(digest?.notice.kind === 'digest' && digest.notice.handovers.map((h) => h.account)).toEqual([
      'crm:001',
      'crm:002',
      'crm:003',
    ]);
    // Two (not above 2) go one by one.
    w.reassign(1, 'carla');
    w.reassign(2, 'carla');
    await w.sync();
    expect(w.sales.delivered.slice(1).map((d) => d.notice.kind)).toEqual(['handover', 'handover']);
  });

  it('with directMessages, tells the new and the previous POC, each in one digest above digestAbove', async () => {
    const w = world({
      accounts: 3,
      notify: `notify:
  digestAbove: 1
  channels:
    - name: sales
      slack: { token: '\${SLACK}', channel: '#handovers', directMessages: true }
      roles: [owner]`,
    });
    await w.sync();
    w.reassign(1, 'bruno');
    w.reassign(2, 'carla');
    const report = await w.sync();
    const run = report.runId;
    // Two handovers: one digest for the channel; bruno and carla one each; anna hands over both: a digest.
    expect(w.sales.keys().sort()).toEqual(
      [
        `digest:${run}:sales`,
        `digest:${run}:sales:anna@acme.test`,
        `handover:${run}:crm:001:owner:sales:bruno@acme.test`,
        `handover:${run}:crm:002:owner:sales:carla@acme.test`,
      ].sort(),
    );
    const toBruno = w.sales.delivered.find((d) => d.recipient?.email === 'bruno@acme.test');
    expect(toBruno?.recipient).toEqual({ email: 'bruno@acme.test', name: 'Bruno Schmidt' });
    expect(toBruno?.notice).toMatchObject({ kind: 'handover', previous: { email: 'anna@acme.test' } });
    const toAnna = w.sales.delivered.find((d) => d.recipient?.email === 'anna@acme.test');
    expect(toAnna?.notice.kind === 'digest' && toAnna.notice.handovers.map((h) => h.next.email)).toEqual([
      'bruno@acme.test',
      'carla@acme.test',
    ]);
  });

  it('a dry run queues and sends nothing', async () => {
    const w = world();
    await w.sync();
    w.reassign(1, 'bruno');
    const plan = await w.sync({ dryRun: true });
    expect(plan.notices).toEqual({ queued: 0, sent: 0, failed: 0, pending: 0 });
    expect(w.sales.attempts).toBe(0);
    expect(w.store.outbox.counts()).toEqual({ pending: 0, sent: 0, failed: 0 });
  });
});

describe('run alerts', () => {
  it('a sync refused three times in a row alerts once, and clears once it passes', async () => {
    const w = world({ safety: 'safety: { maxChanges: 0, maxCascade: 100% }' });
    await w.sync();
    w.reassign(1, 'bruno');
    const refused = [await w.sync(), await w.sync(), await w.sync()];
    expect(refused.map((r) => r.status)).toEqual(['refused', 'refused', 'refused']);
    expect(refused.map((r) => r.notices?.queued)).toEqual([2, 0, 0]);
    const [raised] = w.alerts(w.ops);
    expect(w.alerts(w.ops)).toHaveLength(1);
    expect(raised).toMatchObject({
      problem: 'refused',
      state: 'raised',
      runId: refused[0]?.runId,
      counts: { accountRoles: 1, inScope: 2, changes: 2 },
      command: 'spoc sync --force -c spoc.yaml',
      runUrl: `https://spoc.example.com/runs/${encodeURIComponent(refused[0]?.runId ?? '')}`,
    });
    expect(raised?.message).toContain('maxChanges');
    // Slack takes both events: the same alert there.
    expect(w.alerts(w.sales)).toEqual([raised]);

    const forced = await w.sync({ force: true });
    expect(forced.status).toBe('ok');
    expect(w.alerts(w.ops).map((a) => [a.problem, a.state, a.runId])).toEqual([
      ['refused', 'raised', refused[0]?.runId],
      ['refused', 'cleared', forced.runId],
    ]);
    expect(w.store.outbox.activeAlerts()).toEqual([]);
    await w.sync();
    expect(w.alerts(w.ops)).toHaveLength(2);
  });

  it('record failures above the threshold raise an alert; a system refusing credentials is named', async () => {
    const w = world();
    await w.sync();
    w.reassign(1, 'bruno');
    w.helpdesk.refuse.add('helpdesk1');
    const partial = await w.sync();
    expect(partial.status).toBe('partial');
    expect(w.alerts(w.ops)).toMatchObject([
      { problem: 'record-failures', state: 'raised', counts: { failed: 1, written: 1, cascadeFailed: 0 } },
    ]);
    // The helpdesk write went through on the retry: cleared. Then the CRM refuses the token.
    w.helpdesk.refuse.clear();
    await w.sync();
    // The retried write is the same handover: told once.
    expect(w.handovers(w.sales).map((h) => [h.account, h.next.email])).toEqual([['crm:001', 'bruno@acme.test']]);
    w.crm.readAccounts = () => {
      throw new SpocError('auth', 'CRM_UNAUTHORIZED', 'the CRM refused the token', { system: 'crm' });
    };
    const failed = await w.sync();
    expect(failed.status).toBe('failed');
    expect(w.alerts(w.ops).map((a) => [a.problem, a.state, a.system])).toEqual([
      ['record-failures', 'raised', undefined],
      ['record-failures', 'cleared', undefined],
      ['credentials', 'raised', 'crm'],
    ]);
    expect(w.alerts(w.ops)[2]?.message).toBe('the CRM refused the token');
    // Failing again tells nothing new; a run that reads the CRM again clears it.
    await w.sync();
    expect(w.alerts(w.ops)).toHaveLength(3);
    w.crm.readAccounts = MemoryConnector.prototype.readAccounts;
    await w.sync();
    expect(w.alerts(w.ops).map((a) => [a.problem, a.state, a.system])[3]).toEqual(['credentials', 'cleared', 'crm']);
  });

  it('a daily API budget spent while writing is named by system', async () => {
    const w = world();
    await w.sync();
    w.reassign(1, 'bruno');
    w.helpdesk.writeAssignments = async () => {
      throw new SpocError('vendor', 'HELPDESK_DAILY_LIMIT', 'daily API limit reached', { system: 'helpdesk' });
    };
    const report = await w.sync();
    expect(report.status).toBe('partial');
    expect(w.alerts(w.ops).map((a) => [a.problem, a.system, a.message])).toEqual([
      ['daily-budget', 'helpdesk', 'daily API limit reached'],
      ['record-failures', undefined, '1 record failed (1 owner write, 0 cascaded); more than 0 raise an alert'],
    ]);
  });
});
