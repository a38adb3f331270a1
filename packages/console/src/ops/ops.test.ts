import { mkdtempSync } from 'node:fs';
import type { AddressInfo } from 'node:net';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { openStore, parseConfig, type RunReport, runSync, type SpocConfig, type StateStore } from '@spoc/core';
import type { AssignmentWrite, CheckResult } from '@spoc/core/connector';
import { MemoryConnector } from '@spoc/core/testing';
import type { FastifyInstance } from 'fastify';
import parsePrometheus, { type MetricFamily } from 'parse-prometheus-text-format';
import { pino } from 'pino';
import { afterEach, beforeEach, describe, expect, it } from 'vitest';
import { buildConsole } from '../server.ts';
import { WORLD_CONFIG, WORLD_REGISTRY, WORLD_SECRETS, worldAccounts, worldPeople } from '../testing-world.ts';
import { startOpsServer } from './server.ts';

/** A vendor in memory that counts its calls as a connector's rate gate does (and can fail its check). */
class CountingVendor extends MemoryConnector {
  private counted = { calls: 0, retries: 0, throttled: 0 };
  /** The check's answer: a problem fails it (a revoked token, a missing scope). */
  problem: string | null = null;

  override async check(): Promise<CheckResult> {
    this.counted.calls++;
    return this.problem ? { ok: false, problems: [this.problem] } : super.check();
  }
  override async *listPeople() {
    this.counted.calls++;
    yield* super.listPeople();
  }
  override async *readAccounts() {
    // Each read meets one 429 and its retry.
    this.counted = {
      calls: this.counted.calls + 2,
      retries: this.counted.retries + 1,
      throttled: this.counted.throttled + 1,
    };
    yield* super.readAccounts();
  }
  override async writeAssignments(writes: AssignmentWrite[]) {
    this.counted.calls++;
    return super.writeAssignments(writes);
  }
  override stats() {
    return { ...this.counted };
  }
}

const silent = pino({ level: 'silent' });
const TOKEN = 'metrics-token-0123456789abcdefghijklmnop';
let store: StateStore;
let config: SpocConfig;
let vendors: CountingVendor[];
const apps: FastifyInstance[] = [];

beforeEach(() => {
  const path = join(mkdtempSync(join(tmpdir(), 'spoc-ops-')), 'state.db');
  config = parseConfig(WORLD_CONFIG.replace('STATE', path), 'spoc.yaml', WORLD_REGISTRY, WORLD_SECRETS);
  store = openStore(path);
  vendors = (['hubspot', 'salesforce', 'zendesk'] as const).map(
    (s) =>
      new CountingVendor(
        s,
        worldPeople(s),
        worldAccounts(s),
        s === 'zendesk' ? { owner: 'id', csm: 'email' } : { owner: 'id', csm: 'id' },
      ),
  );
});
afterEach(async () => {
  for (const app of apps.splice(0)) await app.close();
  store.close();
});

const vendor = (s: string) => vendors.find((v) => v.system === s) as CountingVendor;
const sync = (options: { force?: boolean; dryRun?: boolean; now?: () => Date } = {}) =>
  runSync(
    { config, connectors: vendors, store, logger: silent },
    {
      dryRun: options.dryRun ?? false,
      full: false,
      force: options.force ?? false,
      ...(options.now ? { now: options.now } : {}),
    },
  );

async function consoleApp(options: { token?: string; now?: () => Date } = {}) {
  const app = await buildConsole({
    config,
    store,
    ...(options.token ? { host: '0.0.0.0', token: options.token } : {}),
    ...(options.now ? { now: options.now } : {}),
  });
  await app.listen({ host: '127.0.0.1', port: 0 });
  apps.push(app);
  const port = (app.server.address() as AddressInfo).port;
  return (url: string, headers: Record<string, string> = {}) =>
    app.inject({ url, headers: { host: `127.0.0.1:${port}`, ...headers } });
}

/** The samples of one metric family as `labels → value`, labels written `k=v,k=v` in label order. */
function samples(families: MetricFamily[], name: string): Record<string, number> {
  const family = families.find((f) => f.name === name);
  if (!family) return {};
  return Object.fromEntries(
    family.metrics.map((m) => [
      Object.entries(m.labels ?? {})
        .map(([k, v]) => `${k}=${v}`)
        .join(','),
      promNumber(m.value),
    ]),
  );
}

/** A sample value as the text format writes it (Go's float syntax: +Inf, -Inf, NaN). */
function promNumber(text: string | undefined): number {
  if (text === '+Inf') return Number.POSITIVE_INFINITY;
  if (text === '-Inf') return Number.NEGATIVE_INFINITY;
  return Number(text);
}

