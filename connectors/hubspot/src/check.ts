import type { CheckResult, ConnectorContext } from '@spoc/core/connector';
import type { HubspotApi } from './api.ts';
import { toSpocError } from './errors.ts';
import { companyProperties, STANDARD_COMPANY_PROPERTIES, toPropertyIndex } from './mapping.ts';

/**
 * Proves, in a handful of calls, what a run needs: the token (owners, 1 record), company
 * read (1 record with the run's properties), that every configured property exists and
 * the role properties are writable (the property list, 1 call), the company write scope
 * (an empty batch update, which changes nothing), and the contact scopes when the contact
 * cascade is on.
 */
export async function checkHubspot(
  api: HubspotApi,
  ctx: ConnectorContext,
  options: { contacts: boolean },
  signal?: AbortSignal,
): Promise<CheckResult> {
  const problems: string[] = [];
  const details: Record<string, string | number> = {};
  const problem = (error: unknown, purpose: string) => {
    const e = toSpocError(error);
    if (e.code === 'HUBSPOT_MISSING_SCOPES') return `${e.message} (needed for ${purpose})`;
    return e.message;
  };

  try {
    await api.owners(false, undefined, 1, signal);
  } catch (error) {
    const e = toSpocError(error);
    // A rejected token fails every other call the same way: say it once.
    if (e.kind === 'auth' && e.code !== 'HUBSPOT_MISSING_SCOPES') return { ok: false, problems: [e.message] };
    problems.push(problem(e, 'reading owners'));
  }

  const properties = companyProperties(ctx);
  const readCompanies = async (): Promise<string[]> => {
    try {
      await api.list('companies', 1, undefined, properties, signal);
      return [];
    } catch (error) {
      return [problem(error, 'reading companies')];
    }
  };
  const checkProperties = async (): Promise<string[]> => {
    let index: ReturnType<typeof toPropertyIndex>;
    try {
      index = toPropertyIndex(await api.properties('companies', signal));
    } catch (error) {
      const e = toSpocError(error);
      // Reading property definitions may need a schema scope the sync itself does not:
      // not being able to verify them is worth a note, not a failed check.
      if (e.code !== 'HUBSPOT_MISSING_SCOPES') return [e.message];
      details.properties = `not verified: ${e.message}`;
      return [];
    }
    const found: string[] = [];
    for (const name of properties) {
      if (!STANDARD_COMPANY_PROPERTIES.includes(name) && !index.has(name)) {
        found.push(`HubSpot companies have no property ${name}`);
      }
    }
    for (const [role, mapping] of Object.entries(ctx.roles)) {
      if (index.get(mapping.field)?.readOnly) {
        found.push(`HubSpot company property ${mapping.field} (role ${role}) is read-only: spoc cannot write it`);
      }
    }
    return found;
  };
  const readContacts = async (): Promise<string[]> => {
    try {
      await api.list('contacts', 1, undefined, [], signal);
      return [];
    } catch (error) {
      return [problem(error, 'the contact cascade')];
    }
  };
  const probes = [
    readCompanies(),
    checkProperties(),
    probeWrite(api, 'companies', 'writing company owners', signal),
    ...(options.contacts ? [readContacts(), probeWrite(api, 'contacts', 'the contact cascade', signal)] : []),
  ];
  // Run together (the gate paces them), report in a fixed order.
  for (const found of await Promise.all(probes)) problems.push(...found);
  return { ok: problems.length === 0, problems, ...(Object.keys(details).length > 0 ? { details } : {}) };
}

/** An empty batch update proves the write scope without changing anything; only auth answers matter. */
async function probeWrite(
  api: HubspotApi,
  type: 'companies' | 'contacts',
  purpose: string,
  signal?: AbortSignal,
): Promise<string[]> {
  try {
    await api.batchUpdate(type, [], signal);
    return [];
  } catch (error) {
    const e = toSpocError(error);
    return e.kind === 'auth' ? [`${e.message} (needed for ${purpose})`] : [];
  }
}
