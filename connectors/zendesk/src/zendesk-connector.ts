import {
  type AccountPage,
  type AssignmentWrite,
  type Connector,
  type ConnectorContext,
  fieldsByRecord,
  isSpocError,
  type RecordOutcome,
  type RetryOptions,
  VendorGate,
  writeResults,
  type ZendeskSystemConfig,
} from '@spoc/core';
import zendesk from 'node-zendesk';
import { applyTicketMoves, countOpenTickets, type HandoverDeps, previewTickets } from './handover.ts';
import { cursorPages, type Page, type ZendeskUri, zendeskCall } from './http.ts';
import { allFailed, runBulkJob } from './jobs.ts';
import {
  credentialsProblem,
  exportPage,
  fieldProblem,
  isFieldXref,
  organizationFieldDefinitions,
  organizationsPage,
  organizationsUpdate,
  toOrganization,
  toPerson,
  usersPage,
} from './mapping.ts';

export interface ZendeskConnectorOptions {
  /** Retry tuning for both gates (tests use tiny delays). */
  retry?: Partial<RetryOptions>;
  /** First wait before polling a job, doubling up to 8× (default 500 ms). */
  jobPollMs?: number;
  /** Give up on a job after this long and report its records as failed (default 10 min). */
  jobTimeoutMs?: number;
  /** Requests a minute to the incremental export (Zendesk's limit: 10). */
  exportPerMinute?: number;
  /** Bulk jobs in flight at once (default 3; Zendesk queues at most 30 per account). */
  jobConcurrency?: number;
}

/** Resume point of incremental reads: the export's start_time (Unix seconds, inclusive). */
type ReadCursor = { startTime: number };
const BATCH = 100;
const PAGE = 'page[size]=100';

/**
 * The Zendesk connector over node-zendesk.
 *
 * Incremental reads use the time-based incremental organization export rather than
 * listing every organization and filtering on updated_at: Zendesk's organization list
 * has no updated_at filter (a filtered listing would still cost ⌈N/100⌉ calls), and
 * search lags and caps at 1,000. The export costs one call when nothing changed. Its
 * costs are handled here: it has its own 10-a-minute limit (its own gate); start_time
 * is inclusive, so the cursor is the export's end_time (the last record's second) and
 * records of that same second are read again next time, never skipped; it leaves out
 * the last minute, and since end_time never passes what it returned, that minute is
 * read by the next run.
 */