/** What the reports say, in the metrics' terms. */
function changesOf(reports: RunReport[]): Record<string, number> {
  const out: Record<string, number> = {};
  for (const c of reports.flatMap((r) => r.changes)) {
    const key = `system=${c.system},role=${c.role},result=${c.result}`;
    out[key] = (out[key] ?? 0) + 1;
  }
  return out;
}
function callsOf(reports: RunReport[], pick: 'calls' | 'retries' | 'throttled'): Record<string, number> {
  const out: Record<string, number> = {};
  for (const r of reports)
    for (const [system, s] of Object.entries(r.calls ?? {}))
      out[`system=${system}`] = (out[`system=${system}`] ?? 0) + s[pick];
  return out;
}

describe('/metrics', () => {
  it('counts what the runs’ reports say: outcomes, writes per system, role and result, vendor calls and 429s, duration, consistency', async () => {
    // The guard (maxChanges 1) refuses the first run; the forced one writes, and HubSpot refuses customer 2.
    const refused = await sync();
    expect(refused.status).toBe('refused');
    vendor('hubspot').refuse.add('hubspot2');
    const before = vendor('hubspot').stats().calls;
    const forced = await sync({ force: true });
    expect(forced.status).toBe('partial');
    expect(forced.counts).toMatchObject({ written: 1, failed: 1 });
    // A run's calls are its own, not the connector's since it was made (`spoc schedule` keeps one).
    expect(forced.calls?.hubspot?.calls).toBe(vendor('hubspot').stats().calls - before);
    const dry = await sync({ dryRun: true });
    const get = await consoleApp();

    const response = await get('/metrics');
    expect(response.statusCode).toBe(200);
    expect(response.headers['content-type']).toMatch(/^text\/plain; version=0\.0\.4/);
    const metrics = parsePrometheus(response.body);
    expect(samples(metrics, 'spoc_runs_total')).toEqual({
      'status=ok,dry_run=true': 1,
      'status=partial,dry_run=false': 1,
      'status=refused,dry_run=false': 1,
    });
    // The syncs' changes (the dry run's plan is none), exactly as their reports tallied them.
    expect(samples(metrics, 'spoc_changes_total')).toEqual(changesOf([refused, forced]));
    expect(samples(metrics, 'spoc_changes_total')).toMatchObject({
      'system=hubspot,role=owner,result=written': 1,
      'system=hubspot,role=owner,result=failed': 1,
      'system=hubspot,role=owner,result=planned': 2,
    });
    // Calls: every run's, dry runs too.
    const runs = [refused, forced, dry];
    expect(samples(metrics, 'spoc_api_calls_total')).toEqual(callsOf(runs, 'calls'));
    expect(samples(metrics, 'spoc_api_retries_total')).toEqual(callsOf(runs, 'retries'));
    expect(samples(metrics, 'spoc_api_throttled_total')).toEqual(callsOf(runs, 'throttled'));
    expect(samples(metrics, 'spoc_api_throttled_total')['system=zendesk']).toBe(3);

    expect(samples(metrics, 'spoc_last_run_duration_seconds')).toEqual({ '': (forced.durationMs ?? 0) / 1000 });
    const durations = metrics.find((f) => f.name === 'spoc_run_duration_seconds')?.metrics[0];
    expect(Number(durations?.count)).toBe(2);
    expect(Number(durations?.sum)).toBeCloseTo(((refused.durationMs ?? 0) + (forced.durationMs ?? 0)) / 1000, 6);
    // No sync has ended ok yet: the last success is infinitely old (an age alert fires).
    expect(samples(metrics, 'spoc_last_success_age_seconds')).toEqual({ '': Number.POSITIVE_INFINITY });
    expect(samples(metrics, 'spoc_last_success_timestamp_seconds')).toEqual({ '': 0 });

    const overview = (await get('/api/overview')).json() as { perRole: { role: string; percent: number }[] };
    const ratio = samples(metrics, 'spoc_consistency_ratio');
    for (const r of overview.perRole) expect(ratio[`role=${r.role}`]).toBeCloseTo(r.percent / 100, 9);
    expect(samples(metrics, 'spoc_account_roles')['role=owner,status=consistent']).toBe(5);
    expect(samples(metrics, 'spoc_system_ready')).toEqual({
      'system=hubspot': 1,
      'system=salesforce': 1,
      'system=zendesk': 1,
    });
    // prom-client's process metrics come along.
    expect(metrics.some((f) => f.name === 'process_cpu_user_seconds_total')).toBe(true);
  });

  it('tells the age of the latest sync that ended ok, from the store, in a process that ran none', async () => {
    const ok = await sync({ force: true });
    expect(ok.status).toBe('ok');
    const finishedAt = Date.parse(store.runs.get(ok.runId)?.finishedAt ?? '');
    // A console started later (another process, a restart) reads the same.
    const get = await consoleApp({ now: () => new Date(finishedAt + 90_000) });
    const metrics = parsePrometheus((await get('/metrics')).body);
    expect(samples(metrics, 'spoc_last_success_age_seconds')).toEqual({ '': 90 });
    expect(samples(metrics, 'spoc_last_success_timestamp_seconds')).toEqual({ '': finishedAt / 1000 });
    expect(samples(metrics, 'spoc_runs_total')).toEqual({ 'status=ok,dry_run=false': 1 });
  });

  it('with a console token, /metrics answers 401 without it and 200 with it as a bearer; the probes need none', async () => {
    await sync({ force: true });
    const get = await consoleApp({ token: TOKEN });
    const refused = await get('/metrics');
    expect(refused.statusCode).toBe(401);
    expect(refused.body).not.toContain('spoc_');
    expect((await get('/metrics', { authorization: 'Bearer wrong-token-0123456789abcdefghijklmn' })).statusCode).toBe(
      401,
    );
    const scraped = await get('/metrics', { authorization: `Bearer ${TOKEN}` });
    expect(scraped.statusCode).toBe(200);
    expect(scraped.body).toContain('spoc_runs_total{status="ok",dry_run="false"} 1');
    expect((await get('/healthz')).statusCode).toBe(200);
    expect((await get('/readyz')).statusCode).toBe(200);
    // The rest of the console still asks for it.
    expect((await get('/api/overview')).statusCode).toBe(401);
  });
});

