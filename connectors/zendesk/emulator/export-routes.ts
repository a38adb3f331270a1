import type { Route } from '@spoc/sandbox/kit';
import type { ZendeskEnv } from './env.ts';
import { zendeskError } from './errors.ts';
import { withUrl } from './responses.ts';

const EXPORT_PAGE = 1000;
/** Zendesk leaves the most recent minute out of incremental exports. */
const LAG_SECONDS = 60;

/**
 * The time-based incremental organization export as Zendesk documents it
 * (https://developer.zendesk.com/api-reference/ticketing/ticket-management/incremental_exports/#incremental-organization-export,
 * https://developer.zendesk.com/documentation/ticketing/managing-tickets/using-the-incremental-export-api/#time-based-incremental-exports):
 * organizations with updated_at >= start_time in (updated_at, id) order, up to 1,000 a
 * page, `end_time` the last item's second and `next_page` starting there (so that
 * second's items come again: "the exported data may contain duplicate items"),
 * `end_of_stream` once a page holds fewer than 1,000, nothing from the last minute.
 * More than 1,000 items in one second therefore come back as the same page for ever:
 * the client has to get past it. Counts against its own 10-a-minute bucket.
 */
export function exportRoutes({ store, context }: ZendeskEnv): Route[] {
  return [
    {
      method: 'GET',
      path: '/api/v2/incremental/organizations.json',
      bucket: 'incremental',
      handler: (req) => {
        const start = Number(req.query.get('start_time'));
        const horizon = Math.floor(context.now() / 1000) - LAG_SECONDS;
        if (!req.query.has('start_time') || !Number.isInteger(start) || start < 0)
          return zendeskError(400, 'InvalidValue', 'start_time is required and must be a Unix time in seconds');
        if (start > horizon)
          return zendeskError(400, 'InvalidValue', 'Too recent start_time. Use a start_time older than 1 minute');
        const { rows, seconds } = store.organizationsInExportOrder();
        const from = lowerBound(seconds, start);
        const to = lowerBound(seconds, horizon + 1);
        const end = Math.min(to, from + EXPORT_PAGE);
        const page = rows.slice(from, end);
        const endTime = end > from ? (seconds[end - 1] as number) : start;
        return {
          status: 200,
          body: {
            organizations: page.map((o) => withUrl(req, 'organizations', o)),
            next_page: `${req.baseUrl}${req.path}?start_time=${endTime}`,
            count: page.length,
            end_time: endTime,
            end_of_stream: page.length < EXPORT_PAGE,
          },
        };
      },
    },
  ];
}

/** First index whose value is >= target, in an ascending array. */
function lowerBound(values: number[], target: number): number {
  let lo = 0;
  let hi = values.length;
  while (lo < hi) {
    const mid = (lo + hi) >> 1;
    if ((values[mid] as number) < target) lo = mid + 1;
    else hi = mid;
  }
  return lo;
}
