import type { SandboxRequest } from '@spoc/sandbox/kit';
import { ALWAYS_RETURNED, DEFAULT_PROPERTIES, type ObjectType } from './schema.ts';
import type { CrmObject } from './store.ts';

/** `properties=a&properties=b` and `properties=a,b` both work, as on HubSpot. */
export function requestedProperties(req: SandboxRequest): string[] {
  return req.query
    .getAll('properties')
    .flatMap((p) => p.split(','))
    .map((p) => p.trim())
    .filter(Boolean);
}

/**
 * A record as a read returns it: only the requested properties (null where the record
 * has no value) plus the ones HubSpot always adds; the type's defaults when none were named.
 */
export function objectView(o: CrmObject, type: ObjectType, requested: readonly string[]) {
  const names = requested.length === 0 ? DEFAULT_PROPERTIES[type] : [...requested, ...ALWAYS_RETURNED[type]];
  const properties: Record<string, string | null> = {};
  for (const name of names) properties[name] = o.properties[name] ?? null;
  return { id: o.id, properties, createdAt: o.createdAt, updatedAt: o.updatedAt, archived: o.archived };
}
