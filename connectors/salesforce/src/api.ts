import type { ConnectorStats, RetryOptions } from '@spoc/core/connector';
import { backoffDelay, DEFAULT_RETRY, SpocError, VendorGate } from '@spoc/core/connector';
import { Connection, type HttpRequest, type HttpResponse } from 'jsforce';
import type { z } from 'zod';
import { ApiShare } from './api-share.ts';
import { type ResponseInfo, toSpocError } from './errors.ts';
import {
  DescribeApiSchema,
  type QueryPage,
  QueryPageApiSchema,
  type SaveResult,
  SaveResultsApiSchema,
} from './mapping.ts';
import { Session } from './session.ts';
import type { SalesforceSettings } from './settings.ts';

export interface SalesforceApiOptions {
  retry?: Partial<RetryOptions>;
  /** A call that has not answered by then is abandoned and retried (ms). */
  requestTimeoutMs: number;
  /** Replaces the org's daily allocation (Sforce-Limit-Info MAX) in the share rule. */
  dailyAllocation?: number;
  /** Sforce-Query-Options batchSize (200–2,000); unset = Salesforce's default of 2,000. */
  queryBatchSize?: number;
}

/** Salesforce's cap on records per composite/sobjects call. */
export const COLLECTION_LIMIT = 200;

/**
 * Every Salesforce call of the connector goes through here: one VendorGate (retries with
 * backoff for transient errors, PATCH included), the daily-share guard, one token renewal
 * and replay after a 401, and error mapping. jsforce's own retry is off (it would retry
 * GETs blindly, never PATCH, and ignore Retry-After) and so is its session refresh.
 */
export class SalesforceApi {
  private readonly conn: Connection;
  private readonly session: Session;
  private readonly gate: VendorGate;
  private readonly share: ApiShare;
  private readonly options: SalesforceApiOptions;
  /** Replays after a renewed token: calls the gate did not see. */
  private replays = 0;

  constructor(config: SalesforceSettings, options: SalesforceApiOptions) {
    this.options = options;
    this.conn = new Connection({
      instanceUrl: config.instanceUrl,
      version: config.apiVersion,
      ...(config.accessToken ? { accessToken: config.accessToken } : {}),
    });
    this.session = new Session(this.conn, config, options.requestTimeoutMs);
    this.share = new ApiShare(config.dailyApiShare, options.dailyAllocation);
    // Salesforce has no per-second or per-minute limit, only the daily allocation (guarded
    // by ApiShare) and 25 concurrent requests running longer than 20 s per org. So the gate
    // caps concurrency at 25 and its rate cap is set far above anything a run reaches.
    this.gate = new VendorGate({
      cap: 10_000,
      intervalMs: 1_000,
      concurrency: 25,
      ...(options.retry ? { retry: options.retry } : {}),
    });
  }

  /** The wait before re-sending records a row lock refused, round 1, 2, …: the retry policy's backoff. */
  backoffMs(round: number): number {
    return backoffDelay(round, { ...DEFAULT_RETRY, ...this.options.retry });
  }

  /** One GET, validated against `schema`. */
  async get<S extends z.ZodType>(url: string, schema: S, signal?: AbortSignal): Promise<z.infer<S>> {
    return parse(schema, await this.send({ method: 'GET', url }, signal), url);
  }

  /** SOQL, page by page through nextRecordsUrl: one call a page, nothing else. */
  async *query(soql: string, signal?: AbortSignal): AsyncGenerator<QueryPage> {
    const headers: Record<string, string> = this.options.queryBatchSize
      ? { 'Sforce-Query-Options': `batchSize=${this.options.queryBatchSize}` }
      : {};
    let url = `/query?q=${encodeURIComponent(soql)}`;
    for (;;) {
      const page = parse(QueryPageApiSchema, await this.send({ method: 'GET', url, headers }, signal), 'query');
      yield page;
      if (page.done || !page.nextRecordsUrl) return;
      url = page.nextRecordsUrl;
    }
  }

  /** PATCH /composite/sobjects, allOrNone false: one result per record, in order. */
  async update(records: Record<string, unknown>[], signal?: AbortSignal): Promise<SaveResult[]> {
    if (records.length > COLLECTION_LIMIT) throw new Error(`at most ${COLLECTION_LIMIT} records per call`);
    const body = await this.send(
      {
        method: 'PATCH',
        url: '/composite/sobjects',
        body: JSON.stringify({ allOrNone: false, records }),
        headers: { 'content-type': 'application/json' },
      },
      signal,
    );
    return parse(SaveResultsApiSchema, body, 'composite/sobjects');
  }

  describe(type: string, signal?: AbortSignal) {
    return this.get(`/sobjects/${type}/describe`, DescribeApiSchema, signal);
  }

  stats(): ConnectorStats {
    const s = this.gate.stats();
    const usage = this.share.usage();
    return {
      ...s,
      calls: s.calls + this.replays,
      ...(usage ? { daily: { used: usage.used, limit: usage.max } } : {}),
    };
  }

  /** Org-wide usage from the last Sforce-Limit-Info seen (MAX overridden when configured). */
  usage(): { used: number; max: number } | null {
    return this.share.usage();
  }

  private send(request: HttpRequest, signal?: AbortSignal): Promise<unknown> {
    return this.gate.run(async () => {
      await this.session.ready();
      const generation = this.session.current;
      try {
        return await this.attempt(request);
      } catch (error) {
        if (!(error instanceof SpocError) || error.code !== 'INVALID_SESSION_ID') throw error;
        if (!this.session.grant) {
          throw new SpocError(
            'auth',
            'INVALID_SESSION_ID',
            `Salesforce refused the access token (systems.salesforce.accessToken) and no refreshToken or client credentials are configured to get a new one: ${error.message}`,
            { system: 'salesforce', cause: error, status: 401 },
          );
        }
        // The token expired or was revoked: a new one, and this call once more.
        await this.session.renew(generation);
        this.replays++;
        return await this.attempt(request);
      }
    }, signal);
  }

  /** One HTTP exchange; remembers the response's status and headers, which jsforce's errors lack. */
  private async attempt(request: HttpRequest): Promise<unknown> {
    this.share.begin();
    let response: ResponseInfo | undefined;
    const base = this.conn._transport;
    const transport = {
      httpRequest: (req: HttpRequest, opts?: object) => {
        const pending = base.httpRequest(req, opts);
        pending.then(
          (res: HttpResponse) => {
            response = { status: res.statusCode, headers: res.headers };
          },
          () => {},
        );
        return pending;
      },
    };
    try {
      return await this.conn.request(
        { ...request },
        {
          retry: { maxRetries: 0 },
          timeout: this.options.requestTimeoutMs,
          transport,
        },
      );
    } catch (error) {
      throw toSpocError(error, response);
    } finally {
      this.share.end(response?.headers['sforce-limit-info']);
    }
  }
}

function parse<S extends z.ZodType>(schema: S, body: unknown, what: string): z.infer<S> {
  const parsed = schema.safeParse(body);
  if (parsed.success) return parsed.data;
  throw new SpocError(
    'vendor',
    'SALESFORCE_UNEXPECTED_RESPONSE',
    `Salesforce answered ${what} in an unexpected shape: ${parsed.error.issues[0]?.message ?? 'invalid'}`,
    { system: 'salesforce' },
  );
}
