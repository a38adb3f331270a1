import { type VendorContext, VendorError, type VendorRecord } from '@spoc/sandbox/kit';
import { badRequest } from './errors.ts';
import { type PipedriveStore, type Row, stamp } from './store.ts';

/** Top-level fields a PATCH may set, per table (v2 UpdateOrganizationRequest / UpdatePersonRequest). */
const WRITABLE = {
  organizations: [
    'name',
    'owner_id',
    'visible_to',
    'label_ids',
    'address',
    'website',
    'linkedin',
    'industry',
    'annual_revenue',
    'employee_count',
    'custom_fields',
  ],
  persons: [
    'name',
    'owner_id',
    'org_id',
    'emails',
    'phones',
    'visible_to',
    'label_ids',
    'postal_address',
    'notes',
    'im',
    'birthday',
    'job_title',
    'custom_fields',
  ],
} as const;

/**
 * Applies one PATCH body to a record, all or nothing: a body naming an unknown field, an
 * owner who is not an active user, or an unknown custom field key is refused whole with
 * a 400 naming it, and nothing is written. Each value written goes to the write log.
 */
export function applyPatch(
  store: PipedriveStore,
  context: VendorContext,
  table: 'organizations' | 'persons',
  row: Row,
  body: unknown,
  /** Who makes the change (the token's user), for an organization's changelog. */
  actor?: number,
): void {
  if (!body || typeof body !== 'object' || Array.isArray(body))
    throw new VendorError(badRequest('Validation failed: body: Expected object'));
  const patch = body as VendorRecord;
  const allowed: readonly string[] = WRITABLE[table];
  for (const key of Object.keys(patch))
    if (!allowed.includes(key)) throw new VendorError(badRequest(`Validation failed: body: Unrecognized key '${key}'`));
  if ('owner_id' in patch && !store.assignable(patch.owner_id))
    throw new VendorError(badRequest(`Owner (user ID ${String(patch.owner_id)}) not found or deactivated`));
  if (
    table === 'persons' &&
    'org_id' in patch &&
    patch.org_id !== null &&
    !store.organizations.has(Number(patch.org_id))
  )
    throw new VendorError(badRequest(`Organization with ID ${String(patch.org_id)} not found`));
  const custom = (patch.custom_fields ?? {}) as VendorRecord;
  if (typeof custom !== 'object' || custom === null || Array.isArray(custom))
    throw new VendorError(badRequest('Validation failed: custom_fields: Expected object'));
  for (const [key, value] of Object.entries(custom)) {
    const def = table === 'organizations' ? store.field(key) : undefined;
    if (def?.is_custom_field !== true)
      throw new VendorError(badRequest(`Custom field with key '${key}' does not exist`));
    if (def.field_type === 'user' && value !== null && !store.assignable(value))
      throw new VendorError(
        badRequest(
          `User with ID ${String(value)} for custom field '${String(def.field_name)}' not found or deactivated`,
        ),
      );
  }
  if (context.faults.failRecord()) throw new VendorError(badRequest('Simulated record failure (injected)'));

  const now = context.now();
  const log = (key: string, before: unknown, after: unknown) => {
    if (table !== 'organizations' || before === after) return;
    store.logChange(Number(row.id), {
      field_key: key,
      old_value: before === null || before === undefined ? null : String(before),
      new_value: after === null || after === undefined ? null : String(after),
      actor_user_id: actor ?? null,
      time: stamp(now),
      change_source: 'api',
      change_source_user_agent: null,
      is_bulk_update_flag: false,
    });
  };
  for (const [key, value] of Object.entries(patch)) {
    if (key === 'custom_fields') continue;
    log(key, row[key], value);
    row[key] = value;
    context.writes.record(table, String(row.id), key, value, now);
  }
  if (Object.keys(custom).length > 0) {
    const current = (row.custom_fields ?? {}) as VendorRecord;
    for (const [key, value] of Object.entries(custom)) {
      log(key, current[key], value);
      current[key] = value;
      context.writes.record(table, String(row.id), key, value, now);
    }
    row.custom_fields = current;
  }
  store.touch(row, now);
}
