import { type CheckResult, type ConnectorContext, SpocError } from '@spoc/core/connector';
import type { SalesforceApi } from './api.ts';
import { toSpocError } from './errors.ts';
import { DESCRIBED, type DescribeField } from './mapping.ts';

/**
 * Proves what a run needs, in 2–3 calls: by describe that every configured role field and
 * cross-reference exists on Account and is updateable, a lookup role field points at User,
 * an email role field holds text, the User fields listPeople reads exist, and (with the
 * contact cascade) Contact.OwnerId is updateable. Every problem names the object and field.
 * The Account describe goes first and also proves the session; the day's API usage comes
 * from the Sforce-Limit-Info header every response carries (no extra call for /limits).
 */
export async function checkSalesforce(
  api: SalesforceApi,
  ctx: ConnectorContext,
  options: { contacts: boolean },
  signal?: AbortSignal,
): Promise<CheckResult> {
  // A describe that fails gives its error, reported as a problem (or, for a refused session, alone).
  const describe = (type: string): Promise<Map<string, DescribeField> | SpocError> =>
    api.describe(type, signal).then(
      (d) => new Map(d.fields.map((f) => [f.name.toLowerCase(), f])),
      (error: unknown) => toSpocError(error),
    );
  const account = await describe(DESCRIBED.account);
  // A refused session fails every other call the same way: say it once.
  if (account instanceof SpocError && account.kind === 'auth') return { ok: false, problems: [account.message] };
  const [user, contact] = await Promise.all([
    describe(DESCRIBED.user),
    options.contacts ? describe(DESCRIBED.contact) : Promise.resolve(null),
  ]);
  const failed = (type: string, error: SpocError) => `cannot describe ${type}: ${error.message}`;

  const problems: string[] = [];
  if (account instanceof SpocError) problems.push(failed(DESCRIBED.account, account));
  else {
    for (const [role, mapping] of Object.entries(ctx.roles)) {
      const where = `${DESCRIBED.account}.${mapping.field} (role ${role})`;
      const field = account.get(mapping.field.toLowerCase());
      if (!field) problems.push(`${DESCRIBED.account} has no field ${mapping.field} (role ${role})`);
      else {
        if (!field.updateable) problems.push(`${where} is not updateable by spoc's Salesforce user`);
        if (mapping.value === 'id' && !pointsAt(field, DESCRIBED.personObject))
          problems.push(`${where} is not a lookup to ${DESCRIBED.personObject} (type ${field.type})`);
        if (mapping.value === 'email' && !TEXT_TYPES.has(field.type))
          problems.push(`${where} holds emails but is of type ${field.type}, not text`);
      }
    }
    for (const xref of ctx.xrefFields) {
      const field = account.get(xref.toLowerCase());
      if (!field) problems.push(`${DESCRIBED.account} has no field ${xref} (cross-reference)`);
      else if (!field.updateable && field.type !== 'id')
        problems.push(`${DESCRIBED.account}.${xref} (cross-reference) is not updateable by spoc's Salesforce user`);
    }
  }
  if (user instanceof SpocError) problems.push(failed(DESCRIBED.user, user));
  else {
    for (const name of DESCRIBED.userFields) {
      if (!user.has(name.toLowerCase()))
        problems.push(`${DESCRIBED.user}.${name} is not visible to spoc's Salesforce user`);
    }
  }
  if (contact instanceof SpocError) problems.push(failed(DESCRIBED.contact, contact));
  else if (contact) {
    for (const name of DESCRIBED.contactFields) {
      if (!contact.has(name.toLowerCase()))
        problems.push(`${DESCRIBED.contact} has no field ${name} (contact cascade)`);
    }
    if (contact.get(DESCRIBED.contactOwner.toLowerCase())?.updateable === false)
      problems.push(`${DESCRIBED.contact}.${DESCRIBED.contactOwner} is not updateable (contact cascade)`);
  }

  const usage = api.usage();
  const details = usage ? { apiUsed: usage.used, apiLimit: usage.max, apiRemaining: usage.max - usage.used } : {};
  return { ok: problems.length === 0, problems, details };
}

const TEXT_TYPES = new Set(['string', 'email', 'textarea']);

function pointsAt(field: DescribeField, object: string): boolean {
  return field.type === 'reference' && (field.referenceTo ?? []).includes(object);
}
