import type { Route } from '@spoc/sandbox/kit';
import type { ZendeskEnv } from './env.ts';
import { zendeskError } from './errors.ts';
import { withUrl } from './responses.ts';

const EXPORT_PAGE = 1000;
/** Zendesk leaves the most recent minute out of incremental exports. */
const LAG_SECONDS = 60;

/**
 * The time-based incremental organization export: organizations with updated_at >=
 * start_time in (updated_at, id) order, 1,000 a page, nothing from the last minute.
 * Counts against its own 10-a-minute bucket.
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
        let end = Math.min(to, from + EXPORT_PAGE);
        // A full page all within one second could never advance past it: the page then
        // takes the whole second (more than 1,000 records) so nothing is skipped.
        if (end < to && end > from && seconds[from] === seconds[end - 1])
          end = Math.min(to, lowerBound(seconds, (seconds[end - 1] as number) + 1));
        const page = rows.slice(from, end);
        const endOfStream = end >= to;
        // The next page starts at the last record's second, so records of that second
        // come again (Zendesk's time-based exports repeat them too) unless the page took
        // that whole second.
        const lastSecond = end > from ? (seconds[end - 1] as number) : start;
        const endTime = !endOfStream && lastSecond === seconds[from] ? lastSecond + 1 : lastSecond;
        return {
          status: 200,
          body: {
            organizations: page.map((o) => withUrl(req, 'organizations', o)),
            next_page: `${req.baseUrl}${req.path}?start_time=${endTime}`,
            count: page.length,
            end_time: endTime,
            end_of_stream: endOfStream,
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
