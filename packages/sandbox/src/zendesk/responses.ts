import type { SandboxRequest, SandboxResponse } from '../kit/types.ts';
import type { Row } from './store.ts';

/** Zendesk's error body: `{ error, description }`. */
export function error(status: number, code: string, description: string): SandboxResponse {
  return { status, body: { error: code, description } };
}

export function notFound(): SandboxResponse {
  return error(404, 'RecordNotFound', 'Not found');
}

/** node-zendesk appends `.json`, so a `:id` route parameter arrives as `123.json`. */
export function idParam(req: SandboxRequest): string {
  return (req.params.id ?? '').replace(/\.json$/, '');
}

/** A record as Zendesk returns it: with its absolute API url. */
export function withUrl(req: SandboxRequest, collection: string, row: Row): Row {
  return { ...row, url: `${req.baseUrl}/api/v2/${collection}/${row.id}.json` };
}

/** Zendesk timestamps are ISO 8601 without milliseconds. */
export function isoSeconds(ms: number): string {
  return `${new Date(ms).toISOString().slice(0, 19)}Z`;
}

export function body<T>(req: SandboxRequest): Partial<T> {
  return req.body && typeof req.body === 'object' ? (req.body as Partial<T>) : {};
}
