import type { Route } from '@spoc/sandbox/kit';
import { listPage } from './cursor-paging.ts';
import type { ZendeskEnv } from './env.ts';
import { notFound, zendeskError } from './errors.ts';
import { type JobResult, planJob, queueJob, updateFailure, updateSuccess } from './jobs.ts';
import { body, idParam, isoSeconds, withUrl } from './responses.ts';
import type { Row } from './store.ts';

const BULK_CAP = 100;
/** Attributes a client may not set through an update. */
const READ_ONLY = new Set(['id', 'url', 'created_at', 'updated_at', 'organization_fields']);

/** Organizations: list, show, create, update, the field definitions, and update_many as a job. */
export function organizationRoutes({ store, context }: ZendeskEnv): Route[] {
  return [
    {
      method: 'GET',
      path: '/api/v2/organizations.json',
      handler: (req) => listPage(req, store.organizations.list, 'organizations'),
    },
    {
      method: 'POST',
      path: '/api/v2/organizations.json',
      handler: (req) => {
        const attrs = body<{ organization: Record<string, unknown> }>(req).organization;
        if (!attrs || typeof attrs.name !== 'string' || attrs.name === '')
          return zendeskError(422, 'RecordInvalid', 'Record validation errors: name cannot be blank');
        const at = isoSeconds(context.now());
        const row: Row = {
          external_id: null,
          domain_names: [],
          organization_fields: {},
          group_id: null,
          tags: [],
          details: null,
          notes: null,
          shared_tickets: false,
          shared_comments: false,
          ...attrs,
          id: store.newId(),
          created_at: at,
          updated_at: at,
        };
        store.addOrganization(row);
        return { status: 201, body: { organization: withUrl(req, 'organizations', row) } };
      },
    },
    {
      method: 'GET',
      path: '/api/v2/organization_fields.json',
      // Paged like every list, 100 a page: an account with many fields has several pages.
      handler: (req) => listPage(req, store.fields as Row[], 'organization_fields'),
    },
    {
      method: 'PUT',
      path: '/api/v2/organizations/update_many.json',
      handler: (req) => {
        const updates = body<{ organizations: unknown }>(req).organizations;
        if (!Array.isArray(updates)) return zendeskError(400, 'InvalidValue', 'organizations must be an array');
        if (updates.length > BULK_CAP)
          return zendeskError(400, 'TooManyValues', `Too many organizations: at most ${BULK_CAP} per request`);
        const lookups = new Set(store.fields.filter((f) => f.type === 'lookup').map((f) => String(f.key)));
        const at = isoSeconds(context.now());
        const plan = planJob(context, updates.length);
        const processed = (updates as Record<string, unknown>[]).slice(0, plan.processed);
        const results = processed.map((update, index): JobResult => {
          const id = Number(update?.id);
          const org = store.organizations.byId.get(id);
          if (!org)
            return updateFailure(
              context,
              update?.id ?? null,
              index,
              'OrganizationNotFound',
              `Organization ${id} not found`,
            );
          const fields = (update.organization_fields ?? {}) as Record<string, unknown>;
          // A user lookup field only takes an existing agent or admin.
          const bad = Object.entries(fields).find(([k, v]) => lookups.has(k) && v !== null && !store.isAgent(v));
          if (bad)
            return updateFailure(
              context,
              id,
              index,
              'InvalidValue',
              `${bad[0]}: ${String(bad[1])} is not a valid user`,
            );
          if (context.faults.failRecord())
            return updateFailure(context, id, index, 'InvalidValue', 'Injected record failure');
          for (const [k, v] of Object.entries(update)) {
            if (READ_ONLY.has(k)) continue;
            org[k] = v;
            context.writes.record('organizations', String(id), k, v);
          }
          const current = { ...((org.organization_fields ?? {}) as Record<string, unknown>) };
          for (const [k, v] of Object.entries(fields)) {
            current[k] = v;
            context.writes.record('organizations', String(id), `organization_fields.${k}`, v);
          }
          org.organization_fields = current;
          org.updated_at = at;
          return updateSuccess(id, index);
        });
        store.organizationTouched();
        return queueJob(req, store, context, plan, updates.length, results);
      },
    },
    {
      method: 'GET',
      path: '/api/v2/organizations/:id',
      handler: (req) => {
        const org = store.organizations.byId.get(Number(idParam(req)));
        return org ? { status: 200, body: { organization: withUrl(req, 'organizations', org) } } : notFound();
      },
    },
    {
      // https://developer.zendesk.com/api-reference/ticketing/organizations/organizations/#update-organization:
      // what an agent's edit or another integration sends. `{organization}` in and out;
      // organization_fields are merged (keys not sent keep their values); updated_at moves.
      // After update_many.json in this list, so that path is not taken for an id.
      method: 'PUT',
      path: '/api/v2/organizations/:id',
      handler: (req) => {
        const org = store.organizations.byId.get(Number(idParam(req)));
        if (!org) return notFound();
        const attrs = body<{ organization: Record<string, unknown> }>(req).organization;
        if (!attrs || typeof attrs !== 'object') return zendeskError(400, 'InvalidValue', 'organization is required');
        if ('name' in attrs && (typeof attrs.name !== 'string' || attrs.name === ''))
          return zendeskError(422, 'RecordInvalid', 'Record validation errors: name cannot be blank');
        const lookups = new Set(store.fields.filter((f) => f.type === 'lookup').map((f) => String(f.key)));
        const fields = (attrs.organization_fields ?? {}) as Record<string, unknown>;
        const bad = Object.entries(fields).find(([k, v]) => lookups.has(k) && v !== null && !store.isAgent(v));
        if (bad) return zendeskError(422, 'RecordInvalid', `Record validation errors: ${bad[0]} is not a valid user`);
        for (const [k, v] of Object.entries(attrs)) {
          if (READ_ONLY.has(k)) continue;
          org[k] = v;
          context.writes.record('organizations', String(org.id), k, v);
        }
        const current = { ...((org.organization_fields ?? {}) as Record<string, unknown>) };
        for (const [k, v] of Object.entries(fields)) {
          current[k] = v;
          context.writes.record('organizations', String(org.id), `organization_fields.${k}`, v);
        }
        org.organization_fields = current;
        org.updated_at = isoSeconds(context.now());
        store.organizationTouched();
        return { status: 200, body: { organization: withUrl(req, 'organizations', org) } };
      },
    },
  ];
}
