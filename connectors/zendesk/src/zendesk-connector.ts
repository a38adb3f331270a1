import {
  type AccountPage,
  type AssignmentWrite,
  type CascadeResult,
  type Connector,
  type ConnectorContext,
  fieldsByRecord,
  type RecordOutcome,
  type RetryOptions,
  sleep,
  type TicketHandover,
  VendorGate,
  writeResults,
  type ZendeskSystemConfig,
} from '@spoc/core';
import zendesk from 'node-zendesk';
import type { z } from 'zod';
import { networkError, responseError } from './errors.ts';
import {
  fieldProblem,
  organizationUpdate,
  TicketApiSchema,
  ticketSearch,
  ticketsHeldBy,
  toOrganization,
  toPerson,
  UNSOLVED,
} from './mapping.ts';

export interface ZendeskConnectorOptions {
  retry?: Partial<RetryOptions>;
  /** First wait before polling a job, doubling up to 8× (default 500 ms). */
  jobPollMs?: number;
  /** Give up on a job after this long and report its records as failed (default 10 min). */
  jobTimeoutMs?: number;
}

interface Response<T> {
  result: T;
  date: string | null;
}

interface JobStatus {
  id: string;
  status: 'queued' | 'working' | 'completed' | 'failed' | 'killed';
  message?: string | null;
  results?:
    | { id?: number; index?: number; success?: boolean; status?: string; error?: string; details?: string }[]
    | null;
}

type Cursor = { startTime: number };
const BATCH = 100;

/**
 * The Zendesk connector over node-zendesk. Calls go through the client's raw request
 * (its auth, URL building and transport) rather than the list helpers, because those
 * return a 429 as a value, follow every page without letting spoc pace or checkpoint,
 * and stop incremental exports after one page. Full reads use cursor paging (100 a
 * page); incremental reads use the incremental export from the stored start time: it
 * has its own 10-a-minute limit and excludes the last minute, which the next run
 * picks up because the cursor is the export's own end_time.
 */
