import type { Route } from '@spoc/sandbox/kit';
import type { FreshdeskEnv } from './env.ts';
import { notFound } from './errors.ts';
import { pageOf } from './paging.ts';

/** Agents: the paged list and the API key's own agent. */
export function agentRoutes({ store }: FreshdeskEnv): Route[] {
  return [
    {
      method: 'GET',
      path: '/api/v2/agents/me',
      handler: () => {
        const me = store.agents.list.find((a) => a.deactivated !== true);
        return me ? { status: 200, body: me } : notFound();
      },
    },
    { method: 'GET', path: '/api/v2/agents', handler: (req) => pageOf(req, store.agents.list) },
    {
      method: 'GET',
      path: '/api/v2/agents/:id',
      handler: (req) => {
        const agent = store.agents.byId.get(Number(req.params.id));
        return agent ? { status: 200, body: agent } : notFound();
      },
    },
  ];
}
