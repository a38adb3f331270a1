import { type CheckResult, isSpocError } from '@spoc/core/connector';
import type { PipedriveApi } from './api.ts';
import type { FieldPlanCache } from './fields.ts';
import { currentUser } from './mapping.ts';

/**
 * Proves what a run needs in a few calls: the token (users/me), the organization fields
 * (every role field and cross-reference resolves to exactly one field of the right type,
 * by key or by label), organization read access (one record), and person read access
 * when the contact cascade is on.
 */
export async function checkPipedrive(
  api: PipedriveApi,
  fields: FieldPlanCache,
  options: { contacts: boolean },
  signal?: AbortSignal,
): Promise<CheckResult> {
  const problems: string[] = [];
  const details: Record<string, string | number> = {};
  try {
    const me = currentUser(await api.me(signal));
    if (me?.email) details.user = me.email;
  } catch (error) {
    // A rejected token fails every other call the same way: say it once.
    const message = error instanceof Error ? error.message : String(error);
    if (isSpocError(error) && error.kind === 'auth') return { ok: false, problems: [message] };
    problems.push(message);
  }
  const probe = async (what: () => Promise<unknown>): Promise<string[]> => {
    try {
      await what();
      return [];
    } catch (error) {
      return [error instanceof Error ? error.message : String(error)];
    }
  };
  const found = await Promise.all([
    (async () => {
      try {
        return (await fields.resolve(signal)).problems;
      } catch (error) {
        return [error instanceof Error ? error.message : String(error)];
      }
    })(),
    probe(() => api.organizations({ limit: 1 }, signal)),
    ...(options.contacts ? [probe(() => api.persons({ limit: 1 }, signal))] : []),
  ]);
  for (const list of found) problems.push(...list);
  return { ok: problems.length === 0, problems, ...(Object.keys(details).length > 0 ? { details } : {}) };
}
