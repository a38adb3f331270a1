// Test support for the emulator's tests: the real @hubspot/api-client and a running emulator.
import { Client } from '@hubspot/api-client';
import {
  type Faults,
  type HubspotSeed,
  type RunningEmulator,
  startEmulator,
  type VendorRecord,
  type WriteLog,
} from '@spoc/sandbox/kit';
import { hubspotEmulator } from '../emulator/index.ts';

export { Client };
export type HubspotClient = Client;

/** The SDK's ApiException: status code, body (deserialised into its Error model), headers. */
export interface SdkError {
  code: number;
  body: Record<string, unknown>;
  headers: Record<string, string>;
}

export interface RunningHubspot {
  server: RunningEmulator;
  writes: WriteLog;
  faults: Faults;
  /** The sandbox clock, frozen at `clock.ms` until a test moves it. */
  clock: { ms: number };
  client(token?: string): HubspotClient;
  /** Raw call with a valid token (for shapes the SDK's models would trim). */
  fetch(path: string, init?: { method?: string; body?: unknown; token?: string }): Promise<Response>;
  close(): Promise<void>;
}

export const NOW = Date.parse('2026-03-01T12:00:00.000Z');
export const STAMP = '2026-01-01T00:00:00.000Z';

export async function startHubspot(
  seed: HubspotSeed,
  options: { rateLimits?: boolean; timeScale?: number } = {},
): Promise<RunningHubspot> {
  const clock = { ms: NOW };
  const server = await startEmulator(hubspotEmulator, seed, {
    rateLimits: options.rateLimits ?? false,
    timeScale: options.timeScale ?? 1,
    now: () => clock.ms,
  });
  return {
    server,
    writes: server.writes,
    faults: server.faults,
    clock,
    client: (token = 'pat-test') => new Client({ accessToken: token, basePath: server.url }),
    fetch: (path, init = {}) =>
      fetch(`${server.url}${path}`, {
        method: init.method ?? 'GET',
        headers: { authorization: `Bearer ${init.token ?? 'pat-test'}`, 'content-type': 'application/json' },
        ...(init.body === undefined ? {} : { body: JSON.stringify(init.body) }),
      }),
    close: () => server.close(),
  };
}

/** Runs a call expected to fail and returns the SDK's exception. */
export async function sdkError(call: () => Promise<unknown>): Promise<SdkError> {
  try {
    await call();
  } catch (error) {
    if (error && typeof error === 'object' && 'code' in error) return error as unknown as SdkError;
    throw error;
  }
  throw new Error('expected the call to fail');
}

export const OWNER_A = '101';
export const OWNER_B = '102';
export const ARCHIVED_OWNER = '109';
export const QUEUE = '199';

/** Owners 101–103 (people), 109 (archived), 199 (a queue); `companies` companies 1001… owned by 101. */
export function testSeed(companies: number, options: { modified?: (i: number) => string } = {}): HubspotSeed {
  const owner = (id: string, extra: VendorRecord = {}) => ({
    id,
    email: `owner${id}@acme.test`,
    firstName: 'Owner',
    lastName: id,
    userId: Number(id) + 9000,
    createdAt: STAMP,
    updatedAt: STAMP,
    archived: false,
    type: 'PERSON',
    ...extra,
  });
  return {
    owners: [
      owner(OWNER_A, { teams: [{ id: '7', name: 'EMEA', primary: true }] }),
      owner(OWNER_B),
      owner('103'),
      owner(ARCHIVED_OWNER, { archived: true }),
      owner(QUEUE, { email: null, firstName: 'Support', lastName: 'Queue', userId: null, type: 'QUEUE' }),
    ],
    companies: Array.from({ length: companies }, (_, i) => ({
      id: String(1001 + i),
      properties: {
        name: `Company ${i + 1}`,
        domain: `company${i + 1}.test`,
        hubspot_owner_id: OWNER_A,
        csm_owner: OWNER_B,
        hs_lastmodifieddate: options.modified?.(i) ?? STAMP,
        createdate: STAMP,
      },
      createdAt: STAMP,
      updatedAt: options.modified?.(i) ?? STAMP,
      archived: false,
    })),
    contacts: [
      {
        id: '5001',
        properties: { email: 'pat@company1.test', associatedcompanyid: '1001', hubspot_owner_id: OWNER_A },
      },
    ],
  };
}
