import type { HubspotEnv } from './env.ts';
import type { ObjectType } from './schema.ts';
import type { ChangeSource, CrmObject } from './store.ts';

/** Applies validated values to a record and logs each field for the fault suite's audit. */
export function applyValues(
  { store, context }: HubspotEnv,
  type: ObjectType,
  object: CrmObject,
  values: Record<string, string | null>,
  now: string,
  source: ChangeSource,
): void {
  store.update(type, object, values, now, source);
  logValues(context, type, object.id, values);
}

export function logValues(
  context: HubspotEnv['context'],
  type: ObjectType,
  id: string,
  values: Record<string, string | null>,
): void {
  const at = context.now();
  for (const [name, value] of Object.entries(values)) context.writes.record(type, id, name, value, at);
}

/** COMPANY / CONTACT, as HubSpot names the type in batch error messages. */
export function singularName(type: ObjectType): string {
  return type === 'companies' ? 'COMPANY' : 'CONTACT';
}
