// Test support for the emulator's tests: a running Freshdesk emulator and raw fetch with Basic apiKey:X.
import { type RunningEmulator, startEmulator } from '@spoc/sandbox/kit';
import { freshdeskEmulator } from '../emulator/index.ts';
import type { FreshdeskSeed } from '../emulator/store.ts';

export const AUTH = `Basic ${Buffer.from('emu-key:X').toString('base64')}`;
export const STAMP = '2026-01-01T00:00:00Z';

export interface RunningFreshdesk {
  server: RunningEmulator;
  url: string;
  call(method: string, path: string, body?: unknown, auth?: string): Promise<Response>;
  json(method: string, path: string, body?: unknown): Promise<{ status: number; body: unknown; headers: Headers }>;
  close(): Promise<void>;
}

export async function startFreshdesk(
  seed: FreshdeskSeed,
  options: { rateLimits?: boolean; timeScale?: number } = {},
): Promise<RunningFreshdesk> {
  const server = await startEmulator(freshdeskEmulator, seed, {
    rateLimits: options.rateLimits ?? false,
    timeScale: options.timeScale ?? 1,
  });
  const call = (method: string, path: string, body?: unknown, auth = AUTH) =>
    fetch(`${server.url}${path}`, {
      method,
      headers: { authorization: auth, ...(body === undefined ? {} : { 'content-type': 'application/json' }) },
      ...(body === undefined ? {} : { body: JSON.stringify(body) }),
    });
  return {
    server,
    url: server.url,
    call,
    json: async (method, path, body) => {
      const r = await call(method, path, body);
      const text = await r.text();
      return { status: r.status, body: text === '' ? null : JSON.parse(text), headers: r.headers };
    },
    close: () => server.close(),
  };
}

export const AGENT_1 = 101;
export const AGENT_2 = 102;
export const DEACTIVATED = 103;
export const companyNo = (n: number) => 5000 + n;

/**
 * Agents 101–102 and a deactivated 103; `companies` companies (account_manager text,
 * csm dropdown of two agents' names); company 1's tickets in every status held by 101,
 * one open held by 102, one open of company 2, and one open created long ago (outside
 * the list's 30-day default window).
 */
export function testSeed(companies: number, now = Date.now()): FreshdeskSeed {
  const recent = `${new Date(now - 86_400_000).toISOString().slice(0, 19)}Z`;
  const agent = (id: number, name: string, deactivated = false) => ({
    id,
    deactivated,
    contact: { active: !deactivated, email: `${name.toLowerCase().replace(' ', '.')}@acme.test`, name },
    created_at: STAMP,
    updated_at: STAMP,
  });
  const ticket = (id: number, company: number, status: number, responder: number, created = recent) => ({
    id,
    subject: `Ticket ${id}`,
    status,
    responder_id: responder,
    company_id: companyNo(company),
    created_at: created,
    updated_at: created,
  });
  return {
    agents: [agent(AGENT_1, 'Anna Schmidt'), agent(AGENT_2, 'Bruno Rossi'), agent(DEACTIVATED, 'Chloe Martin', true)],
    companies: Array.from({ length: companies }, (_, i) => ({
      id: companyNo(i + 1),
      name: `Company ${i + 1}`,
      domains: [`company${i + 1}.example`],
      custom_fields: { account_manager: 'anna.schmidt@acme.test', csm: 'Bruno Rossi' },
      created_at: STAMP,
      updated_at: STAMP,
    })),
    company_fields: [
      { id: 1, name: 'name', label: 'Company Name', type: 'default_name' },
      { id: 2, name: 'account_manager', label: 'Account manager', type: 'custom_text' },
      { id: 3, name: 'csm', label: 'CSM', type: 'custom_dropdown', choices: ['Anna Schmidt', 'Bruno Rossi'] },
    ],
    tickets: [
      ticket(1, 1, 2, AGENT_1),
      ticket(2, 1, 3, AGENT_1),
      ticket(3, 1, 4, AGENT_1),
      ticket(4, 1, 5, AGENT_1),
      ticket(5, 1, 2, AGENT_2),
      ticket(6, 2, 2, AGENT_1),
      ticket(7, 1, 2, AGENT_1, '2024-01-01T00:00:00Z'),
    ],
  };
}
