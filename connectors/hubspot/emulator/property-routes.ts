import type { Route } from '@spoc/sandbox/kit';
import type { HubspotEnv } from './env.ts';
import { hubspotError, unknownObjectType } from './errors.ts';
import { objectTypeOf, propertyDefinition } from './schema.ts';

/** Property definitions: the standard ones plus every property the seed's records carry. */
export function propertyRoutes({ store }: HubspotEnv): Route[] {
  return [
    {
      method: 'GET',
      path: '/crm/v3/properties/:type',
      handler: (req) => {
        const type = objectTypeOf(req.params.type);
        if (!type) return unknownObjectType(req.params.type ?? '');
        const names = [...store.objects[type].properties].sort();
        return {
          status: 200,
          body: { results: names.map((name) => propertyDefinition(type, name, store.isOwnerProperty(name))) },
        };
      },
    },
    {
      method: 'GET',
      path: '/crm/v3/properties/:type/:name',
      handler: (req) => {
        const type = objectTypeOf(req.params.type);
        if (!type) return unknownObjectType(req.params.type ?? '');
        const name = req.params.name ?? '';
        if (!store.objects[type].properties.has(name)) {
          return hubspotError(404, 'OBJECT_NOT_FOUND', `Unable to find property ${name} on object type ${type}`);
        }
        return { status: 200, body: propertyDefinition(type, name, store.isOwnerProperty(name)) };
      },
    },
  ];
}
