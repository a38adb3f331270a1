import type { IncomingHttpHeaders } from 'node:http';
import type { SeedWorld } from '../seed/world.ts';
import type { Faults } from './faults.ts';
import type { WriteLog } from './write-log.ts';

/** A parsed request as vendor handlers see it. */
export interface SandboxRequest {
  method: string;
  /** Path without query string, e.g. /crm/v3/objects/companies. */
  path: string;
  query: URLSearchParams;
  headers: IncomingHttpHeaders;
  /** Parsed JSON body, form fields (as a plain object) for form-encoded bodies, else undefined. */
  body: unknown;
  /** Route template parameters (`:type` → params.type). */
  params: Record<string, string>;
  /** The public base URL of this server (http://127.0.0.1:PORT), for absolute links. */
  baseUrl: string;
}

export interface SandboxResponse {
  status: number;
  /** JSON body (serialised), or `text` for plain text. */
  body?: unknown;
  text?: string;
  headers?: Record<string, string>;
}

export type Handler = (req: SandboxRequest) => SandboxResponse | Promise<SandboxResponse>;

export interface Route {
  method: 'GET' | 'POST' | 'PUT' | 'PATCH' | 'DELETE';
  /** Template with `:param` segments, e.g. /crm/v3/objects/:type/batch/update. */
  path: string;
  handler: Handler;
  /** Name of the rate bucket this route counts against (default 'default'). */
  bucket?: string;
}

export interface RateBucket {
  cap: number;
  windowMs: number;
}

export interface RateState {
  bucket: string;
  cap: number;
  remaining: number;
  windowMs: number;
  /** Milliseconds until the window resets. */
  resetMs: number;
}

/** Shared services the frame gives each vendor emulator. */
export interface VendorContext {
  faults: Faults;
  writes: WriteLog;
  /** The sandbox clock (Date.now() plus any jump injected through /__sandbox/clock). */
  now: () => number;
}

/** What a vendor emulator provides to the frame. */
export interface VendorApp {
  routes: Route[];
  /** null when the request carries valid credentials, else the vendor's 401 response. */
  authenticate(req: SandboxRequest): SandboxResponse | null;
  /** Rate buckets (documented vendor limits); routes name theirs. Omitted bucket = unlimited. */
  buckets: Record<string, RateBucket>;
  /** The vendor's 429 response for a spent bucket. */
  rateLimited(state: RateState): SandboxResponse;
  /** Headers every response of a limited bucket carries (X-HubSpot-RateLimit-…, X-Rate-Limit…). */
  rateHeaders(state: RateState): Record<string, string>;
  /** The vendor's error response for a status (404 for unknown routes, 500/503 for injected faults and handlers that threw). */
  error(status: number, message: string): SandboxResponse;
  /** Back to the seed. */
  reset(): void;
  /** Paths (templates) exempt from auth, e.g. the Salesforce OAuth token endpoint. */
  public?: string[];
  /**
   * The emulator's own `/__sandbox/…` controls beside the frame's (stats, faults, writes…),
   * e.g. what a webhook receiver got; undefined = not one of its controls.
   */
  control?(method: string, path: string, query: URLSearchParams): SandboxResponse | undefined;
}

/**
 * An emulated vendor API as it registers with the sandbox: the id of the system it
 * emulates (its key in a seed and in the sandbox's urls, stats and writes) and how to
 * build it. Each emulator lives beside its connector (connectors/<id>/emulator/).
 */
export interface EmulatorDefinition<Id extends string = string> {
  readonly id: Id;
  /** The emulator over its part of a seed (records in the vendor's own shapes; undefined = empty). */
  create(seed: unknown, context: VendorContext): VendorApp;
  /** Its seed from the generated world (an emulator without one starts empty unless a seed file gives it records). */
  seedFrom?(world: SeedWorld): unknown;
  /**
   * The vendor behaviours a fault spec may set for it, by `id.name` (e.g. `hubspot.indexLagMs`),
   * each with what it does and its default; a spec naming another one of this id is refused.
   */
  readonly behaviours?: Readonly<Record<string, string>>;
}

/** One request and its answer, as recorded for contract checks (startSandbox's `record`). */
export interface Exchange {
  method: string;
  /** The route template that matched (`/crm/v3/objects/:type/batch/update`), or `?`. */
  route: string;
  path: string;
  query: string;
  /** Parsed request body (JSON, or form fields), undefined when empty. */
  request: unknown;
  status: number;
  /** The JSON body answered (undefined for text or empty bodies). */
  response: unknown;
}
