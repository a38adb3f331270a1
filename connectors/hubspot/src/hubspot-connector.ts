import { Client } from '@hubspot/api-client';
import {
  type AccountPage,
  type AssignmentWrite,
  type CascadeResult,
  type Connector,
  type ConnectorContext,
  type ContactOwnerUpdate,
  fieldsByRecord,
  type HubspotSystemConfig,
  type RecordOutcome,
  type RetryOptions,
  VendorGate,
  writeResults,
} from '@spoc/core';
import { toSpocError } from './errors.ts';
import {
  CONTACT_COMPANY,
  CONTACT_OWNER,
  companyProperties,
  type HubspotCursor,
  laterCursor,
  MODIFIED_SORTS,
  modifiedSince,
  toCompany,
  toPerson,
} from './mapping.ts';

export interface HubspotConnectorOptions {
  retry?: Partial<RetryOptions>;
}

/** Search pages are 200 records; HubSpot refuses paging past 10,000 results of one search. */
const SEARCH_PAGE = 200;
const SEARCH_WINDOW = 10_000;
const LIST_PAGE = 100;
const BATCH = 100;

interface HttpInfo<T> {
  httpStatusCode: number;
  headers: Record<string, string>;
  data: T;
}

/**
 * The HubSpot connector over @hubspot/api-client. The SDK's own retry and limiter are
 * off (its retry ignores Retry-After and its limiter is process-wide); two VendorGates
 * pace calls instead: the account's 10-second limit and the search limit.
 */
