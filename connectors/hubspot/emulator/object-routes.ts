import type { Route, SandboxRequest, SandboxResponse } from '@spoc/sandbox/kit';
import { changeSourceOf, checkWriteScope } from './auth.ts';
import type { HubspotEnv } from './env.ts';
import { objectNotFound, unknownObjectType, validationError } from './errors.ts';
import { objectView, requestedProperties } from './object-view.ts';
import { applyValues, logValues } from './object-writes.ts';
import { pageSize } from './paging.ts';
import { invalidProperties, invalidPropertiesMessage, propertyValues } from './property-values.ts';
import { type ObjectType, objectTypeOf } from './schema.ts';
import type { CrmObject } from './store.ts';

/** The basic CRM object API: list (id-cursor paging), read one, create, update, archive. */
export function objectRoutes(env: HubspotEnv): Route[] {
  const { store } = env;

  const withType = (req: SandboxRequest, handle: (type: ObjectType) => SandboxResponse): SandboxResponse => {
    const type = objectTypeOf(req.params.type);
    return type ? handle(type) : unknownObjectType(req.params.type ?? '');
  };

  return [
    {
      method: 'GET',
      path: '/crm/v3/objects/:type',
      handler: (req) =>
        withType(req, (type) => {
          const limit = pageSize(req.query.get('limit'), 10, 100);
          if (limit === null) return validationError(`Invalid limit: ${req.query.get('limit')}`);
          const archived = req.query.get('archived') === 'true';
          const list = store.objects[type].list;
          const after = req.query.get('after');
          // `after` is the id of the next record, so paging costs O(log N + page) and survives inserts.
          let i = after ? store.indexFrom(type, after) : 0;
          const properties = requestedProperties(req);
          const results = [];
          for (; i < list.length && results.length < limit; i++) {
            const o = list[i] as CrmObject;
            if (o.archived === archived) results.push(objectView(o, type, properties));
          }
          while (i < list.length && (list[i] as CrmObject).archived !== archived) i++;
          const next = list[i];
          if (!next) return { status: 200, body: { results } };
          const query = new URLSearchParams(req.query);
          query.set('after', next.id);
          return {
            status: 200,
            body: { results, paging: { next: { after: next.id, link: `${req.baseUrl}${req.path}?${query}` } } },
          };
        }),
    },
    {
      method: 'GET',
      path: '/crm/v3/objects/:type/:id',
      handler: (req) =>
        withType(req, (type) => {
          const id = req.params.id ?? '';
          const archived = req.query.get('archived') === 'true';
          const idProperty = req.query.get('idProperty');
          const o =
            idProperty && idProperty !== 'hs_object_id'
              ? store.objects[type].list.find((r) => r.properties[idProperty] === id)
              : store.objects[type].byId.get(id);
          if (!o || o.archived !== archived) return objectNotFound(id);
          return { status: 200, body: objectView(o, type, requestedProperties(req)) };
        }),
    },
    {
      method: 'POST',
      path: '/crm/v3/objects/:type',
      handler: (req) =>
        withType(req, (type) => {
          const denied = checkWriteScope(req, type);
          if (denied) return denied;
          const values = propertyValues((req.body as { properties?: unknown } | undefined)?.properties);
          const invalid = invalidProperties(store, type, values);
          if (invalid.length > 0) return validationError(invalidPropertiesMessage(invalid));
          const o = store.create(type, values, env.nowIso());
          logValues(env.context, type, o.id, values);
          return { status: 201, body: objectView(o, type, Object.keys(values)) };
        }),
    },
    {
      method: 'PATCH',
      path: '/crm/v3/objects/:type/:id',
      handler: (req) =>
        withType(req, (type) => {
          const denied = checkWriteScope(req, type);
          if (denied) return denied;
          const id = req.params.id ?? '';
          const o = store.live(type, id);
          if (!o) return objectNotFound(id);
          const values = propertyValues((req.body as { properties?: unknown } | undefined)?.properties);
          const invalid = invalidProperties(store, type, values);
          if (invalid.length > 0) return validationError(invalidPropertiesMessage(invalid));
          applyValues(env, type, o, values, env.nowIso(), changeSourceOf(req));
          return { status: 200, body: objectView(o, type, Object.keys(values)) };
        }),
    },
    {
      method: 'DELETE',
      path: '/crm/v3/objects/:type/:id',
      handler: (req) =>
        withType(req, (type) => {
          const denied = checkWriteScope(req, type);
          if (denied) return denied;
          const o = store.live(type, req.params.id ?? '');
          // HubSpot answers 204 for an id that is already gone, too.
          if (o) store.archive(type, o, env.nowIso());
          return { status: 204 };
        }),
    },
  ];
}
