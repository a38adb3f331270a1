import {
  type AccountPage,
  type AssignmentWrite,
  type CascadeResult,
  type CheckResult,
  type Connector,
  type ConnectorContext,
  type ContactOwnerUpdate,
  fieldsByRecord,
  type PersonRecord,
  type ReadQuery,
  type RecordOutcome,
  type RetryOptions,
  type SalesforceSystemConfig,
  SpocError,
  VendorGate,
  writeResults,
} from '@spoc/core';
import { Connection } from 'jsforce';
import { toSpocError } from './errors.ts';
import {
  ACCOUNT_OBJECT,
  accountQuery,
  contactQuery,
  contactUpdate,
  type SalesforceCursor,
  toAccount,
  toPerson,
  USER_QUERY,
  updateRecord,
} from './mapping.ts';

export interface SalesforceConnectorOptions {
  retry?: Partial<RetryOptions>;
  /** Records per composite/sobjects call (Salesforce caps it at 200). */
  writeBatch?: number;
}

interface QueryPage {
  totalSize: number;
  done: boolean;
  nextRecordsUrl?: string;
  records: unknown[];
}

interface SaveResult {
  id?: string;
  success: boolean;
  errors?: { statusCode?: string; message?: string; fields?: string[] }[];
}

const NO_SDK_RETRY = { retry: { maxRetries: 0 } };

/**
 * The Salesforce connector over jsforce. Reads by SOQL (2,000 a page, one call per
 * page), writes through composite/sobjects (200 records a call, allOrNone false).
 * jsforce's own retry is off: it never retries PATCH and ignores Retry-After, so all
 * retries go through one VendorGate. Stops before the org's daily API usage passes
 * `dailyApiShare` of its allocation, leaving the rest to other integrations.
 */
export function createSalesforceConnector(
  config: SalesforceSystemConfig,
  ctx: ConnectorContext,
  options: SalesforceConnectorOptions = {},
): Connector {
  const conn = connect(config);
  // Salesforce has no short-window rate limit (only the daily allocation and a cap on
  // long-running concurrent requests), so the gate only bounds concurrency.
  const gate = new VendorGate({
    cap: 1000,
    intervalMs: 1000,
    concurrency: 4,
    ...(options.retry ? { retry: options.retry } : {}),
  });
  const writeBatch = Math.min(200, options.writeBatch ?? 200);
  const log = ctx.logger;

  const call = <T>(request: Parameters<Connection['request']>[0], signal?: AbortSignal): Promise<T> =>
    gate.run(async () => {
      const usage = conn.limitInfo?.apiUsage;
      if (usage && usage.limit > 0 && usage.used >= usage.limit * config.dailyApiShare) {
        throw new SpocError(
          'vendor',
          'SALESFORCE_API_SHARE',
          `Salesforce API usage is ${usage.used}/${usage.limit}; spoc stops at ${Math.round(config.dailyApiShare * 100)}% (systems.salesforce.dailyApiShare) to leave the rest to other integrations`,
          { system: 'salesforce' },
        );
      }
      try {
        return (await conn.request(request, NO_SDK_RETRY)) as T;
      } catch (error) {
        throw toSpocError(error);
      }
    }, signal);

  async function* query(soql: string, signal?: AbortSignal): AsyncGenerator<QueryPage> {
    let page = await call<QueryPage>(`/query?q=${encodeURIComponent(soql)}`, signal);
    yield page;
    while (!page.done && page.nextRecordsUrl) {
      page = await call<QueryPage>(page.nextRecordsUrl, signal);
      yield page;
    }
  }

  async function save(records: Record<string, unknown>[], signal?: AbortSignal): Promise<SaveResult[]> {
    return call<SaveResult[]>(
      {
        method: 'PATCH',
        url: '/composite/sobjects',
        body: JSON.stringify({ allOrNone: false, records }),
        headers: { 'content-type': 'application/json' },
      },
      signal,
    );
  }

  return {
    system: 'salesforce',

    async check(signal) {
      const problems: string[] = [];
      try {
        const describe = await call<{
          fields: { name: string; updateable: boolean; type: string; referenceTo?: string[] }[];
        }>(`/sobjects/${ACCOUNT_OBJECT}/describe`, signal);
        const fields = new Map(describe.fields.map((f) => [f.name.toLowerCase(), f]));
        for (const [role, mapping] of Object.entries(ctx.roles)) {
          const field = fields.get(mapping.field.toLowerCase());
          if (!field) problems.push(`Account has no field ${mapping.field} (role ${role})`);
          else if (!field.updateable) problems.push(`Account.${mapping.field} is not updateable (role ${role})`);
          else if (mapping.value === 'id' && !(field.type === 'reference' && field.referenceTo?.includes('User')))
            problems.push(`Account.${mapping.field} is not a lookup to User (role ${role})`);
        }
        for (const xref of ctx.xrefFields) {
          if (!fields.has(xref.toLowerCase())) problems.push(`Account has no field ${xref} (cross-reference)`);
        }
      } catch (error) {
        problems.push(toSpocError(error).message);
      }
      const result: CheckResult = { ok: problems.length === 0, problems };
      const usage = conn.limitInfo?.apiUsage;
      if (usage) result.details = { apiUsed: usage.used, apiLimit: usage.limit };
      return result;
    },

    async *listPeople(signal) {
      for await (const page of query(USER_QUERY, signal)) {
        const people: PersonRecord[] = [];
        for (const raw of page.records) {
          const mapped = toPerson(raw);
          if ('rejected' in mapped) log.warn({ reason: mapped.rejected }, 'User record rejected');
          else people.push(mapped);
        }
        yield people;
      }
    },

    async *readAccounts(q: ReadQuery) {
      let cursor: SalesforceCursor | null = q.since ? parseCursor(q.since) : null;
      for await (const page of query(accountQuery(ctx, cursor), q.signal)) {
        const out: AccountPage = { records: [], cursor: '', rejected: [] };
        for (const raw of page.records) {
          const mapped = toAccount(raw, ctx);
          if ('rejected' in mapped) out.rejected?.push({ id: mapped.id, reason: mapped.rejected });
          else {
            out.records.push(mapped.record);
            cursor = mapped.cursor;
          }
        }
        out.cursor = JSON.stringify(cursor ?? { ts: '1970-01-01T00:00:00.000Z', id: '' });
        yield out;
      }
    },

    async writeAssignments(writes: AssignmentWrite[], signal) {
      const byRecord = fieldsByRecord(writes, ctx.roles);
      const ids = [...byRecord.keys()];
      const outcomes = new Map<string, RecordOutcome>();
      for (let i = 0; i < ids.length; i += writeBatch) {
        const chunk = ids.slice(i, i + writeBatch);
        const results = await save(
          chunk.map((id) => updateRecord(id, byRecord.get(id) ?? {})),
          signal,
        );
        // Results come back in input order; a failed record carries no id.
        for (const [index, id] of chunk.entries()) outcomes.set(id, saveOutcome(results[index]));
      }
      return writeResults(writes, ctx.roles, outcomes, 'Salesforce');
    },

    async cascadeContacts(updates: ContactOwnerUpdate[], signal) {
      const owner = new Map(updates.map((u) => [u.accountRecordId, u.ownerId]));
      const results = new Map<string, CascadeResult>(
        updates.map((u) => [u.accountRecordId, { accountRecordId: u.accountRecordId, updated: 0, failed: [] }]),
      );
      const pending: { id: string; accountId: string; ownerId: string }[] = [];
      const accountIds = [...owner.keys()];
      for (let i = 0; i < accountIds.length; i += 200) {
        for await (const page of query(contactQuery(accountIds.slice(i, i + 200)), signal)) {
          for (const raw of page.records as { Id: string; AccountId: string; OwnerId: string | null }[]) {
            const target = owner.get(raw.AccountId);
            if (target && raw.OwnerId !== target)
              pending.push({ id: raw.Id, accountId: raw.AccountId, ownerId: target });
          }
        }
      }
      for (let i = 0; i < pending.length; i += writeBatch) {
        const chunk = pending.slice(i, i + writeBatch);
        const saved = await save(
          chunk.map((c) => contactUpdate(c.id, c.ownerId)),
          signal,
        );
        chunk.forEach((c, index) => {
          const result = results.get(c.accountId);
          if (!result) return;
          const r = saved[index];
          if (r?.success) result.updated++;
          else
            result.failed.push({
              id: c.id,
              error: {
                code: r?.errors?.[0]?.statusCode ?? 'NO_RESULT',
                kind: 'record',
                message: r?.errors?.[0]?.message ?? 'not written',
              },
            });
        });
      }
      return [...results.values()];
    },

    stats: () => gate.stats(),
  };
}

