import type { CheckResult, ConnectorContext } from '@spoc/core/connector';
import type { FreshdeskApi } from './api.ts';
import { COMPANY_FIELDS, companyFieldDefinitions, credentialsProblem, fieldProblem, ME } from './mapping.ts';

/**
 * Proves what a run needs, in two calls: that the API key is an agent's (agents/me) and
 * that every role field exists as a company field of the right type (text for an email,
 * a dropdown for agent choices), and every cross-reference field exists. Reports the
 * plan's limit (X-RateLimit-Total) and warns when the config paces above it.
 */
export async function checkFreshdesk(
  api: FreshdeskApi,
  ctx: ConnectorContext,
  perMinute: number,
  signal?: AbortSignal,
): Promise<CheckResult> {
  const problems: string[] = [];
  const details: Record<string, number> = {};
  try {
    const me = await api.get(ME, signal);
    const who = credentialsProblem(me.body);
    if (who) problems.push(who);
    if (me.rateLimitTotal !== null) {
      details.rateLimitPerMinute = me.rateLimitTotal;
      // Pacing above the plan's limit is not fatal (429s are waited out), but each one costs a wait.
      if (me.rateLimitTotal < perMinute)
        ctx.logger.warn(
          { planPerMinute: me.rateLimitTotal, configuredPerMinute: perMinute },
          'rateLimit.perMinute is above the Freshdesk plan’s limit: expect 429s; set it to the plan’s',
        );
    }
    const defs = companyFieldDefinitions((await api.get(COMPANY_FIELDS, signal)).body);
    for (const [role, mapping] of Object.entries(ctx.roles)) {
      const problem = fieldProblem(defs.get(mapping.field), mapping.field, mapping.value);
      if (problem) problems.push(`${problem} (role ${role})`);
    }
    for (const xref of ctx.xrefFields) {
      if (!defs.has(xref)) problems.push(`Freshdesk has no company field "${xref}" (cross-reference)`);
    }
  } catch (error) {
    problems.push(error instanceof Error ? error.message : String(error));
  }
  return { ok: problems.length === 0, problems, details };
}