export function createZendeskConnector(
  config: ZendeskSystemConfig,
  ctx: ConnectorContext,
  options: ZendeskConnectorOptions = {},
): Connector {
  const logger = ctx.logger;
  const client = zendesk.createClient({
    endpointUri: config.baseUrl,
    ...(config.oauthToken
      ? { token: config.oauthToken, oauth: true }
      : { username: config.email ?? '', token: config.apiToken ?? '' }),
  });
  const retry = options.retry ? { retry: options.retry } : {};
  const gate = new VendorGate({ cap: config.rateLimit.perMinute, intervalMs: 60_000, concurrency: 4, ...retry });
  const exportGate = new VendorGate({
    cap: options.exportPerMinute ?? 10,
    intervalMs: 60_000,
    concurrency: 1,
    ...retry,
  });
  const jobConcurrency = Math.max(1, options.jobConcurrency ?? 3);
  const jobOptions = { pollMs: options.jobPollMs ?? 500, timeoutMs: options.jobTimeoutMs ?? 600_000 };

  const call = <T = unknown>(method: 'GET' | 'PUT', uri: ZendeskUri, body?: object, signal?: AbortSignal) =>
    zendeskCall<T>(client, gate, method, uri, body, signal);
  const get = (uri: ZendeskUri, signal?: AbortSignal) => call('GET', uri, undefined, signal);
  const bulk = (uri: ZendeskUri, body: object, ids: string[], signal?: AbortSignal) =>
    runBulkJob((m, u, b) => call(m, u, b, signal), uri, body, ids, jobOptions, signal);
  const handoverDeps = (signal?: AbortSignal): HandoverDeps => ({
    get: (uri) => get(uri, signal),
    bulk: (uri, body, ids) => bulk(uri, body, ids, signal),
    logger,
  });

  const toPage = (raws: unknown[], cursor: ReadCursor): AccountPage => {
    const page: AccountPage = { records: [], cursor: JSON.stringify(cursor), rejected: [] };
    for (const raw of raws) {
      const mapped = toOrganization(raw, ctx);
      if ('rejected' in mapped) page.rejected?.push({ id: mapped.id, reason: mapped.rejected });
      else page.records.push(mapped);
    }
    return page;
  };

  async function* fullRead(signal?: AbortSignal): AsyncGenerator<AccountPage> {
    let startTime: number | null = null;
    for await (const page of cursorPages((uri) => get(uri, signal), ['organizations'], PAGE)) {
      // The next export starts a minute before this read began, by Zendesk's clock: it
      // catches whatever changed during the read, and the export refuses a start_time
      // from the last minute, so a run right after this one still works.
      startTime ??= Math.floor((page.date ? Date.parse(page.date) : Date.now()) / 1000) - 60;
      yield toPage(organizationsPage(page.result), { startTime });
    }
  }

  async function* incrementalRead(since: ReadCursor, signal?: AbortSignal): AsyncGenerator<AccountPage> {
    let start = since.startTime;
    // Records of the boundary second come back on the next page: yield each version once.
    const seen = new Set<string>();
    for (;;) {
      let page: Page<unknown>;
      try {
        page = await zendeskCall(
          client,
          exportGate,
          'GET',
          ['incremental', 'organizations', `?start_time=${start}`],
          undefined,
          signal,
        );
      } catch (error) {
        // A start_time inside the last minute (clock skew) is refused; nothing is lost by waiting.
        if (isTooRecent(error)) {
          yield toPage([], { startTime: start });
          return;
        }
        throw error;
      }
      const e = exportPage(page.result);
      const fresh = e.records.filter((raw) => {
        const key = versionKey(raw);
        if (seen.has(key)) return false;
        seen.add(key);
        return true;
      });
      const endTime = e.endTime ?? start;
      yield toPage(fresh, { startTime: Math.max(start, endTime) });
      if (e.endOfStream) return;
      if (endTime <= start) {
        // A full page within one second would never advance; stop rather than spin on the
        // 10-a-minute limit. The cursor stays, so nothing is lost.
        logger.warn({ startTime: start }, 'incremental export did not advance; resuming next run');
        return;
      }
      start = endTime;
    }
  }

  return {
    system: 'zendesk',

    async check(signal) {
      const problems: string[] = [];
      try {
        const me = await get(['users', 'me'], signal);
        const who = credentialsProblem(me.result);
        if (who) problems.push(who);
        const defs = organizationFieldDefinitions((await get(['organization_fields'], signal)).result);
        for (const [role, mapping] of Object.entries(ctx.roles)) {
          const problem = fieldProblem(defs.get(mapping.field), mapping.field, mapping.value);
          if (problem) problems.push(`${problem} (role ${role})`);
        }
        for (const xref of ctx.xrefFields) {
          if (isFieldXref(xref) && !defs.has(xref))
            problems.push(`Zendesk has no organization field "${xref}" (cross-reference)`);
        }
      } catch (error) {
        problems.push(error instanceof Error ? error.message : String(error));
      }
      return { ok: problems.length === 0, problems };
    },

    async *listPeople(signal) {
      for await (const page of cursorPages((uri) => get(uri, signal), ['users'], `role[]=agent&role[]=admin&${PAGE}`)) {
        yield usersPage(page.result).flatMap((u) => toPerson(u) ?? []);
      }
    },

    readAccounts(query) {
      const since = parseCursor(query.since);
      if (query.since !== null && !since)
        logger.warn({ cursor: query.since }, 'unreadable Zendesk cursor: reading all organizations');
      return since ? incrementalRead(since, query.signal) : fullRead(query.signal);
    },

    async writeAssignments(writes: AssignmentWrite[], signal) {
      const byOrg = fieldsByRecord(writes, ctx.roles);
      const ids = [...byOrg.keys()];
      const chunks: string[][] = [];
      for (let i = 0; i < ids.length; i += BATCH) chunks.push(ids.slice(i, i + BATCH));
      const outcomes = new Map<string, RecordOutcome>();
      let stopped: unknown = null;
      let written = false;
      // A few jobs in flight at once: Zendesk runs them in the background, so waiting on
      // one at a time would leave the rate budget idle. Same number of calls.
      let next = 0;
      const worker = async () => {
        for (let k = next++; k < chunks.length; k = next++) {
          const chunk = chunks[k] ?? [];
          if (stopped) {
            for (const [id, o] of allFailed(chunk, stopped)) outcomes.set(id, o);
            continue;
          }
          const body = organizationsUpdate(
            chunk.map((id) => [id, byOrg.get(id) ?? {}]),
            ctx.roles,
          );
          try {
            for (const [id, o] of await bulk(['organizations', 'update_many'], body, chunk, signal))
              outcomes.set(id, o);
            written = true;
          } catch (error) {
            // A rejected chunk (4xx) fails only itself; anything else (auth, Zendesk down
            // after retries, abort) stops starting new chunks.
            if (!isSpocError(error) || error.kind !== 'vendor') stopped ??= error;
            for (const [id, o] of allFailed(chunk, error)) outcomes.set(id, o);
          }
        }
      };
      await Promise.all(Array.from({ length: Math.min(jobConcurrency, chunks.length) }, worker));
      // Nothing was written: let the run stop this system rather than report every record.
      if (stopped && !written) throw stopped;
      return writeResults(writes, ctx.roles, outcomes, 'Zendesk');
    },

    cascades: ['openTickets'],
    previewCascade: (requests, signal) => previewTickets(handoverDeps(signal), requests),
    applyCascade: (moves, signal) => applyTicketMoves(handoverDeps(signal), moves),
    countCascadeScope: (_kind, signal) => countOpenTickets(handoverDeps(signal)),

    stats: () => {
      const a = gate.stats();
      const b = exportGate.stats();
      return { calls: a.calls + b.calls, retries: a.retries + b.retries, throttled: a.throttled + b.throttled };
    },
  };
}

function parseCursor(cursor: string | null): ReadCursor | null {
  if (cursor === null) return null;
  try {
    const parsed = JSON.parse(cursor) as Partial<ReadCursor> | null;
    return typeof parsed?.startTime === 'number' && Number.isInteger(parsed.startTime)
      ? { startTime: parsed.startTime }
      : null;
  } catch {
    return null;
  }
}

function isTooRecent(error: unknown): boolean {
  return isSpocError(error) && error.status === 400 && /too recent/i.test(error.message);
}

/** One version of a raw record: the same version serialises the same, an edit differently. */
function versionKey(raw: unknown): string {
  return JSON.stringify(raw);
}
