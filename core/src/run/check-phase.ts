import { createHash } from 'node:crypto';
import type { Connector } from '../domain/connector.ts';
import type { SystemId } from '../domain/types.ts';
import { SpocError, toErrorInfo } from '../errors/spoc-error.ts';
import { failSpan, inSpan, markFailed } from '../telemetry/spans.ts';
import type { RunDeps } from './run-types.ts';

/**
 * The check phase: each connector proves its credentials, scopes and fields before
 * anything is read, when it is due (see below). A problem fails the run (kind auth).
 */
export async function checkConnections(deps: RunDeps, at: Date, signal?: AbortSignal): Promise<void> {
  const due = connectorsDueForCheck(deps, at);
  const problems = await checkAll(due, signal);
  if (problems.length > 0) {
    // One system failing is named, so a credentials alert says which.
    const systems = [...new Set(problems.map((p) => p.system))];
    throw new SpocError(
      'auth',
      'CHECK_FAILED',
      `connection check failed:\n  ${problems.map((p) => `${p.system}: ${p.problem}`).join('\n  ')}`,
      systems.length === 1 && systems[0] ? { system: systems[0] } : {},
    );
  }
  recordChecks(deps, due, at);
}

const CHECK_EVERY_MS = 24 * 3600_000;

/**
 * A connection check (scopes, fields, describe) costs several calls, so it runs when a
 * system's config changed or a day has passed, not on every run: a no-change run must
 * stay at a few calls per vendor. A revoked token still fails the run on its first call.
 */
function connectorsDueForCheck(deps: RunDeps, now: Date): Connector[] {
  return deps.connectors.filter((c) => {
    const last = deps.store.mirror.getCursor(c.system, 'check');
    if (!last) return true;
    const { at, fingerprint } = JSON.parse(last) as { at: string; fingerprint: string };
    return fingerprint !== checkFingerprint(deps, c.system) || now.getTime() - Date.parse(at) > CHECK_EVERY_MS;
  });
}

function recordChecks(deps: RunDeps, connectors: Connector[], now: Date): void {
  for (const c of connectors) {
    deps.store.mirror.setCursor(
      c.system,
      'check',
      JSON.stringify({ at: now.toISOString(), fingerprint: checkFingerprint(deps, c.system) }),
    );
  }
}

/** What a check depends on: the system's settings and the fields spoc uses there (hashed: it holds secrets). */
function checkFingerprint(deps: RunDeps, system: SystemId): string {
  const { config } = deps;
  const fields = config.roles.map((r) => [r.name, r.fields[system] ?? null]);
  const xrefs = config.link.map((l) => (l.kind === 'xref' ? (l.fields[system] ?? null) : 'domain'));
  return createHash('sha256')
    .update(JSON.stringify([config.systems[system] ?? null, fields, xrefs]))
    .digest('hex');
}

async function checkAll(
  connectors: Connector[],
  signal?: AbortSignal,
): Promise<{ system: SystemId; problem: string }[]> {
  const results = await Promise.all(
    connectors.map((c) =>
      inSpan(
        'spoc.check.system',
        { 'spoc.system': c.system },
        async (span) => {
          try {
            const check = await c.check(signal);
            span.setAttribute('spoc.check.problems', check.problems.length);
            if (check.problems.length > 0) markFailed(span, { code: 'CHECK_FAILED', kind: 'auth' });
            return check.problems.map((problem) => ({ system: c.system, problem }));
          } catch (error) {
            failSpan(span, error);
            return [{ system: c.system, problem: toErrorInfo(error).message }];
          }
        },
        { system: c.system, what: 'check' },
      ),
    ),
  );
  return results.flat();
}
