import type { Route } from '@spoc/sandbox/kit';
import type { PipedriveStore } from './store.ts';

/** GET /api/v1/users (every user, no paging) and GET /api/v1/users/me (the token's user). */
export function userRoutes(store: PipedriveStore): Route[] {
  return [
    {
      method: 'GET',
      path: '/api/v1/users',
      handler: () => ({ status: 200, body: { success: true, data: store.users } }),
    },
    {
      method: 'GET',
      path: '/api/v1/users/me',
      handler: () => {
        const me = store.users.find((u) => u.is_you === true) ?? store.users.find((u) => u.active_flag !== false);
        return { status: 200, body: { success: true, data: me ? { ...me, company_domain: 'sandbox' } : null } };
      },
    },
  ];
}
