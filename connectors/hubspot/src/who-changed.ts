import type { ChangeAuthor, ChangeQuery, ConnectorContext } from '@spoc/core/connector';
import type { HubspotApi } from './api.ts';
import { lastChangeOf, toPerson } from './mapping.ts';

/** Companies per batch read with propertiesWithHistory (HubSpot's cap with history is 50). */
export const HISTORY_BATCH = 50;

/**
 * Who last changed each company's role property, from its property history: a HubSpot
 * user (named through the owner who is that user) or a source such as a workflow.
 * `ownerOfUser` maps HubSpot user ids to owner ids, as the last owner listing gave them;
 * a user it does not know (the run took its people from the store) is looked up once.
 */
export async function whoChanged(
  api: HubspotApi,
  ctx: ConnectorContext,
  requests: ChangeQuery[],
  ownerOfUser: Map<number, string>,
  signal?: AbortSignal,
): Promise<ChangeAuthor[]> {
  const asked = new Set<number>();
  const ownerOf = async (userId: number): Promise<string | undefined> => {
    if (!ownerOfUser.has(userId) && !asked.has(userId)) {
      asked.add(userId);
      const raw = await api.ownerOfUser(userId, signal);
      const mapped = raw === null ? null : toPerson(raw, false);
      if (mapped && 'person' in mapped) ownerOfUser.set(userId, mapped.person.id);
    }
    return ownerOfUser.get(userId);
  };
  const authors: ChangeAuthor[] = [];
  const byRole = new Map<string, string[]>();
  for (const q of requests) if (ctx.roles[q.role]) byRole.set(q.role, [...(byRole.get(q.role) ?? []), q.recordId]);
  for (const [role, ids] of byRole) {
    const property = ctx.roles[role]?.field as string;
    for (let i = 0; i < ids.length; i += HISTORY_BATCH) {
      const results = await api.readWithHistory(ids.slice(i, i + HISTORY_BATCH), [property], signal);
      for (const raw of results) {
        const change = lastChangeOf(raw, property);
        if (!change) continue;
        const personId = change.userId === undefined ? undefined : await ownerOf(change.userId);
        if (personId) authors.push({ recordId: change.companyId, role, personId });
        else if (change.via) authors.push({ recordId: change.companyId, role, via: change.via });
      }
    }
  }
  return authors;
}
