// Test support only (not exported from the package): the real jsforce client and a running emulator.
import { createRequire } from 'node:module';
import { Faults } from '../kit/faults.ts';
import { startVendorServer, type VendorServer } from '../kit/vendor-server.ts';
import { WriteLog } from '../kit/write-log.ts';
import type { SalesforceSeed } from '../seed/types.ts';
import { createSalesforceApp } from './app.ts';
import { makeId } from './ids.ts';

// jsforce is a dependency of the Salesforce connector, not of the sandbox: resolve it from there.
const require = createRequire(new URL('../../../../connectors/salesforce/package.json', import.meta.url));
export const jsforce =
  require('jsforce') as typeof import('../../../../connectors/salesforce/node_modules/jsforce/index.js');

export interface RunningSalesforce {
  server: VendorServer;
  url: string;
  writes: WriteLog;
  faults: Faults;
  clock: { ms: number };
  connect(options?: Record<string, unknown>): InstanceType<typeof jsforce.Connection>;
  close(): Promise<void>;
}

export async function startSalesforce(seed: SalesforceSeed): Promise<RunningSalesforce> {
  const clockOffset = { ms: 0 };
  const context = {
    faults: new Faults(),
    writes: new WriteLog(),
    now: () => Date.now() + clockOffset.ms,
    clockOffset,
  };
  const server = await startVendorServer(createSalesforceApp(seed, context), context, {
    host: '127.0.0.1',
    port: 0,
    rateLimits: false,
    timeScale: 1,
  });
  return {
    server,
    url: server.url,
    writes: context.writes,
    faults: context.faults,
    clock: clockOffset,
    connect: (options = {}) =>
      new jsforce.Connection({ instanceUrl: server.url, accessToken: 'test-token', version: '62.0', ...options }),
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
