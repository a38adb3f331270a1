import { type ConnectorContext, SpocError } from '@spoc/core/connector';
import type { PipedriveApi } from './api.ts';
import {
  type FieldDefinition,
  type FieldPlan,
  holdsText,
  holdsUser,
  OWNER_DEFINITION,
  OWNER_FIELD,
  toFieldDefinition,
} from './mapping.ts';

/** What the config's field names resolve to, and what could not be resolved (one line each). */
export interface Resolution {
  plan: FieldPlan;
  problems: string[];
}

/** Every organization field definition, page by page (usually one call). */
export async function readFieldDefinitions(api: PipedriveApi, signal?: AbortSignal): Promise<FieldDefinition[]> {
  const defs: FieldDefinition[] = [];
  let cursor: string | undefined;
  do {
    const page = await api.organizationFields(cursor, signal);
    for (const raw of page.items) {
      const def = toFieldDefinition(raw);
      if (def) defs.push(def);
    }
    cursor = page.nextCursor ?? undefined;
  } while (cursor);
  return defs;
}

/**
 * Resolves the names the config gives (a role's field, a cross-reference field) against
 * the organization fields. A 40-character key names its field; otherwise the name is a
 * label, compared without case or surrounding spaces. A label matching no field, or
 * several (Pipedrive lets two custom fields share one), is a problem: spoc never guesses
 * which field to write.
 */
export function resolveFields(defs: FieldDefinition[], ctx: ConnectorContext): Resolution {
  const problems: string[] = [];
  const plan: FieldPlan = { roles: {}, xrefs: {} };
  for (const [role, mapping] of Object.entries(ctx.roles)) {
    const found = find(defs, mapping.field, `role ${role}`);
    if ('problem' in found) problems.push(found.problem);
    else if (!holdsUser(found.def))
      problems.push(
        `Pipedrive organization field "${mapping.field}" (role ${role}) is of type ${found.def.type}, not user: it cannot hold an owner`,
      );
    else plan.roles[role] = found.def;
  }
  for (const name of ctx.xrefFields) {
    const found = find(defs, name, 'cross-reference');
    if ('problem' in found) problems.push(found.problem);
    else if (!holdsText(found.def))
      problems.push(
        `Pipedrive organization field "${name}" (cross-reference) is of type ${found.def.type}, not text: it cannot hold another system's id`,
      );
    else plan.xrefs[name] = found.def;
  }
  return { plan, problems };
}

function find(defs: FieldDefinition[], name: string, purpose: string): { def: FieldDefinition } | { problem: string } {
  if (name === OWNER_FIELD) return { def: defs.find((d) => d.key === OWNER_FIELD) ?? OWNER_DEFINITION };
  const byKey = defs.find((d) => d.key === name);
  if (byKey) return { def: byKey };
  const label = name.trim().toLowerCase();
  const byLabel = defs.filter((d) => d.label.trim().toLowerCase() === label);
  if (byLabel.length === 1 && byLabel[0]) return { def: byLabel[0] };
  if (byLabel.length === 0) return { problem: `Pipedrive has no organization field named "${name}" (${purpose})` };
  return {
    problem: `"${name}" (${purpose}) names ${byLabel.length} Pipedrive organization fields (keys ${byLabel
      .map((d) => d.key)
      .join(', ')}): name the field by its key`,
  };
}

/**
 * The field plan a run reads and writes by, resolved once per connector (check() does it
 * first; a run whose check was skipped resolves on its first read or write). A failed
 * read of the definitions is not kept, so the next call tries again.
 */
export function fieldPlanCache(api: PipedriveApi, ctx: ConnectorContext) {
  let pending: Promise<Resolution> | null = null;
  const resolve = (signal?: AbortSignal): Promise<Resolution> => {
    pending ??= readFieldDefinitions(api, signal)
      .then((defs) => resolveFields(defs, ctx))
      .catch((error: unknown) => {
        pending = null;
        throw error;
      });
    return pending;
  };
  return {
    /** Resolves (once) and reports problems: what check() uses. */
    resolve,
    /** The plan, or a config error naming every field that could not be resolved. */
    async plan(signal?: AbortSignal): Promise<FieldPlan> {
      const { plan, problems } = await resolve(signal);
      if (problems.length > 0)
        throw new SpocError('config', 'PIPEDRIVE_FIELDS', problems.join('; '), { system: 'pipedrive' });
      return plan;
    },
  };
}

export type FieldPlanCache = ReturnType<typeof fieldPlanCache>;

/** Custom field keys the read needs (Pipedrive returns only those when asked, at most 15). */
export function customKeys(plan: FieldPlan): string[] | undefined {
  const keys = new Set<string>();
  for (const def of [...Object.values(plan.roles), ...Object.values(plan.xrefs)]) if (def.custom) keys.add(def.key);
  // None wanted, or more than Pipedrive takes: every custom field comes back.
  return keys.size === 0 || keys.size > 15 ? undefined : [...keys];
}
