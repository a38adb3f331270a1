// Test support for the emulator's tests: the real jsforce client and a running emulator.
import {
  type Faults,
  type RunningEmulator,
  type SalesforceSeed,
  startEmulator,
  type WriteLog,
} from '@spoc/sandbox/kit';
import { Connection } from 'jsforce';
import { makeId } from '../emulator/ids.ts';
import { salesforceEmulator } from '../emulator/index.ts';

export interface RunningSalesforce {
  server: RunningEmulator;
  url: string;
  writes: WriteLog;
  faults: Faults;
  clock: { ms: number };
  connect(options?: Record<string, unknown>): Connection;
  close(): Promise<void>;
}

export async function startSalesforce(seed: SalesforceSeed): Promise<RunningSalesforce> {
  const server = await startEmulator(salesforceEmulator, seed, { rateLimits: false });
  return {
    server,
    url: server.url,
    writes: server.writes,
    faults: server.faults,
    clock: server.clockOffset,
    connect: (options = {}) =>
      new Connection({ instanceUrl: server.url, accessToken: 'test-token', version: '62.0', ...options }),
    close: () => server.close(),
  };
}

export const STAMP = '2026-01-01T00:00:00.000+0000';
export const userId = (n: number) => makeId('005', n);
export const accountId = (n: number) => makeId('001', n);
export const contactId = (n: number) => makeId('003', n);

/**
 * Three users (the third inactive), `accounts` accounts owned round-robin by the two active
 * ones with a CSM__c user lookup, every tenth account one minute newer, one contact per
 * account for the first ten.
 */
export function testSeed(accounts: number, extra: Partial<SalesforceSeed> = {}): SalesforceSeed {
  const users = [1, 2, 3].map((n) => ({
    Id: userId(n),
    Email: `user${n}@acme.test`,
    Name: `User ${n}`,
    Username: `user${n}@acme.test`,
    IsActive: n !== 3,
    UserType: 'Standard',
    SystemModstamp: STAMP,
  }));
  const Account = Array.from({ length: accounts }, (_, i) => ({
    Id: accountId(i + 1),
    Name: `Account ${i + 1}`,
    Website: `account${i + 1}.test`,
    OwnerId: userId((i % 2) + 1),
    CSM__c: i === 0 ? null : userId(((i + 1) % 2) + 1),
    SystemModstamp: i % 10 === 9 ? '2026-01-01T00:01:00.000+0000' : STAMP,
    LastModifiedDate: STAMP,
    CreatedDate: STAMP,
  }));
  const Contact = Array.from({ length: Math.min(10, accounts) }, (_, i) => ({
    Id: contactId(i + 1),
    AccountId: accountId(i + 1),
    OwnerId: userId(1),
    Email: `contact${i + 1}@account${i + 1}.test`,
    LastName: `Contact ${i + 1}`,
    SystemModstamp: STAMP,
  }));
  return { User: users, Account, Contact, ...extra };
}
