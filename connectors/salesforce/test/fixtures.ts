// Test fixtures in Salesforce's own response shapes (used by the unit tests only).
import type { ConnectorContext } from '@spoc/core/connector';
import pino from 'pino';
import type { SalesforceSettings } from '../src/settings.ts';

export const BASE = 'https://acme.my.salesforce.com';
export const LOGIN = 'https://login.salesforce.com';
export const API = '/services/data/v62.0';

export const ctx: ConnectorContext = {
  logger: pino({ level: 'silent' }),
  roles: { account_owner: { field: 'OwnerId', value: 'id' }, csm: { field: 'CSM__c', value: 'id' } },
  xrefFields: ['HubSpot_Id__c'],
  cascades: [],
};

export const config: SalesforceSettings = {
  instanceUrl: BASE,
  apiVersion: '62.0',
  accessToken: 'tok',
  refreshToken: undefined,
  clientId: undefined,
  clientSecret: undefined,
  loginUrl: LOGIN,
  dailyApiShare: 0.5,
};

/** Backoff in single milliseconds, so retry tests stay fast. */
export const fast = { retry: { baseDelayMs: 1, maxDelayMs: 2 } };

/** An 18-character id with a 3-character key prefix (001 Account, 003 Contact, 005 User). */
export const sfId = (prefix: string, n: number) => `${prefix}${String(n).padStart(12, '0')}AAA`;

export function account(n: number, stamp = '2026-01-01T00:00:00.000+0000', extra: Record<string, unknown> = {}) {
  const id = sfId('001', n);
  return {
    attributes: { type: 'Account', url: `${API}/sobjects/Account/${id}` },
    Id: id,
    Name: `Customer ${n}`,
    Website: `https://www.c${n}.example`,
    SystemModstamp: stamp,
    OwnerId: sfId('005', 1),
    CSM__c: null,
    HubSpot_Id__c: null,
    ...extra,
  };
}

export function user(n: number, active = true) {
  const id = sfId('005', n);
  return {
    attributes: { type: 'User', url: `${API}/sobjects/User/${id}` },
    Id: id,
    Email: `user${n}@acme.example`,
    IsActive: active,
    Name: `User ${n}`,
  };
}

export function contact(n: number, accountId: string, ownerId: string) {
  const id = sfId('003', n);
  return {
    attributes: { type: 'Contact', url: `${API}/sobjects/Contact/${id}` },
    Id: id,
    AccountId: accountId,
    OwnerId: ownerId,
  };
}

/** A /query answer; `next` = the locator of the following page. */
export function queryPage(records: unknown[], next?: string, totalSize = records.length) {
  return {
    totalSize,
    done: next === undefined,
    ...(next ? { nextRecordsUrl: `${API}/query/${next}` } : {}),
    records,
  };
}

export function sfError(errorCode: string, message: string) {
  return [{ message, errorCode }];
}

export const usage = (used: number, max = 5000) => ({ 'Sforce-Limit-Info': `api-usage=${used}/${max}` });

/** The SOQL of a /query request. */
export const soqlOf = (q: Record<string, unknown>) => String(q.q);