export function createZendeskConnector(
  config: ZendeskSystemConfig,
  ctx: ConnectorContext,
  options: ZendeskConnectorOptions = {},
): Connector {
  const client = zendesk.createClient({
    endpointUri: config.baseUrl,
    ...(config.oauthToken
      ? { token: config.oauthToken, oauth: true }
      : { username: config.email ?? '', token: config.apiToken ?? '' }),
  });
  const retry = options.retry ? { retry: options.retry } : {};
  const gate = new VendorGate({ cap: config.rateLimit.perMinute, intervalMs: 60_000, concurrency: 4, ...retry });
  const exportGate = new VendorGate({ cap: 10, intervalMs: 60_000, concurrency: 1, ...retry });
  const pollMs = options.jobPollMs ?? 500;
  const jobTimeoutMs = options.jobTimeoutMs ?? 600_000;

  async function call<T>(
    method: string,
    uri: string | string[],
    body?: object,
    signal?: AbortSignal,
    which = gate,
  ): Promise<Response<T>> {
    return which.run(async () => {
      let raw: { response: { status: number; headers: { get(name: string): string | null } }; result: unknown };
      try {
        // Any service client shares the account's auth and endpoint; its raw request
        // returns status and headers instead of interpreting them.
        raw = (await client.organizations._rawRequest(
          method,
          Array.isArray(uri) ? [...uri] : uri,
          ...(body ? [body] : []),
        )) as typeof raw;
      } catch (error) {
        throw networkError(error);
      }
      const { response, result } = raw;
      // An absent header must not read as 0 (Number(null) === 0 would pause the gate).
      const header = response.headers.get('x-rate-limit-remaining');
      if (header !== null && header.trim() !== '' && Number.isFinite(Number(header)))
        which.observe({ remaining: Number(header) });
      if (response.status < 200 || response.status >= 300)
        throw responseError(response.status, result, response.headers.get('retry-after'));
      return { result: result as T, date: response.headers.get('date') };
    }, signal);
  }

  /** Follows Zendesk's cursor pagination (links.next while meta.has_more). */
  async function* pages<T>(first: string[], signal?: AbortSignal): AsyncGenerator<Response<T>> {
    let next: string | string[] | null = first;
    while (next) {
      const page: Response<T & { meta?: { has_more?: boolean }; links?: { next?: string | null } }> = await call(
        'GET',
        next,
        undefined,
        signal,
      );
      yield page;
      next = page.result.meta?.has_more && page.result.links?.next ? page.result.links.next : null;
    }
  }

  async function waitForJob(jobId: string, signal?: AbortSignal): Promise<JobStatus> {
    const deadline = Date.now() + jobTimeoutMs;
    let wait = pollMs;
    for (;;) {
      await sleep(wait, signal);
      const { result } = await call<{ job_status: JobStatus }>('GET', ['job_statuses', jobId], undefined, signal);
      const job = result.job_status;
      if (job.status === 'completed' || job.status === 'failed' || job.status === 'killed') return job;
      if (Date.now() > deadline)
        return { ...job, status: 'failed', message: `job ${jobId} still ${job.status} after ${jobTimeoutMs} ms` };
      wait = Math.min(wait * 2, pollMs * 8);
    }
  }

  /** Runs one update_many job and returns, per id, whether Zendesk applied it. */
  async function updateMany(
    uri: string[],
    body: object,
    ids: string[],
    signal?: AbortSignal,
  ): Promise<Map<string, RecordOutcome>> {
    const { result } = await call<{ job_status: JobStatus }>('PUT', uri, body, signal);
    const job = await waitForJob(result.job_status.id, signal);
    const outcome = new Map<string, RecordOutcome>();
    for (const r of job.results ?? []) {
      const id = r.id !== undefined ? String(r.id) : r.index !== undefined ? ids[r.index] : undefined;
      if (id === undefined) continue;
      if (r.success === false || r.error)
        outcome.set(id, { ok: false, code: r.error ?? 'FAILED', message: r.details ?? r.error ?? 'update failed' });
      else outcome.set(id, { ok: true });
    }
    for (const id of ids) {
      if (!outcome.has(id)) {
        const why =
          job.status === 'completed'
            ? 'the job reported no result for this record'
            : `job ${job.status}: ${job.message ?? 'no detail'}`;
        outcome.set(id, { ok: false, code: job.status === 'completed' ? 'NO_RESULT' : 'JOB_FAILED', message: why });
      }
    }
    return outcome;
  }

  /** Zendesk lookup fields hold user ids as numbers; email text fields keep their string. */
  const lookupIdsAsNumbers = (fields: Record<string, string>): Record<string, string | number> => {
    const kinds = new Map(Object.values(ctx.roles).map((m) => [m.field, m.value]));
    return Object.fromEntries(Object.entries(fields).map(([k, v]) => [k, kinds.get(k) === 'id' ? Number(v) : v]));
  };

  /** All results of a ticket search (following next_page), and whether the 1,000 cap cut it short. */
  async function searchTickets(query: string, signal?: AbortSignal) {
    const tickets: z.infer<typeof TicketApiSchema>[] = [];
    let next: string | string[] | null = ['search', `?query=${encodeURIComponent(query)}`];
    let capped = false;
    while (next) {
      const page: Response<{ results: unknown[]; next_page?: string | null; count?: number }> = await call(
        'GET',
        next,
        undefined,
        signal,
      );
      for (const raw of page.result.results) {
        const t = TicketApiSchema.safeParse(raw);
        if (t.success) tickets.push(t.data);
      }
      capped ||= (page.result.count ?? 0) > 1000;
      next = page.result.next_page && tickets.length < 1000 ? page.result.next_page : null;
    }
    return { tickets, capped };
  }

  return {
    system: 'zendesk',

    async check(signal) {
      const problems: string[] = [];
      try {
        await call('GET', ['users', 'me'], undefined, signal);
        type Fields = {
          organization_fields: { key: string; type: string; active?: boolean; relationship_target_type?: string }[];
        };
        const { result } = await call<Fields>('GET', ['organization_fields'], undefined, signal);
        const byKey = new Map(result.organization_fields.map((f) => [f.key, f]));
        for (const [role, mapping] of Object.entries(ctx.roles)) {
          const problem = fieldProblem(byKey.get(mapping.field), mapping.field, mapping.value);
          if (problem) problems.push(`${problem} (role ${role})`);
        }
        for (const xref of ctx.xrefFields) {
          if (xref !== 'external_id' && !byKey.has(xref))
            problems.push(`Zendesk has no organization field "${xref}" (cross-reference)`);
        }
      } catch (error) {
        problems.push(error instanceof Error ? error.message : String(error));
      }
      return { ok: problems.length === 0, problems };
    },

    async *listPeople(signal) {
      for await (const page of pages<{ users: unknown[] }>(
        ['users', '?role[]=agent&role[]=admin&page[size]=100'],
        signal,
      )) {
        yield page.result.users.flatMap((u) => toPerson(u) ?? []);
      }
    },

    async *readAccounts(query) {
      const toPage = (raws: unknown[], cursor: Cursor): AccountPage => {
        const page: AccountPage = { records: [], cursor: JSON.stringify(cursor), rejected: [] };
        for (const raw of raws) {
          const mapped = toOrganization(raw, ctx);
          if ('rejected' in mapped) page.rejected?.push({ id: mapped.id, reason: mapped.rejected });
          else page.records.push(mapped);
        }
        return page;
      };

      const since = query.since ? (JSON.parse(query.since) as Partial<Cursor>) : null;
      if (!since || typeof since.startTime !== 'number') {
        // Full read. The next incremental export starts a minute before this read began
        // (by Zendesk's clock), so nothing changed during the read is missed.
        let startTime: number | null = null;
        for await (const page of pages<{ organizations: unknown[] }>(
          ['organizations', '?page[size]=100'],
          query.signal,
        )) {
          startTime ??= Math.floor((page.date ? Date.parse(page.date) : Date.now()) / 1000) - 60;
          yield toPage(page.result.organizations, { startTime });
        }
        return;
      }

      let next: string | string[] = ['incremental', 'organizations', `?start_time=${since.startTime}`];
      for (;;) {
        type Export = {
          organizations: unknown[];
          next_page?: string | null;
          end_time?: number;
          end_of_stream?: boolean;
        };
        const { result }: Response<Export> = await call<Export>('GET', next, undefined, query.signal, exportGate);
        const endTime = typeof result.end_time === 'number' ? result.end_time : since.startTime;
        yield toPage(result.organizations, { startTime: endTime });
        if (result.end_of_stream !== false || !result.next_page) return;
        next = result.next_page;
      }
    },

    async writeAssignments(writes: AssignmentWrite[], signal) {
      const byOrg = fieldsByRecord(writes, ctx.roles);
      const ids = [...byOrg.keys()];
      const outcomes = new Map<string, RecordOutcome>();
      for (let i = 0; i < ids.length; i += BATCH) {
        const chunk = ids.slice(i, i + BATCH);
        const body = {
          organizations: chunk.map((id) => organizationUpdate(id, lookupIdsAsNumbers(byOrg.get(id) ?? {}))),
        };
        for (const [id, o] of await updateMany(['organizations', 'update_many'], body, chunk, signal))
          outcomes.set(id, o);
      }
      return writeResults(writes, ctx.roles, outcomes, 'Zendesk');
    },

    async handOverOpenTickets(handovers: TicketHandover[], signal) {
      const results = new Map<string, CascadeResult>(
        handovers.map((h) => [h.accountRecordId, { accountRecordId: h.accountRecordId, updated: 0, failed: [] }]),
      );
      // One search per previous POC (not per organization): their unsolved tickets,
      // kept only for the organizations they hand over. Search indexes lag behind
      // edits, so assignee and status are checked again on each result.
      const byPrevious = new Map<string, Map<string, string>>();
      for (const h of handovers) {
        const orgs = byPrevious.get(h.fromId) ?? new Map<string, string>();
        orgs.set(h.accountRecordId, h.toId);
        byPrevious.set(h.fromId, orgs);
      }
      for (const [fromId, orgs] of byPrevious) {
        let tickets = await searchTickets(ticketsHeldBy(fromId), signal);
        if (tickets.capped) {
          // Over Zendesk's 1,000-result search cap: narrow the search to each organization.
          const perOrg = await Promise.all(
            [...orgs.keys()].map((org) => searchTickets(ticketSearch(org, fromId), signal)),
          );
          tickets = { tickets: perOrg.flatMap((t) => t.tickets), capped: perOrg.some((t) => t.capped) };
          if (tickets.capped)
            ctx.logger.warn(
              { fromId },
              'over 1,000 open tickets in one organization: the rest move on a later handover',
            );
        }
        const moves = new Map<string, { id: string; org: string }[]>();
        for (const t of tickets.tickets) {
          const org = String(t.organization_id);
          const toId = orgs.get(org);
          if (!toId || String(t.assignee_id) !== fromId || !UNSOLVED.includes(t.status)) continue;
          const list = moves.get(toId) ?? [];
          list.push({ id: String(t.id), org });
          moves.set(toId, list);
        }
        for (const [toId, list] of moves) {
          for (let i = 0; i < list.length; i += BATCH) {
            const chunk = list.slice(i, i + BATCH);
            const ids = chunk.map((t) => t.id);
            const outcome = await updateMany(
              ['tickets', 'update_many', `?ids=${ids.join(',')}`],
              { ticket: { assignee_id: Number(toId) } },
              ids,
              signal,
            );
            for (const t of chunk) {
              const result = results.get(t.org);
              const o = outcome.get(t.id);
              if (!result) continue;
              if (o?.ok) result.updated++;
              else
                result.failed.push({
                  id: t.id,
                  error: {
                    code: o?.code ?? 'NO_RESULT',
                    kind: 'record',
                    message: o && !o.ok ? o.message : 'not moved',
                  },
                });
            }
          }
        }
      }
      return [...results.values()];
    },

    stats: () => {
      const a = gate.stats();
      const b = exportGate.stats();
      return { calls: a.calls + b.calls, retries: a.retries + b.retries, throttled: a.throttled + b.throttled };
    },
  };
}
