import type { Route } from '@spoc/sandbox/kit';
import { listPage } from './cursor-paging.ts';
import type { ZendeskEnv } from './env.ts';
import { withUrl } from './responses.ts';
import { credentials } from './vendor-hooks.ts';

/** The signed-in user and the user list (filtered by role[]/role, cursor- or offset-paged). */
export function userRoutes({ store }: ZendeskEnv): Route[] {
  return [
    {
      method: 'GET',
      path: '/api/v2/users/me.json',
      handler: (req) => {
        const email = credentials(req)?.email ?? 'api@sandbox.zendesk.test';
        const known = store.users.list.find((u) => u.email === email && u.role === 'admin');
        return {
          status: 200,
          body: {
            user: withUrl(req, 'users', {
              id: known?.id ?? 1,
              name: known?.name ?? 'API user',
              email,
              role: 'admin',
              active: true,
            }),
          },
        };
      },
    },
    {
      method: 'GET',
      path: '/api/v2/users.json',
      handler: (req) => {
        const roles = new Set([...req.query.getAll('role[]'), ...req.query.getAll('role')]);
        return listPage(req, store.users.list, 'users', (u) => roles.size === 0 || roles.has(String(u.role)));
      },
    },
  ];
}
