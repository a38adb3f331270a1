import type { SystemId } from '../domain/types.ts';
import type { ChangeRow, StoredRunStatus } from './run-log.ts';
import { StoreModule } from './store-db.ts';

export type FinishedRunStatus = Exclude<StoredRunStatus, 'running'>;

/** A finished run as /metrics and /readyz read it. */
export interface FinishedRun {
  id: string;
  status: FinishedRunStatus;
  dryRun: boolean;
  finishedAt: string;
  durationMs: number | null;
  /** The error that failed it, and the system it came from when it said (null before schema 9). */
  errorCode: string | null;
  errorSystem: SystemId | null;
}

/**
 * What the runs add up to, read from the run log for /metrics and /readyz: every process
 * serving them (the console, the scheduler) reports every run, whoever ran it, and a
 * restart loses nothing. Totals over all runs the file holds, each one aggregate query.
 */
export class RunMetrics extends StoreModule {
  /** Finished runs per status, dry runs apart. */
  runsByStatus(): { status: FinishedRunStatus; dryRun: boolean; count: number }[] {
    return (
      this.sql(
        `SELECT status, dry_run AS "dryRun", COUNT(*) AS count FROM runs WHERE status != 'running'
         GROUP BY status, dry_run ORDER BY status, dry_run`,
      ).all() as { status: FinishedRunStatus; dryRun: number; count: number }[]
    ).map((r) => ({ ...r, dryRun: r.dryRun === 1 }));
  }

  /**
   * The changes of syncs per system, role and result, as their reports gave them
   * (`planned` = not sent: refused by the guard, or stopped). Dry runs are left out: they
   * plan what a sync would write, and write nothing.
   */
  changeTotals(): { system: SystemId; role: string; result: ChangeRow['result']; count: number }[] {
    return this.sql(
      `SELECT c.system, c.role, c.result, SUM(c.count) AS count
       FROM run_changes c JOIN runs r ON r.id = c.run_id WHERE r.dry_run = 0
       GROUP BY c.system, c.role, c.result ORDER BY c.system, c.role, c.result`,
    ).all() as { system: SystemId; role: string; result: ChangeRow['result']; count: number }[];
  }

  /** Vendor calls per system, dry runs included: they call the vendors as a sync does. */
  callTotals(): { system: SystemId; calls: number; retries: number; throttled: number }[] {
    return this.sql(
      `SELECT system, SUM(calls) AS calls, SUM(retries) AS retries, SUM(throttled) AS throttled
       FROM run_calls GROUP BY system ORDER BY system`,
    ).all() as { system: SystemId; calls: number; retries: number; throttled: number }[];
  }

  /** Vendor calls per system of the runs started since `since` (ISO), e.g. today's share of a daily budget. */
  callsSince(since: string): { system: SystemId; calls: number; retries: number; throttled: number }[] {
    return this.sql(
      `SELECT c.system, SUM(c.calls) AS calls, SUM(c.retries) AS retries, SUM(c.throttled) AS throttled
       FROM run_calls c JOIN runs r ON r.id = c.run_id WHERE r.started_at >= ?
       GROUP BY c.system ORDER BY c.system`,
    ).all(since) as { system: SystemId; calls: number; retries: number; throttled: number }[];
  }

  /** Per system, the daily API usage the latest run that saw one read, and when that run ended. */
  dailyUsage(): { system: SystemId; used: number; limit: number; at: string }[] {
    return this.sql(
      `SELECT c.system, c.daily_used AS used, c.daily_limit AS "limit", r.finished_at AS at
       FROM run_calls c JOIN runs r ON r.id = c.run_id
       WHERE c.daily_used IS NOT NULL AND c.daily_limit IS NOT NULL AND r.finished_at IS NOT NULL
         AND r.finished_at = (SELECT MAX(r2.finished_at) FROM run_calls c2 JOIN runs r2 ON r2.id = c2.run_id
                              WHERE c2.system = c.system AND c2.daily_used IS NOT NULL)
       ORDER BY c.system`,
    ).all() as { system: SystemId; used: number; limit: number; at: string }[];
  }

  /** The latest run that failed on this system, with what it said (a refused token, a missing scope…). */
  lastFailureOn(
    system: SystemId,
  ): { runId: string; finishedAt: string; code: string | null; message: string | null } | undefined {
    return this.sql(
      `SELECT id AS "runId", finished_at AS "finishedAt", error_code AS code, error AS message FROM runs
       WHERE status = 'failed' AND error_system = ? AND finished_at IS NOT NULL ORDER BY finished_at DESC, rowid DESC LIMIT 1`,
    ).get(system) as { runId: string; finishedAt: string; code: string | null; message: string | null } | undefined;
  }

  /** How long each finished sync (not a dry run) took, where that is known. */
  syncDurationsMs(): number[] {
    return (
      this.sql('SELECT duration_ms AS ms FROM runs WHERE dry_run = 0 AND status != ? AND duration_ms IS NOT NULL').all(
        'running',
      ) as { ms: number }[]
    ).map((r) => r.ms);
  }

  /** The latest finished sync (not a dry run), and the latest that ended ok. */
  lastSync(status?: 'ok'): FinishedRun | undefined {
    const row = this.sql(
      `SELECT ${COLUMNS} FROM runs WHERE dry_run = 0 AND status != 'running' AND (CAST(? AS TEXT) IS NULL OR status = ?)
       ORDER BY finished_at DESC, rowid DESC LIMIT 1`,
    ).get(status ?? null, status ?? null) as RawFinished | undefined;
    return row ? finished(row) : undefined;
  }

  /**
   * The latest finished run, dry or not, that reached the systems: not one refused the
   * lock (it read nothing: no account counted) and not one found interrupted (it ended
   * unseen). What it says of each system is what /readyz tells.
   */
  lastReach(): FinishedRun | undefined {
    const row = this.sql(
      `SELECT ${COLUMNS} FROM runs
       WHERE status != 'running'
         AND NOT (status = 'refused' AND COALESCE(${this.dialect.jsonNumber('counts', 'accounts')}, 0) = 0)
         AND NOT (status = 'failed' AND COALESCE(error, '') = 'interrupted' AND error_code IS NULL)
       ORDER BY finished_at DESC, rowid DESC LIMIT 1`,
    ).get() as RawFinished | undefined;
    return row ? finished(row) : undefined;
  }
}

const COLUMNS =
  'id, status, dry_run AS "dryRun", finished_at AS "finishedAt", duration_ms AS "durationMs", error_code AS "errorCode", error_system AS "errorSystem"';

type RawFinished = Omit<FinishedRun, 'dryRun'> & { dryRun: number };

function finished(r: RawFinished): FinishedRun {
  return { ...r, dryRun: r.dryRun === 1 };
}
