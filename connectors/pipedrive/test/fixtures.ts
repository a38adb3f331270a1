// Vendor-shaped Pipedrive responses for the connector's nock tests (API v2 unless noted).

export const BASE = 'https://acme.pipedrive.com';
export const CSM_KEY = 'a1b2c3d4e5f60718293a4b5c6d7e8f9012345678';
export const XREF_KEY = 'f0e1d2c3b4a5968778695a4b3c2d1e0f98765432';
export const TWIN_KEY = '0123456789abcdef0123456789abcdef01234567';

/** GET /api/v1/users: every user, active_flag false when deactivated. */
export function user(id: number, email: string, active = true) {
  return {
    id,
    name: email.split('@')[0],
    default_currency: 'EUR',
    locale: 'en_US',
    lang: 1,
    email,
    phone: null,
    activated: true,
    last_login: '2026-01-01 00:00:00',
    created: '2024-01-01 00:00:00',
    modified: '2025-01-01 00:00:00',
    has_created_company: false,
    access: [{ app: 'sales', admin: false, permission_set_id: 'x' }],
    active_flag: active,
    timezone_name: 'Europe/Berlin',
    timezone_offset: '+01:00',
    role_id: 1,
    icon_url: null,
    is_you: false,
    is_deleted: false,
  };
}

export function field(code: string, name: string, type: string, custom = true) {
  return {
    field_name: name,
    field_code: code,
    field_type: type,
    is_custom_field: custom,
    is_optional_response_field: false,
    options: null,
    subfields: null,
  };
}

/** GET /api/v2/organizationFields: the standard fields and the customs spoc uses. */
export const FIELDS = {
  success: true,
  data: [
    field('name', 'Name', 'varchar', false),
    field('owner_id', 'Owner', 'user', false),
    field('website', 'Website', 'varchar', false),
    field(CSM_KEY, 'CSM', 'user'),
    field(XREF_KEY, 'Salesforce account ID', 'varchar'),
    field(TWIN_KEY, 'Region', 'enum'),
  ],
  additional_data: { next_cursor: null },
};

export function organization(id: number, update: string, owner = 101, extra: Record<string, unknown> = {}) {
  return {
    id,
    name: `Org ${id}`,
    owner_id: owner,
    add_time: '2025-01-01T00:00:00Z',
    update_time: update,
    is_deleted: false,
    visible_to: 3,
    label_ids: [],
    address: null,
    website: `org${id}.example`,
    custom_fields: { [CSM_KEY]: 102, [XREF_KEY]: `001A${id}` },
    ...extra,
  };
}

export function list(data: unknown[], nextCursor: string | null = null) {
  return { success: true, data, additional_data: { next_cursor: nextCursor } };
}

export function person(id: number, orgId: number, owner: number) {
  return {
    id,
    name: `Person ${id}`,
    owner_id: owner,
    org_id: orgId,
    add_time: '2025-01-01T00:00:00Z',
    update_time: '2025-06-01T00:00:00Z',
    emails: [{ value: `p${id}@org.example`, primary: true, label: 'work' }],
    is_deleted: false,
    visible_to: 3,
  };
}

/** Pipedrive's error body. */
export function failure(status: number, error: string) {
  return {
    success: false,
    error,
    error_info: 'Please check developers.pipedrive.com for more information about Pipedrive API.',
    data: null,
    additional_data: null,
    errorCode: status,
  };
}
