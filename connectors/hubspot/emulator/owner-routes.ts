import type { Route, SandboxRequest } from '@spoc/sandbox/kit';
import type { HubspotEnv } from './env.ts';
import { hubspotError, validationError } from './errors.ts';
import { pageSize } from './paging.ts';
import type { Owner } from './store.ts';

/** GET /crm/v3/owners/ (the SDK adds the trailing slash) and GET /crm/v3/owners/{ownerId}. */
export function ownerRoutes({ store }: HubspotEnv): Route[] {
  return [
    {
      method: 'GET',
      path: '/crm/v3/owners',
      handler: (req) => {
        const limit = pageSize(req.query.get('limit'), 100, 500);
        if (limit === null) return validationError('limit must be a positive integer');
        // archived=true lists archived owners only; the default lists active ones.
        const archived = req.query.get('archived') === 'true';
        const email = req.query.get('email')?.toLowerCase();
        const matching = store.owners.filter(
          (o) => o.archived === archived && (!email || o.email?.toLowerCase() === email),
        );
        const start = offsetOf(req);
        if (start === null) return validationError(`Invalid after: ${req.query.get('after')}`);
        const results = matching.slice(start, start + limit).map(ownerView);
        const next = start + limit < matching.length ? start + limit : null;
        return { status: 200, body: { results, ...ownerPaging(req, next) } };
      },
    },
    {
      method: 'GET',
      path: '/crm/v3/owners/:ownerId',
      handler: (req) => {
        const byUserId = req.query.get('idProperty') === 'userId';
        const archived = req.query.get('archived') === 'true';
        const key = req.params.ownerId ?? '';
        const owner = byUserId ? store.owners.find((o) => String(o.userId) === key) : store.owner(key);
        if (!owner || owner.archived !== archived) {
          return hubspotError(404, 'OBJECT_NOT_FOUND', `No owner found with ${byUserId ? 'userId' : 'id'} ${key}`);
        }
        return { status: 200, body: ownerView(owner) };
      },
    },
  ];
}

function offsetOf(req: SandboxRequest): number | null {
  const after = req.query.get('after');
  if (after === null || after === '') return 0;
  return /^\d+$/.test(after) ? Number(after) : null;
}

function ownerPaging(req: SandboxRequest, next: number | null) {
  if (next === null) return {};
  const query = new URLSearchParams(req.query);
  query.set('after', String(next));
  return { paging: { next: { after: String(next), link: `${req.baseUrl}/crm/v3/owners/?${query}` } } };
}

function ownerView(o: Owner) {
  return { ...o };
}
