// Test support for the emulator's tests: the real node-zendesk client and a running emulator.
import {
  type Faults,
  parseFaults,
  type RunningEmulator,
  startEmulator,
  type WriteLog,
  type ZendeskSeed,
} from '@spoc/sandbox/kit';
import zendesk from 'node-zendesk';
import { zendeskEmulator } from '../emulator/index.ts';

export { zendesk };
export type ZendeskClient = ReturnType<typeof zendesk.createClient>;

export interface RunningZendesk {
  server: RunningEmulator;
  /** The API root node-zendesk is given: `${server.url}/api/v2`. */
  api: string;
  writes: WriteLog;
  faults: Faults;
  clock: { ms: number };
  client(token?: string): ZendeskClient;
  /** Raw fetch with valid credentials (for what node-zendesk makes awkward). */
  get(path: string): Promise<Response>;
  close(): Promise<void>;
}

export const AUTH = `Basic ${Buffer.from('ops@acme.test/token:secret').toString('base64')}`;

export async function startZendesk(
  seed: ZendeskSeed,
  options: { rateLimits?: boolean; timeScale?: number; faults?: string; record?: boolean } = {},
): Promise<RunningZendesk> {
  const server = await startEmulator(zendeskEmulator, seed, {
    rateLimits: options.rateLimits ?? false,
    timeScale: options.timeScale ?? 1,
    record: options.record ?? false,
    ...(options.faults ? { faults: parseFaults(options.faults) } : {}),
  });
  const api = `${server.url}/api/v2`;
  return {
    server,
    api,
    writes: server.writes,
    faults: server.faults,
    clock: server.clockOffset,
    client: (token = 'secret') =>
      zendesk.createClient({ username: 'ops@acme.test', token, endpointUri: api, throwOriginalException: true }),
    get: (path) => fetch(`${api}${path}`, { headers: { authorization: AUTH } }),
    close: () => server.close(),
  };
}

export const STAMP = '2026-01-01T00:00:00Z';
export const OLD_SECONDS = Date.parse(STAMP) / 1000;
export const AGENT_1 = 101;
export const AGENT_2 = 102;
export const ADMIN = 103;
export const END_USER = 201;
export const orgId = (n: number) => 5000 + n;

/**
 * Users 101–103 (two agents, an admin), end-users 201–205 interleaved with them,
 * `organizations` organizations (a lookup field account_manager → agent 101) and, for the
 * first organization, tickets in every status held by agent 101 plus one held by agent 102.
 */
export function testSeed(organizations: number): ZendeskSeed {
  const user = (id: number, role: string) => ({
    id,
    email: `user${id}@acme.test`,
    name: `User ${id}`,
    role,
    active: true,
    suspended: false,
    organization_id: null,
    created_at: STAMP,
    updated_at: STAMP,
  });
  const users = [
    user(END_USER, 'end-user'),
    user(AGENT_1, 'agent'),
    user(202, 'end-user'),
    user(203, 'end-user'),
    user(AGENT_2, 'agent'),
    user(204, 'end-user'),
    user(ADMIN, 'admin'),
    user(205, 'end-user'),
  ];
  const orgs = Array.from({ length: organizations }, (_, i) => ({
    id: orgId(i + 1),
    name: `Org ${i + 1}`,
    external_id: null,
    domain_names: [`org${i + 1}.test`],
    organization_fields: { account_manager: AGENT_1, csm_email: null },
    group_id: null,
    tags: [],
    details: null,
    notes: null,
    shared_tickets: false,
    shared_comments: false,
    created_at: STAMP,
    updated_at: STAMP,
  }));
  const statuses = ['new', 'open', 'pending', 'hold', 'solved', 'closed'];
  const tickets = statuses.map((status, i) => ({
    id: i + 1,
    subject: `Ticket ${i + 1}`,
    status,
    assignee_id: AGENT_1,
    organization_id: orgId(1),
    requester_id: END_USER,
    created_at: STAMP,
    updated_at: STAMP,
  }));
  tickets.push({ ...(tickets[1] as (typeof tickets)[number]), id: 7, assignee_id: AGENT_2 });
  tickets.push({ ...(tickets[1] as (typeof tickets)[number]), id: 8, organization_id: orgId(2) });
  const organization_fields = [
    {
      id: 1,
      key: 'account_manager',
      type: 'lookup',
      title: 'Account manager',
      active: true,
      relationship_target_type: 'zen:user',
    },
    { id: 2, key: 'csm_email', type: 'text', title: 'CSM email', active: true },
  ];
  return { users, organizations: orgs, organization_fields, tickets };
}

/** node-zendesk's organizations.updateMany sends its argument as the body, which must be `{ organizations }`. */
export function bulk(organizations: object[]): object[] {
  return { organizations } as unknown as object[];
}
