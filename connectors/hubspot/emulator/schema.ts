/** The CRM object types the emulator serves, and what HubSpot knows about their properties. */
export type ObjectType = 'companies' | 'contacts';

/** Names HubSpot accepts for each type in a path: plural, singular and the object type id. */
const TYPE_ALIASES: Record<string, ObjectType> = {
  companies: 'companies',
  company: 'companies',
  '0-2': 'companies',
  contacts: 'contacts',
  contact: 'contacts',
  '0-1': 'contacts',
};

export function objectTypeOf(name: string | undefined): ObjectType | null {
  return TYPE_ALIASES[(name ?? '').toLowerCase()] ?? null;
}

/** The property each type bumps on every write (companies and contacts differ). */
export const MODIFIED_PROPERTY: Record<ObjectType, string> = {
  companies: 'hs_lastmodifieddate',
  contacts: 'lastmodifieddate',
};

/** What a read returns when the client names no properties. */
export const DEFAULT_PROPERTIES: Record<ObjectType, string[]> = {
  companies: ['createdate', 'domain', 'hs_lastmodifieddate', 'hs_object_id', 'name'],
  contacts: ['createdate', 'email', 'firstname', 'hs_object_id', 'lastmodifieddate', 'lastname'],
};

/** Returned with every read, whatever was asked for. */
export const ALWAYS_RETURNED: Record<ObjectType, string[]> = {
  companies: ['createdate', 'hs_lastmodifieddate', 'hs_object_id'],
  contacts: ['createdate', 'lastmodifieddate', 'hs_object_id'],
};

/** Standard properties every portal has (a real portal has hundreds; these are the ones spoc touches). */
const STANDARD_PROPERTIES = [
  'name',
  'domain',
  'website',
  'hubspot_owner_id',
  'hs_lastmodifieddate',
  'createdate',
  'hs_object_id',
  'associatedcompanyid',
  'email',
  'firstname',
  'lastname',
  'lastmodifieddate',
];

export function propertyNamesOf(_type: ObjectType): string[] {
  return STANDARD_PROPERTIES;
}

export const DATETIME_PROPERTIES = ['createdate', 'hs_lastmodifieddate', 'lastmodifieddate'];
const NUMBER_PROPERTIES = new Set(['hs_object_id', 'associatedcompanyid']);
/** HubSpot computes these; a write to them is refused. */
export const READ_ONLY_PROPERTIES = new Set(['hs_object_id', 'hs_lastmodifieddate', 'lastmodifieddate']);

/** hubspot_owner_id and HubSpot-user properties by naming convention (custom ones: the seed's ownerProperties). */
export function isOwnerPropertyName(name: string): boolean {
  return name === 'hubspot_owner_id' || name.endsWith('_owner_id') || name.endsWith('_owner');
}

/** A property definition in the shape GET /crm/v3/properties/{type}/{name} returns. */
export function propertyDefinition(type: ObjectType, name: string, isOwner: boolean) {
  const kind = isOwner
    ? { type: 'enumeration', fieldType: 'select', referencedObjectType: 'OWNER', externalOptions: true }
    : DATETIME_PROPERTIES.includes(name)
      ? { type: 'datetime', fieldType: 'date' }
      : NUMBER_PROPERTIES.has(name)
        ? { type: 'number', fieldType: 'number' }
        : { type: 'string', fieldType: 'text' };
  const standard = STANDARD_PROPERTIES.includes(name);
  return {
    name,
    label: labelOf(name),
    description: '',
    groupName: type === 'companies' ? 'companyinformation' : 'contactinformation',
    options: [],
    displayOrder: -1,
    calculated: false,
    externalOptions: false,
    hasUniqueValue: name === 'hs_object_id',
    hidden: false,
    hubspotDefined: standard,
    formField: !READ_ONLY_PROPERTIES.has(name),
    archived: false,
    createdAt: '2026-01-01T00:00:00.000Z',
    updatedAt: '2026-01-01T00:00:00.000Z',
    modificationMetadata: {
      archivable: !standard,
      readOnlyDefinition: standard,
      readOnlyValue: READ_ONLY_PROPERTIES.has(name),
    },
    ...kind,
  };
}

function labelOf(name: string): string {
  if (name === 'hubspot_owner_id') return 'Owner';
  return name
    .replace(/^hs_/, '')
    .split('_')
    .filter(Boolean)
    .map((w) => w.charAt(0).toUpperCase() + w.slice(1))
    .join(' ');
}