describe('/healthz and /readyz', () => {
  it('/healthz is 200 while the state store answers and 503 once it does not, without saying why', async () => {
    const get = await consoleApp();
    const up = await get('/healthz');
    expect(up.statusCode).toBe(200);
    expect(up.json()).toEqual({ status: 'ok' });
    store.close();
    for (const path of ['/healthz', '/readyz', '/metrics']) {
      const down = await get(path);
      expect(down.statusCode).toBe(503);
      expect(down.json()).toEqual({ error: 'the state store does not answer' });
    }
  });

  it('/readyz is 503 before any run, 200 once every system passed its check, 503 naming the system whose check then fails', async () => {
    const get = await consoleApp();
    const fresh = await get('/readyz');
    expect(fresh.statusCode).toBe(503);
    expect(fresh.json()).toMatchObject({ ready: false, failing: ['hubspot', 'salesforce', 'zendesk'], lastRun: null });

    const ok = await sync({ force: true });
    const ready = await get('/readyz');
    expect(ready.statusCode).toBe(200);
    expect(ready.json()).toMatchObject({
      ready: true,
      failing: [],
      lastRun: { status: 'ok', dryRun: false },
      systems: { hubspot: { ok: true, checkedAt: expect.any(String) } },
    });

    // A day later the check runs again, and Zendesk's token was revoked.
    vendor('zendesk').problem = 'the API token was revoked';
    const dayLater = new Date(Date.parse(store.runs.get(ok.runId)?.finishedAt ?? '') + 25 * 3600_000);
    const failed = await sync({ now: () => dayLater });
    expect(failed.status).toBe('failed');
    const notReady = await get('/readyz');
    expect(notReady.statusCode).toBe(503);
    expect(notReady.json()).toMatchObject({
      ready: false,
      failing: ['zendesk'],
      systems: {
        hubspot: { ok: true },
        zendesk: { ok: false, reason: 'the latest run failed here: CHECK_FAILED' },
      },
      lastRun: { status: 'failed', errorCode: 'CHECK_FAILED' },
    });
    // It reveals no data: no message, no record, no person.
    expect(notReady.body).not.toContain('revoked');
    expect(samples(parsePrometheus((await get('/metrics')).body), 'spoc_system_ready')).toEqual({
      'system=hubspot': 1,
      'system=salesforce': 1,
      'system=zendesk': 0,
    });

    // The token is replaced: the next run passes and Zendesk is ready again.
    vendor('zendesk').problem = null;
    await sync({ now: () => dayLater });
    expect((await get('/readyz')).statusCode).toBe(200);
  });
});

describe('startOpsServer (spoc schedule --port)', () => {
  it('serves the same three endpoints on its own port, behind the console token', async () => {
    const report = await sync({ force: true });
    const server = await startOpsServer({ config, store, host: '127.0.0.1', port: 0, token: TOKEN });
    try {
      expect(server.url).toMatch(/^http:\/\/127\.0\.0\.1:\d+$/);
      expect((await fetch(`${server.url}/healthz`)).status).toBe(200);
      expect((await fetch(`${server.url}/readyz`)).status).toBe(200);
      expect((await fetch(`${server.url}/metrics`)).status).toBe(401);
      const scraped = await fetch(`${server.url}/metrics`, { headers: { authorization: `Bearer ${TOKEN}` } });
      expect(scraped.status).toBe(200);
      expect(samples(parsePrometheus(await scraped.text()), 'spoc_api_calls_total')).toEqual(
        callsOf([report], 'calls'),
      );
    } finally {
      await server.close();
    }
  });

  it('will not bind beyond loopback without a token', async () => {
    await expect(startOpsServer({ config, store, host: '0.0.0.0', port: 0 })).rejects.toThrow(
      /needs a token: set SPOC_CONSOLE_TOKEN/,
    );
  });
});
