import type { CascadeMove, CascadePreview, CascadeRequest } from '@spoc/core/connector';
import type { PipedriveApi } from './api.ts';
import { toContact } from './mapping.ts';
import { eachLimited } from './outcomes.ts';

/**
 * Reads only: the persons of each organization (GET /api/v2/persons?org_id=…, `pageSize`
 * a call) whose owner is not the organization's new owner. One call per organization
 * with up to `pageSize` persons; the last request of an organization wins.
 */
export async function previewContacts(
  api: PipedriveApi,
  requests: CascadeRequest[],
  pageSize: number,
  concurrency: number,
  signal?: AbortSignal,
): Promise<CascadePreview> {
  const ownerOf = new Map<string, string>();
  for (const r of requests) if (r.kind === 'contacts') ownerOf.set(r.accountRecordId, r.toId);
  const preview: CascadePreview = { moves: [], problems: [] };
  const movesOf = new Map<string, CascadeMove[]>();
  const orgs = [...ownerOf.keys()];
  for (const org of orgs) {
    if (!/^\d+$/.test(org))
      preview.problems.push({
        accountRecordId: org,
        code: 'PIPEDRIVE_BAD_ID',
        message: `"${org}" is not a Pipedrive organization id`,
      });
  }
  await eachLimited(
    orgs.filter((org) => /^\d+$/.test(org)),
    concurrency,
    async (org) => {
      const target = ownerOf.get(org) ?? '';
      const moves: CascadeMove[] = [];
      let cursor: string | undefined;
      do {
        const page = await api.persons({ orgId: Number(org), limit: pageSize, ...(cursor ? { cursor } : {}) }, signal);
        for (const raw of page.items) {
          const person = toContact(raw);
          // The filter is Pipedrive's; a person of another organization is never moved.
          if (person && person.orgId === org && person.ownerId !== target)
            moves.push({ kind: 'contacts', accountRecordId: org, id: person.id, toId: target });
        }
        cursor = page.nextCursor ?? undefined;
      } while (cursor);
      movesOf.set(org, moves);
    },
    () => false,
  );
  // In the order the organizations were asked for, whatever order the calls finished in.
  for (const org of orgs) preview.moves.push(...(movesOf.get(org) ?? []));
  return preview;
}

/** Every person of the company, counted page by page (Pipedrive's lists report no total): ⌈persons/500⌉ calls. */
export async function countContacts(api: PipedriveApi, pageSize: number, signal?: AbortSignal): Promise<number> {
  let count = 0;
  let cursor: string | undefined;
  do {
    const page = await api.persons({ limit: pageSize, ...(cursor ? { cursor } : {}) }, signal);
    count += page.items.length;
    cursor = page.nextCursor ?? undefined;
  } while (cursor);
  return count;
}
