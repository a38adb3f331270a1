import { type Route, type SandboxRequest, type VendorContext, VendorError, type VendorRecord } from '@spoc/sandbox/kit';
import { tokenOf } from './auth.ts';
import { badRequest, notFound } from './errors.ts';
import { decodeCursor, limitOf, pageOf, secondsOf } from './paging.ts';
import { applyPatch } from './record-writes.ts';
import { type PipedriveStore, type Row, seconds } from './store.ts';

const SORTS = ['id', 'update_time', 'add_time'] as const;
type Sort = (typeof SORTS)[number];

/**
 * The v2 organizations and persons endpoints: list (filters, sort, keyset cursor up to
 * 500 a page: https://developers.pipedrive.com/docs/api/v1/Organizations#getOrganizations
 * under v2), get one, and PATCH one (Pipedrive has no bulk update).
 */
export function recordRoutes(store: PipedriveStore, context: VendorContext): Route[] {
  return [
    ...table(store, context, 'organizations', 'Organization', (row, req) => organizationFilter(row, req)),
    ...table(store, context, 'persons', 'Person', (row, req) => personFilter(row, req)),
  ];
}

function table(
  store: PipedriveStore,
  context: VendorContext,
  name: 'organizations' | 'persons',
  label: 'Organization' | 'Person',
  filter: (row: Row, req: SandboxRequest) => boolean,
): Route[] {
  const byId = (req: SandboxRequest): Row => {
    const id = Number(req.params.id);
    const row = Number.isInteger(id) ? store[name].get(id) : undefined;
    if (!row || row.is_deleted === true) throw new VendorError(notFound(label));
    return row;
  };
  return [
    {
      method: 'GET',
      path: `/api/v2/${name}`,
      handler: (req) => {
        const limit = limitOf(req.query);
        const sortBy = (req.query.get('sort_by') ?? 'id') as Sort;
        if (!SORTS.includes(sortBy))
          throw new VendorError(badRequest(`Validation failed: sort_by: Invalid enum value '${sortBy}'`));
        const direction = req.query.get('sort_direction') === 'desc' ? 'desc' : 'asc';
        const keys = customKeysOf(req);
        const since = secondsOf(req.query, 'updated_since');
        const until = secondsOf(req.query, 'updated_until');
        const cursor = decodeCursor(req.query.get('cursor'));
        let rows = store.sorted(name, sortBy);
        if (direction === 'desc') rows = [...rows].reverse();
        // updated_since is inclusive, updated_until exclusive (the SDK's parameter docs).
        rows = rows.filter((r) => {
          const t = seconds(r.update_time);
          return (since === undefined || t >= since) && (until === undefined || t < until) && filter(r, req);
        });
        const key = (r: Row) => ({ value: sortBy === 'id' ? r.id : seconds(r[sortBy]), id: r.id });
        const { page, next } = pageOf(rows, key, direction, cursor, limit);
        return {
          status: 200,
          body: { success: true, data: page.map((r) => view(r, keys)), additional_data: { next_cursor: next } },
        };
      },
    },
    {
      method: 'GET',
      path: `/api/v2/${name}/:id`,
      handler: (req) => ({ status: 200, body: { success: true, data: view(byId(req), customKeysOf(req)) } }),
    },
    {
      method: 'PATCH',
      path: `/api/v2/${name}/:id`,
      handler: (req) => {
        const row = byId(req);
        applyPatch(store, context, name, row, req.body, store.actor(tokenOf(req)));
        return { status: 200, body: { success: true, data: view(row, undefined) } };
      },
    },
  ];
}

/** `custom_fields=a,b`: only those keys come back, at most 15. */
function customKeysOf(req: SandboxRequest): Set<string> | undefined {
  const raw = req.query.get('custom_fields');
  if (raw === null) return undefined;
  const keys = raw
    .split(',')
    .map((k) => k.trim())
    .filter(Boolean);
  if (keys.length > 15)
    throw new VendorError(badRequest('Validation failed: custom_fields: A maximum of 15 keys is allowed'));
  return new Set(keys);
}

function view(row: Row, keys: Set<string> | undefined): VendorRecord {
  const copy = structuredClone(row) as VendorRecord;
  if (keys && copy.custom_fields && typeof copy.custom_fields === 'object') {
    copy.custom_fields = Object.fromEntries(
      Object.entries(copy.custom_fields as VendorRecord).filter(([k]) => keys.has(k)),
    );
  }
  return copy;
}

function idsOf(req: SandboxRequest): Set<number> | undefined {
  const raw = req.query.get('ids');
  return raw ? new Set(raw.split(',').map(Number)) : undefined;
}

function numberParam(req: SandboxRequest, name: string): number | undefined {
  const raw = req.query.get(name);
  return raw === null || raw === '' ? undefined : Number(raw);
}

function organizationFilter(row: Row, req: SandboxRequest): boolean {
  const owner = numberParam(req, 'owner_id');
  const ids = idsOf(req);
  return (owner === undefined || row.owner_id === owner) && (!ids || ids.has(row.id));
}

function personFilter(row: Row, req: SandboxRequest): boolean {
  const owner = numberParam(req, 'owner_id');
  const org = numberParam(req, 'org_id');
  const ids = idsOf(req);
  return (
    (owner === undefined || row.owner_id === owner) &&
    (org === undefined || row.org_id === org) &&
    (!ids || ids.has(row.id))
  );
}
