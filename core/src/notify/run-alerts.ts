import type { RunProblem } from './notice.ts';

/** A problem a run found, per system where one is concerned ('' otherwise). */
export interface FoundProblem {
  problem: RunProblem;
  system: string;
  message: string;
  counts?: Record<string, number>;
  command?: string;
}

/** What a run tells about the problems: those it found, and which it was in a position to see. */
export interface RunFindings {
  found: FoundProblem[];
  /** Whether the run could have seen this problem: only then does its absence clear an alert. */
  evaluated(problem: RunProblem): boolean;
}

/** How a run ended, as the alerts read it (a masked report, and what the run knew besides). */
export interface RunEnding {
  status: 'ok' | 'partial' | 'refused' | 'failed';
  message?: string;
  error?: { code: string; kind: string };
  /** The system the error that failed the run came from, when it said. */
  errorSystem?: string;
  counts: { accountRoles: number; inScope: number; changes: number; written: number; failed: number };
  /** Record-level failures of cascades (contacts, tickets that did not move). */
  cascadeFailures: number;
  /** Errors of the writes that failed, with their system. */
  writeErrors: { system: string; code: string; kind: string; message: string }[];
  /** The command that applies a refused plan. */
  forceCommand: string;
}

/** The daily API budget: each connector names its error `<VENDOR>_DAILY_LIMIT`. */
const DAILY = /_DAILY_LIMIT$/;

/**
 * The problems a run found, and those it could have found. A failed run saw only the
 * error that stopped it (nothing it did not reach is cleared); a refused run read every
 * system (credentials and budgets are fine) but wrote nothing (failures stay as they
 * were); a finished run saw everything.
 */
export function findingsOf(run: RunEnding, alertOnFailuresAbove: number): RunFindings {
  if (run.status === 'failed') {
    const system = run.errorSystem ?? '';
    const message = run.message ?? 'the run failed';
    const problem: RunProblem =
      run.error?.kind === 'auth' ? 'credentials' : DAILY.test(run.error?.code ?? '') ? 'daily-budget' : 'failed';
    return { found: [{ problem, system, message }], evaluated: () => false };
  }
  if (run.status === 'refused') {
    return {
      found: [
        {
          problem: 'refused',
          system: '',
          message: run.message ?? 'the safety guard refused the plan',
          counts: { accountRoles: run.counts.accountRoles, inScope: run.counts.inScope, changes: run.counts.changes },
          command: run.forceCommand,
        },
      ],
      evaluated: (p) => p !== 'record-failures',
    };
  }
  const found: FoundProblem[] = [];
  // A system that stopped taking writes (credentials revoked mid-run, its daily budget spent) is told by name.
  const stopped = new Map<string, FoundProblem>();
  for (const e of run.writeErrors) {
    const problem: RunProblem | null = e.kind === 'auth' ? 'credentials' : DAILY.test(e.code) ? 'daily-budget' : null;
    if (problem && !stopped.has(`${problem}\u0000${e.system}`))
      stopped.set(`${problem}\u0000${e.system}`, { problem, system: e.system, message: e.message });
  }
  found.push(...stopped.values());
  const failures = run.counts.failed + run.cascadeFailures;
  if (failures > alertOnFailuresAbove)
    found.push({
      problem: 'record-failures',
      system: '',
      message: `${failures} record${failures === 1 ? '' : 's'} failed (${run.counts.failed} owner write${run.counts.failed === 1 ? '' : 's'}, ${run.cascadeFailures} cascaded); more than ${alertOnFailuresAbove} raise an alert`,
      counts: { failed: run.counts.failed, written: run.counts.written, cascadeFailed: run.cascadeFailures },
    });
  return { found, evaluated: () => true };
}

/** The alerts to raise (found, not active) and to clear (active, seen gone). Still active: nothing. */
export function alertTransitions(
  active: readonly { problem: RunProblem; system: string }[],
  findings: RunFindings,
): { raised: FoundProblem[]; cleared: { problem: RunProblem; system: string }[] } {
  const key = (p: { problem: string; system: string }) => `${p.problem}\u0000${p.system}`;
  const activeKeys = new Set(active.map(key));
  const foundKeys = new Set(findings.found.map(key));
  return {
    raised: findings.found.filter(
      (f, i) => !activeKeys.has(key(f)) && findings.found.findIndex((g) => key(g) === key(f)) === i,
    ),
    cleared: active
      .filter((a) => !foundKeys.has(key(a)) && findings.evaluated(a.problem))
      .map((a) => ({ problem: a.problem, system: a.system })),
  };
}

/** `spoc sync --force -c <config>`, the path quoted for a shell when it needs it. */
export function forceCommand(configPath: string): string {
  const quoted = /^[\w@%+=:,./-]+$/.test(configPath) ? configPath : `'${configPath.replaceAll("'", "'\\''")}'`;
  return `spoc sync --force -c ${quoted}`;
}
