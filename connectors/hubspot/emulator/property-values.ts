import { type ObjectType, READ_ONLY_PROPERTIES } from './schema.ts';
import type { HubspotStore } from './store.ts';

/** One entry of HubSpot's "Property values were not valid" list. */
export interface InvalidProperty {
  isValid: false;
  message: string;
  error: 'PROPERTY_DOESNT_EXIST' | 'READ_ONLY_VALUE' | 'INVALID_OPTION';
  name: string;
}

/** Property values as HubSpot stores them: strings (numbers and booleans sent by clients become text). */
export function propertyValues(raw: unknown): Record<string, string | null> {
  const values: Record<string, string | null> = {};
  if (raw === null || typeof raw !== 'object') return values;
  for (const [name, value] of Object.entries(raw)) {
    values[name] = value === null || value === undefined ? null : String(value);
  }
  return values;
}

/**
 * What HubSpot refuses in a write: unknown properties, read-only ones, and owner
 * properties set to an id that is not an existing, non-archived owner ('' clears).
 */
export function invalidProperties(
  store: HubspotStore,
  type: ObjectType,
  values: Record<string, string | null>,
): InvalidProperty[] {
  const invalid: InvalidProperty[] = [];
  for (const [name, value] of Object.entries(values)) {
    if (!store.objects[type].properties.has(name)) {
      invalid.push({
        isValid: false,
        message: `Property "${name}" does not exist`,
        error: 'PROPERTY_DOESNT_EXIST',
        name,
      });
    } else if (READ_ONLY_PROPERTIES.has(name)) {
      invalid.push({
        isValid: false,
        message: `${name} is a read only property; its value cannot be set.`,
        error: 'READ_ONLY_VALUE',
        name,
      });
    } else if (store.isOwnerProperty(name) && value !== null && value !== '' && !store.isAssignableOwner(value)) {
      invalid.push({
        isValid: false,
        message: `${value} was not one of the allowed options`,
        error: 'INVALID_OPTION',
        name,
      });
    }
  }
  return invalid;
}

export function invalidPropertiesMessage(invalid: InvalidProperty[]): string {
  return `Property values were not valid: ${JSON.stringify(invalid)}`;
}
