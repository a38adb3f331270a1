import { type Route, VendorError } from '@spoc/sandbox/kit';
import { badRequest, notFound } from './errors.ts';
import type { PipedriveStore } from './store.ts';

/**
 * GET /api/v1/organizations/{id}/changelog: the updates of an organization's field values,
 * cursor-paged (limit up to 500), as Pipedrive added in 2024 ("New /changelog endpoints",
 * developers.pipedrive.com/changelog): each with field_key, old and new value, the acting
 * user and the time. Newest first here; the connector does not rely on the order.
 */
export function changelogRoutes(store: PipedriveStore): Route[] {
  return [
    {
      method: 'GET',
      path: '/api/v1/organizations/:id/changelog',
      handler: (req) => {
        const id = Number(req.params.id);
        if (!store.organizations.has(id)) throw new VendorError(notFound('Organization'));
        const limit = Number(req.query.get('limit') ?? 100);
        if (!Number.isInteger(limit) || limit < 1 || limit > 500)
          throw new VendorError(badRequest('Validation failed: limit: must be between 1 and 500'));
        const start = Number(req.query.get('cursor') ?? 0);
        const items = [...(store.changelog.get(id) ?? [])].reverse();
        const page = items.slice(start, start + limit);
        const next = start + limit < items.length ? String(start + limit) : null;
        return { status: 200, body: { success: true, data: page, additional_data: { next_cursor: next } } };
      },
    },
  ];
}
