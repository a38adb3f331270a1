import { createHash } from 'node:crypto';
import type { SeedWorld, VendorRecord } from '@spoc/sandbox/kit';

/**
 * The Pipedrive emulator's seed: records in the API's own shapes (v1 users, v2
 * organizations, organization fields and persons). Kept loose; the store reads it.
 */
export interface PipedriveSeed {
  /** v1 User: { id, name, email, active_flag, is_admin, … } (the first active one is the token's user). */
  users: VendorRecord[];
  /** v2 OrganizationItem: { id, name, owner_id, update_time, website, custom_fields: { <key>: value } } */
  organizations: VendorRecord[];
  /** v2 organization field: { field_code, field_name, field_type, is_custom_field } */
  organizationFields: VendorRecord[];
  /** v2 Person: { id, name, owner_id, org_id, emails, update_time } */
  persons: VendorRecord[];
  /** Requests per 2-second window (x-ratelimit-limit); default 20, the Essential plan's api_token limit. */
  burstLimit?: number;
  /** The company's daily token budget; default 1,000,000. Small values let tests reach its 429. */
  dailyBudget?: number;
}

/** A 40-character key as Pipedrive gives custom fields (a hash), stable for a label. */
function fieldKey(label: string): string {
  return createHash('sha1').update(`spoc-sandbox:${label}`).digest('hex');
}

/** The organization fields seedFrom uses: name them in a config by label (or key). */
export const PIPEDRIVE_FIELDS = {
  owner: 'owner_id',
  website: 'website',
  csm: { label: 'CSM', key: fieldKey('CSM') },
  salesforceAccountId: { label: 'Salesforce account ID', key: fieldKey('Salesforce account ID') },
} as const;

const USER_ID = 12_000_000;
const ORGANIZATION_ID = 3_000_000;
const PERSON_ID = 4_000_000;

/** Knuth's multiplicative hash of an account and the world's seed: the same world, the same drifted owner. */
function spread(index: number, seed: number): number {
  return (Math.imul(index + 1, 2654435761) ^ seed) >>> 0;
}

function standardField(code: string, name: string, type: string): VendorRecord {
  return {
    field_code: code,
    field_name: name,
    field_type: type,
    is_custom_field: false,
    is_optional_response_field: false,
  };
}
function customField(code: string, name: string, type: string): VendorRecord {
  return {
    field_code: code,
    field_name: name,
    field_type: type,
    is_custom_field: true,
    is_optional_response_field: false,
  };
}

/**
 * Pipedrive's part of the generated world: every person a user (the departed one
 * deactivated), every account an organization owned by the account owner (a drifted
 * account by another active user, chosen from the world's seed), its CSM in a custom
 * user field, the Salesforce id in a custom text field, its domain as website, and its
 * contacts as persons owned by the organization's owner.
 */
export function seedFromWorld(world: SeedWorld): PipedriveSeed {
  const stamp = `${world.modifiedAt.slice(0, 19)}Z`;
  const userId = (index: number) => USER_ID + index;
  const active = world.people.filter((p) => !p.inactive);
  const users: VendorRecord[] = world.people.map((p) => ({
    id: userId(p.index),
    name: `${p.firstName} ${p.lastName}`,
    default_currency: 'EUR',
    locale: 'en_US',
    lang: 1,
    email: p.email,
    phone: null,
    activated: !p.inactive,
    last_login: '2026-01-01 00:00:00',
    created: '2025-01-01 00:00:00',
    modified: '2025-01-01 00:00:00',
    has_created_company: p.index === 0,
    access: [{ app: 'sales', admin: p.index === 0, permission_set_id: 'sandbox' }],
    active_flag: !p.inactive,
    timezone_name: 'UTC',
    timezone_offset: '+00:00',
    role_id: 1,
    icon_url: null,
    is_you: p.index === 0,
    is_admin: p.index === 0 ? 1 : 0,
    is_deleted: false,
  }));
  const organizations: VendorRecord[] = [];
  const persons: VendorRecord[] = [];
  let personNumber = 0;
  for (const a of world.accounts) {
    const others = active.filter((p) => p.index !== a.owner);
    const owner = a.drifted && others.length > 0 ? others[spread(a.index, world.seed) % others.length] : undefined;
    const ownerId = userId(owner?.index ?? a.owner);
    const id = ORGANIZATION_ID + a.index;
    organizations.push({
      id,
      name: a.name,
      owner_id: ownerId,
      add_time: stamp,
      update_time: stamp,
      is_deleted: false,
      visible_to: 3,
      label_ids: [],
      address: null,
      website: a.domain,
      custom_fields: {
        [PIPEDRIVE_FIELDS.csm.key]: userId(a.csm),
        [PIPEDRIVE_FIELDS.salesforceAccountId.key]: a.xref,
      },
    });
    for (const email of a.contacts) {
      personNumber++;
      persons.push({
        id: PERSON_ID + personNumber,
        name: email.split('@')[0],
        owner_id: ownerId,
        org_id: id,
        add_time: stamp,
        update_time: stamp,
        emails: [{ value: email, primary: true, label: 'work' }],
        phones: [],
        is_deleted: false,
        visible_to: 3,
      });
    }
  }
  return {
    users,
    organizations,
    organizationFields: [
      standardField('name', 'Name', 'varchar'),
      standardField('owner_id', 'Owner', 'user'),
      standardField('website', 'Website', 'varchar'),
      standardField('address', 'Address', 'address'),
      standardField('update_time', 'Update time', 'date'),
      customField(PIPEDRIVE_FIELDS.csm.key, PIPEDRIVE_FIELDS.csm.label, 'user'),
      customField(PIPEDRIVE_FIELDS.salesforceAccountId.key, PIPEDRIVE_FIELDS.salesforceAccountId.label, 'varchar'),
    ],
    persons,
  };
}
