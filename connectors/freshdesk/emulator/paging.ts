import type { SandboxRequest, SandboxResponse } from '@spoc/sandbox/kit';
import { validationFailed } from './errors.ts';
import type { Row } from './store.ts';

/**
 * Freshdesk's page-numbered lists: `page` (from 1) and `per_page` (default 30, at most
 * 100), a bare JSON array, and `Link: <…page=N+1…>; rel="next"` while more remain
 * (https://developers.freshdesk.com/api/#pagination). `maxPage` caps how deep a list goes.
 */
export function pageOf(
  req: SandboxRequest,
  rows: readonly Row[],
  view: (row: Row) => unknown = (r) => r,
  maxPage = Number.POSITIVE_INFINITY,
): SandboxResponse {
  const perPage = Number(req.query.get('per_page') ?? 30);
  const page = Number(req.query.get('page') ?? 1);
  if (!Number.isInteger(perPage) || perPage < 1 || perPage > 100)
    return validationFailed([
      {
        field: 'per_page',
        message: 'It should be a Positive Integer less than or equal to 100',
        code: 'invalid_value',
      },
    ]);
  if (!Number.isInteger(page) || page < 1 || page > maxPage)
    return validationFailed([
      {
        field: 'page',
        message: `It should be a Positive Integer less than or equal to ${maxPage}`,
        code: 'invalid_value',
      },
    ]);
  const slice = rows.slice((page - 1) * perPage, page * perPage);
  const headers: Record<string, string> = {};
  if (page * perPage < rows.length && page < maxPage) {
    const params = new URLSearchParams(req.query);
    params.set('page', String(page + 1));
    headers.link = `<${req.baseUrl}${req.path}?${params}>; rel="next"`;
  }
  return { status: 200, body: slice.map(view), headers };
}
