import type { SandboxRequest } from '@spoc/sandbox/kit';
import type { Row } from './store.ts';

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
