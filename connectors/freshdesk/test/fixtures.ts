// Vendor-shaped Freshdesk API v2 responses for the connector's nock tests
// (shapes from https://developers.freshdesk.com/api/: agents, companies, company fields, tickets, errors).

export const HOST = 'https://acme.freshdesk.com';
export const API_KEY = 'fd-key';
export const BASIC = `Basic ${Buffer.from(`${API_KEY}:X`).toString('base64')}`;
export const STAMP = '2026-01-01T00:00:00Z';

export function agent(id: number, email: string, name: string, extra: Record<string, unknown> = {}) {
  return {
    available: true,
    occasional: false,
    id,
    ticket_scope: 1,
    signature: null,
    group_ids: [],
    role_ids: [1],
    skill_ids: [],
    available_since: null,
    type: 'support_agent',
    created_at: STAMP,
    updated_at: STAMP,
    ...extra,
    contact: {
      active: true,
      email,
      job_title: null,
      language: 'en',
      last_login_at: STAMP,
      mobile: null,
      name,
      phone: null,
      time_zone: 'UTC',
      created_at: STAMP,
      updated_at: STAMP,
      ...((extra.contact as object | undefined) ?? {}),
    },
  };
}

export function company(id: number, customFields: Record<string, unknown>, updatedAt = STAMP) {
  return {
    id,
    name: `Company ${id}`,
    description: null,
    note: null,
    domains: [`company${id}.example`],
    health_score: null,
    account_tier: null,
    renewal_date: null,
    industry: null,
    created_at: STAMP,
    updated_at: updatedAt,
    custom_fields: customFields,
  };
}

export function companyField(id: number, name: string, type: string, choices?: string[]) {
  return {
    id,
    name,
    label: name,
    position: id,
    required_for_agents: false,
    type,
    default: false,
    ...(choices ? { choices } : {}),
    created_at: STAMP,
    updated_at: STAMP,
  };
}

export function ticket(id: number, companyId: number, status: number, responderId: number | null) {
  return {
    id,
    subject: `Ticket ${id}`,
    status,
    priority: 1,
    source: 2,
    requester_id: 9001,
    responder_id: responderId,
    company_id: companyId,
    group_id: null,
    type: null,
    fr_escalated: false,
    spam: false,
    is_escalated: false,
    tags: [],
    custom_fields: {},
    created_at: STAMP,
    updated_at: STAMP,
    due_by: STAMP,
    fr_due_by: STAMP,
  };
}

/** The Link header Freshdesk sends while there is a next page. */
export function nextLink(path: string): Record<string, string> {
  return { Link: `<${HOST}${path}>; rel="next"` };
}

/** A 400 as Freshdesk answers a value outside a dropdown's choices. */
export const INVALID_CHOICE = {
  description: 'Validation failed',
  errors: [
    { field: 'csm', message: "It should be one of these values: 'Anna Schmidt,Bruno Rossi'", code: 'invalid_value' },
  ],
};
