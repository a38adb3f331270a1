import { ROLE_STATUSES, type SpocConfig, type StateStore } from '@spoc/core';
import { Counter, collectDefaultMetrics, Gauge, Histogram, Registry } from 'prom-client';
import { readiness } from './readiness.ts';

/** Seconds: a no-change run takes a few, a first sync of 100,000 accounts an hour or more. */
const DURATION_BUCKETS = [1, 5, 15, 30, 60, 120, 300, 600, 1800, 3600, 7200];

/**
 * The Prometheus registry /metrics serves (prom-client). Every spoc_* value is read from
 * the state store at each scrape, not counted in this process: the console reports the
 * runs the scheduler made, and a restart loses nothing. Counters are totals over every
 * run the file holds. Names follow https://prometheus.io/docs/practices/naming/.
 */
export function metricsRegistry(store: StateStore, config: SpocConfig, now: () => Date): Registry {
  const registry = new Registry();
  const registers = [registry];
  // The process's own: CPU, memory, event-loop lag, handles (prom-client's defaults).
  collectDefaultMetrics({ register: registry });

  new Counter({
    name: 'spoc_runs_total',
    help: 'Finished runs by outcome (ok, partial, refused, failed); dry_run="true" for sync --dry-run.',
    labelNames: ['status', 'dry_run'] as const,
    registers,
    collect() {
      this.reset();
      for (const r of store.metrics.runsByStatus()) this.inc({ status: r.status, dry_run: String(r.dryRun) }, r.count);
    },
  });
  new Gauge({
    name: 'spoc_runs_in_progress',
    help: 'Runs going on now (a live process holds them), 0 or 1: one run per state store.',
    registers,
    collect() {
      this.set(store.runs.liveRunIds().size);
    },
  });
  new Counter({
    name: 'spoc_changes_total',
    help: 'Owner writes of syncs (not dry runs) by system, role and result: written, failed, or planned (not sent: refused by the guard, or stopped).',
    labelNames: ['system', 'role', 'result'] as const,
    registers,
    collect() {
      this.reset();
      for (const c of store.metrics.changeTotals())
        this.inc({ system: c.system, role: c.role, result: c.result }, c.count);
    },
  });
  const calls = (name: string, help: string, pick: 'calls' | 'retries' | 'throttled') =>
    new Counter({
      name,
      help,
      labelNames: ['system'] as const,
      registers,
      collect() {
        this.reset();
        for (const c of store.metrics.callTotals()) this.inc({ system: c.system }, c[pick]);
      },
    });
  calls('spoc_api_calls_total', 'Vendor API calls by system, retries included (dry runs too).', 'calls');
  calls('spoc_api_retries_total', 'Vendor API calls retried (429, 5xx, network) by system.', 'retries');
  calls('spoc_api_throttled_total', 'Vendor API answers 429 Too Many Requests by system.', 'throttled');

  // The rate budget: the vendor's daily allocation as the latest run saw it (org- or
  // account-wide: other integrations count), and the share of it spoc may use.
  const daily = (name: string, help: string, pick: 'used' | 'limit') =>
    new Gauge({
      name,
      help,
      labelNames: ['system'] as const,
      registers,
      collect() {
        this.reset();
        for (const d of store.metrics.dailyUsage()) this.set({ system: d.system }, d[pick]);
      },
    });
  daily(
    'spoc_api_daily_used',
    'Requests used of the vendor daily allocation, as the latest run saw it (Salesforce, HubSpot).',
    'used',
  );
  daily(
    'spoc_api_daily_limit',
    'The vendor daily request allocation, as the latest run saw it (Salesforce, HubSpot).',
    'limit',
  );
  new Gauge({
    name: 'spoc_api_daily_share_ratio',
    help: 'The share of the daily allocation spoc may use where one is configured (systems.salesforce.dailyApiShare).',
    labelNames: ['system'] as const,
    registers,
    collect() {
      this.reset();
      for (const system of config.enabledSystems) {
        const share = dailyShareOf(config, system);
        if (share !== undefined) this.set({ system }, share);
      }
    },
  });

  new Histogram({
    name: 'spoc_run_duration_seconds',
    help: 'How long finished syncs (not dry runs) took.',
    buckets: DURATION_BUCKETS,
    registers,
    collect() {
      this.reset();
      for (const ms of store.metrics.syncDurationsMs()) this.observe(ms / 1000);
    },
  });
  new Gauge({
    name: 'spoc_last_run_duration_seconds',
    help: 'How long the latest finished sync (not a dry run) took; 0 before the first.',
    registers,
    collect() {
      this.reset();
      const last = store.metrics.lastSync();
      if (last?.durationMs != null) this.set(last.durationMs / 1000);
    },
  });
  new Gauge({
    name: 'spoc_last_run_timestamp_seconds',
    help: 'When the latest sync (not a dry run) finished, whatever its outcome (Unix time); 0 before the first.',
    registers,
    collect() {
      this.reset();
      const last = store.metrics.lastSync();
      if (last) this.set(Date.parse(last.finishedAt) / 1000);
    },
  });
  new Gauge({
    name: 'spoc_last_success_timestamp_seconds',
    help: 'When the latest sync that ended ok finished (Unix time); 0 before the first.',
    registers,
    collect() {
      this.reset();
      const ok = store.metrics.lastSync('ok');
      if (ok) this.set(Date.parse(ok.finishedAt) / 1000);
    },
  });
  new Gauge({
    name: 'spoc_last_success_age_seconds',
    help: 'Seconds since the latest sync that ended ok finished; +Inf before the first (so an age alert fires).',
    registers,
    collect() {
      const ok = store.metrics.lastSync('ok');
      this.set(ok ? Math.max(0, (now().getTime() - Date.parse(ok.finishedAt)) / 1000) : Number.POSITIVE_INFINITY);
    },
  });

  new Gauge({
    name: 'spoc_account_roles',
    help: 'Account-roles by role and status (consistent, fallback, drift, conflict, unresolvable, missing) after the latest sync.',
    labelNames: ['role', 'status'] as const,
    registers,
    collect() {
      this.reset();
      // Every role and status, 0 where none: a status that empties stays a series.
      for (const role of config.roles) for (const status of ROLE_STATUSES) this.set({ role: role.name, status }, 0);
      for (const r of store.ownership.summary()) this.set({ role: r.role, status: r.status }, r.count);
    },
  });
  new Gauge({
    name: 'spoc_consistency_ratio',
    help: "Share of account-roles every system agrees on, by role: the console overview's percentage, 0 to 1.",
    labelNames: ['role'] as const,
    registers,
    collect() {
      this.reset();
      const totals = new Map<string, { all: number; consistent: number }>();
      for (const r of store.ownership.summary()) {
        const t = totals.get(r.role) ?? { all: 0, consistent: 0 };
        t.all += r.count;
        if (r.status === 'consistent') t.consistent += r.count;
        totals.set(r.role, t);
      }
      for (const [role, t] of totals) this.set({ role }, t.all === 0 ? 1 : t.consistent / t.all);
    },
  });
  new Gauge({
    name: 'spoc_system_ready',
    help: 'Whether a system passed its connection check and the latest run that reached it did not fail there (1) or not (0), as /readyz says.',
    labelNames: ['system'] as const,
    registers,
    collect() {
      this.reset();
      for (const [system, s] of Object.entries(readiness(store, config).systems)) this.set({ system }, s.ok ? 1 : 0);
    },
  });
  return registry;
}

/** A system's configured share of its daily allocation (`dailyApiShare` in its settings), when it has one. */
export function dailyShareOf(config: SpocConfig, system: string): number | undefined {
  const share = (config.systems[system]?.settings as { dailyApiShare?: unknown } | undefined)?.dailyApiShare;
  return typeof share === 'number' ? share : undefined;
}