export function createHubspotConnector(
  config: HubspotSystemConfig,
  ctx: ConnectorContext,
  options: HubspotConnectorOptions = {},
): Connector {
  const client = new Client({
    accessToken: config.accessToken,
    ...(config.baseUrl ? { basePath: config.baseUrl } : {}),
  });
  const retry = options.retry ? { retry: options.retry } : {};
  const gate = new VendorGate({ cap: config.rateLimit.perTenSeconds, intervalMs: 10_000, concurrency: 4, ...retry });
  const searchGate = new VendorGate({
    cap: config.rateLimit.searchPerSecond,
    intervalMs: 1_000,
    concurrency: 1,
    ...retry,
  });
  const properties = companyProperties(ctx);

  const call = <T>(which: VendorGate, fn: () => Promise<HttpInfo<T>>, signal?: AbortSignal): Promise<HttpInfo<T>> =>
    which.run(async () => {
      try {
        const info = await fn();
        const remaining = Number(info.headers['x-hubspot-ratelimit-remaining']);
        const interval = Number(info.headers['x-hubspot-ratelimit-interval-milliseconds']);
        if (Number.isFinite(remaining))
          which.observe({ remaining, ...(Number.isFinite(interval) ? { resetMs: interval } : {}) });
        return info;
      } catch (error) {
        throw toSpocError(error);
      }
    }, signal);

  type SearchResult = {
    results: { id: string; properties: Record<string, string | null> }[];
    paging?: { next?: { after?: string } };
  };
  const search = (objectType: 'companies' | 'contacts', body: object, signal?: AbortSignal) =>
    call<SearchResult>(
      searchGate,
      () =>
        (objectType === 'companies'
          ? client.crm.companies.searchApi.doSearchWithHttpInfo(body as never)
          : client.crm.contacts.searchApi.doSearchWithHttpInfo(body as never)) as unknown as Promise<
          HttpInfo<SearchResult>
        >,
      signal,
    );

  type BatchResult = { errors?: { message: string; category: string; context?: Record<string, string[]> }[] };
  const batchUpdate = (
    objectType: 'companies' | 'contacts',
    inputs: { id: string; properties: Record<string, string> }[],
    signal?: AbortSignal,
  ) =>
    call<BatchResult>(
      gate,
      () =>
        (objectType === 'companies'
          ? client.crm.companies.batchApi.updateWithHttpInfo({ inputs })
          : client.crm.contacts.batchApi.updateWithHttpInfo({ inputs })) as unknown as Promise<HttpInfo<BatchResult>>,
      signal,
    );

  /** Per-input failures of a 207 (HubSpot names the failing ids in each error's context). */
  const failuresOf = (result: BatchResult): Map<string, { code: string; message: string }> => {
    const failed = new Map<string, { code: string; message: string }>();
    for (const error of result.errors ?? []) {
      for (const id of error.context?.ids ?? []) failed.set(id, { code: error.category, message: error.message });
    }
    return failed;
  };

  return {
    system: 'hubspot',

    async check(signal) {
      const problems: string[] = [];
      try {
        await call(
          gate,
          () => client.crm.owners.ownersApi.getPageWithHttpInfo(undefined, undefined, 1) as never,
          signal,
        );
      } catch (error) {
        return { ok: false, problems: [toSpocError(error).message] };
      }
      for (const name of properties.filter((p) => p !== 'name' && p !== 'domain')) {
        try {
          await call(
            gate,
            () => client.crm.properties.coreApi.getByNameWithHttpInfo('companies', name) as never,
            signal,
          );
        } catch (error) {
          const e = toSpocError(error);
          problems.push(e.status === 404 ? `HubSpot companies have no property ${name}` : e.message);
        }
      }
      try {
        // An empty batch proves the write scope without changing anything.
        await batchUpdate('companies', [], signal);
      } catch (error) {
        const e = toSpocError(error);
        if (e.kind === 'auth') problems.push(e.message);
      }
      return { ok: problems.length === 0, problems };
    },

    async *listPeople(signal) {
      for (const archived of [false, true]) {
        let after: string | undefined;
        do {
          type Owners = { results: unknown[]; paging?: { next?: { after?: string } } };
          const page = await call<Owners>(
            gate,
            () =>
              client.crm.owners.ownersApi.getPageWithHttpInfo(undefined, after, 500, archived) as unknown as Promise<
                HttpInfo<Owners>
              >,
            signal,
          );
          yield page.data.results.flatMap((raw) => toPerson(raw, archived) ?? []);
          after = page.data.paging?.next?.after;
        } while (after);
      }
    },

    async *readAccounts(query) {
      let cursor: HubspotCursor | null = query.since ? parseCursor(query.since) : null;
      const toPage = (raws: unknown[]): AccountPage => {
        const page: AccountPage = { records: [], cursor: '', rejected: [] };
        for (const raw of raws) {
          const mapped = toCompany(raw, ctx);
          if ('rejected' in mapped) page.rejected?.push({ id: mapped.id, reason: mapped.rejected });
          else {
            page.records.push(mapped.record);
            cursor = laterCursor(cursor, mapped.mark);
          }
        }
        page.cursor = JSON.stringify(cursor ?? { ts: 0, id: '0' });
        return page;
      };

      if (query.since === null) {
        let after: string | undefined;
        do {
          type List = { results: unknown[]; paging?: { next?: { after?: string } } };
          const page = await call<List>(
            gate,
            () =>
              client.crm.companies.basicApi.getPageWithHttpInfo(LIST_PAGE, after, properties) as unknown as Promise<
                HttpInfo<List>
              >,
            query.signal,
          );
          yield toPage(page.data.results);
          after = page.data.paging?.next?.after;
        } while (after);
        return;
      }

      // Incremental: search by (modified, id) after the cursor. Before the 10,000-result
      // window closes, restart from the last record read, so ties and large backlogs
      // are read exactly once.
      let from: HubspotCursor = cursor ?? { ts: 0, id: '0' };
      for (;;) {
        let offset = 0;
        let more = false;
        do {
          const result = await search(
            'companies',
            {
              filterGroups: modifiedSince(from),
              sorts: MODIFIED_SORTS,
              properties,
              limit: SEARCH_PAGE,
              after: String(offset),
            },
            query.signal,
          );
          yield toPage(result.data.results);
          offset += SEARCH_PAGE;
          more = Boolean(result.data.paging?.next?.after);
        } while (more && offset + SEARCH_PAGE <= SEARCH_WINDOW);
        if (!more || cursor === null) return;
        from = cursor;
      }
    },

    async writeAssignments(writes: AssignmentWrite[], signal) {
      const byRecord = fieldsByRecord(writes, ctx.roles);
      const ids = [...byRecord.keys()];
      const outcomes = new Map<string, RecordOutcome>(ids.map((id) => [id, { ok: true }]));
      for (let i = 0; i < ids.length; i += BATCH) {
        const inputs = ids.slice(i, i + BATCH).map((id) => ({ id, properties: byRecord.get(id) ?? {} }));
        try {
          const result = await batchUpdate('companies', inputs, signal);
          for (const [id, f] of failuresOf(result.data)) outcomes.set(id, { ok: false, ...f });
        } catch (error) {
          const e = toSpocError(error);
          // A rejected batch (400) fails its records; transient and fatal errors stop the run.
          if (e.kind !== 'vendor' || e.status !== 400) throw e;
          for (const input of inputs) outcomes.set(input.id, { ok: false, code: e.code, message: e.message });
        }
      }
      return writeResults(writes, ctx.roles, outcomes, 'HubSpot');
    },

    async cascadeContacts(updates: ContactOwnerUpdate[], signal) {
      const owner = new Map(updates.map((u) => [u.accountRecordId, u.ownerId]));
      const results = new Map<string, CascadeResult>(
        updates.map((u) => [u.accountRecordId, { accountRecordId: u.accountRecordId, updated: 0, failed: [] }]),
      );
      const pending: { id: string; company: string; ownerId: string }[] = [];
      const companies = [...owner.keys()];
      for (let i = 0; i < companies.length; i += BATCH) {
        let after = 0;
        let more = true;
        while (more) {
          const result = await search(
            'contacts',
            {
              filterGroups: [
                { filters: [{ propertyName: CONTACT_COMPANY, operator: 'IN', values: companies.slice(i, i + BATCH) }] },
              ],
              properties: [CONTACT_COMPANY, CONTACT_OWNER],
              limit: SEARCH_PAGE,
              after: String(after),
            },
            signal,
          );
          for (const contact of result.data.results) {
            const company = contact.properties[CONTACT_COMPANY] ?? '';
            const target = owner.get(company);
            if (target && contact.properties[CONTACT_OWNER] !== target)
              pending.push({ id: contact.id, company, ownerId: target });
          }
          after += SEARCH_PAGE;
          more = Boolean(result.data.paging?.next?.after) && after + SEARCH_PAGE <= SEARCH_WINDOW;
        }
      }
      for (let i = 0; i < pending.length; i += BATCH) {
        const chunk = pending.slice(i, i + BATCH);
        const result = await batchUpdate(
          'contacts',
          chunk.map((c) => ({ id: c.id, properties: { [CONTACT_OWNER]: c.ownerId } })),
          signal,
        );
        const failed = failuresOf(result.data);
        for (const c of chunk) {
          const r = results.get(c.company);
          if (!r) continue;
          const f = failed.get(c.id);
          if (f) r.failed.push({ id: c.id, error: { code: f.code, kind: 'record', message: f.message } });
          else r.updated++;
        }
      }
      return [...results.values()];
    },

    stats: () => {
      const a = gate.stats();
      const b = searchGate.stats();
      return { calls: a.calls + b.calls, retries: a.retries + b.retries, throttled: a.throttled + b.throttled };
    },
  };
}

function parseCursor(cursor: string): HubspotCursor | null {
  try {
    const parsed = JSON.parse(cursor) as Partial<HubspotCursor>;
    return typeof parsed.ts === 'number' && typeof parsed.id === 'string' ? { ts: parsed.ts, id: parsed.id } : null;
  } catch {
    return null;
  }
}
