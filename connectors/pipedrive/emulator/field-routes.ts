import type { Route } from '@spoc/sandbox/kit';
import { decodeCursor, encodeCursor, limitOf } from './paging.ts';
import type { PipedriveStore } from './store.ts';

/** GET /api/v2/organizationFields, cursor-paged like every v2 list. */
export function fieldRoutes(store: PipedriveStore): Route[] {
  return [
    {
      method: 'GET',
      path: '/api/v2/organizationFields',
      handler: (req) => {
        const limit = limitOf(req.query);
        const start = decodeCursor(req.query.get('cursor'))?.id ?? 0;
        const data = store.fields.slice(start, start + limit);
        const next = start + limit < store.fields.length ? encodeCursor({ value: 0, id: start + limit }) : null;
        return { status: 200, body: { success: true, data, additional_data: { next_cursor: next } } };
      },
    },
  ];
}
