import type { CheckResult, ConnectorContext } from '@spoc/core/connector';
import type { ZendeskApi } from './api.ts';
import {
  credentialsProblem,
  type FieldDefinition,
  fieldProblem,
  isFieldXref,
  ME,
  ORGANIZATION_FIELDS,
  organizationFieldDefinitions,
} from './mapping.ts';

/**
 * Proves what a run needs, in two calls (more for over 100 fields): that the credentials are an admin's (users/me)
 * and that every role field and cross-reference exists as an organization field of the
 * right type (the field definitions).
 */
export async function checkZendesk(api: ZendeskApi, ctx: ConnectorContext, signal?: AbortSignal): Promise<CheckResult> {
  const problems: string[] = [];
  try {
    const me = await api.get(ME, signal);
    const who = credentialsProblem(me.result);
    if (who) problems.push(who);
    // Every page: an account with over 100 fields has the role field on a later one.
    const defs = new Map<string, FieldDefinition>();
    for await (const page of api.pages(ORGANIZATION_FIELDS, signal)) organizationFieldDefinitions(page.result, defs);
    for (const [role, mapping] of Object.entries(ctx.roles)) {
      const problem = fieldProblem(defs.get(mapping.field), mapping.field, mapping.value);
      if (problem) problems.push(`${problem} (role ${role})`);
    }
    for (const xref of ctx.xrefFields) {
      if (isFieldXref(xref) && !defs.has(xref))
        problems.push(`Zendesk has no organization field "${xref}" (cross-reference)`);
    }
  } catch (error) {
    problems.push(error instanceof Error ? error.message : String(error));
  }
  return { ok: problems.length === 0, problems };
}