function saveOutcome(result: SaveResult | undefined): RecordOutcome {
  if (result?.success) return { ok: true };
  const error = result?.errors?.[0];
  return {
    ok: false,
    code: error?.statusCode ?? 'NO_RESULT',
    message: error?.message ?? 'Salesforce returned no result for this record',
  };
}

function connect(config: SalesforceSystemConfig): Connection {
  const base = { instanceUrl: config.instanceUrl, version: config.apiVersion };
  const oauth2 = config.clientId
    ? {
        clientId: config.clientId,
        loginUrl: config.loginUrl,
        ...(config.clientSecret ? { clientSecret: config.clientSecret } : {}),
      }
    : undefined;
  if (config.refreshToken && oauth2) {
    return new Connection({
      ...base,
      oauth2,
      refreshToken: config.refreshToken,
      ...(config.accessToken ? { accessToken: config.accessToken } : {}),
    });
  }
  if (!config.accessToken && oauth2?.clientSecret) {
    // Client-credentials flow: jsforce fetches a token on first use and on every 401.
    return new Connection({
      ...base,
      refreshFn: (_conn, callback) => {
        clientCredentialsToken(config)
          .then((token) => callback(null, token.access_token))
          .catch((error: Error) => callback(error));
      },
      accessToken: 'pending',
    });
  }
  return new Connection({ ...base, accessToken: config.accessToken ?? '' });
}

async function clientCredentialsToken(config: SalesforceSystemConfig): Promise<{ access_token: string }> {
  const response = await fetch(`${config.loginUrl}/services/oauth2/token`, {
    method: 'POST',
    headers: { 'content-type': 'application/x-www-form-urlencoded' },
    body: new URLSearchParams({
      grant_type: 'client_credentials',
      client_id: config.clientId ?? '',
      client_secret: config.clientSecret ?? '',
    }),
  });
  const body = (await response.json()) as { access_token?: string; error_description?: string };
  if (!response.ok || !body.access_token) {
    throw new SpocError(
      'auth',
      'SALESFORCE_OAUTH',
      `Salesforce client-credentials login failed: ${body.error_description ?? response.status}`,
    );
  }
  return { access_token: body.access_token };
}

function parseCursor(cursor: string): SalesforceCursor | null {
  try {
    const parsed = JSON.parse(cursor) as Partial<SalesforceCursor>;
    return typeof parsed.ts === 'string' && typeof parsed.id === 'string' ? { ts: parsed.ts, id: parsed.id } : null;
  } catch {
    return null;
  }
}
