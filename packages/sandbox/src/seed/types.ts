/**
 * A sandbox seed: records in each vendor's own API shape, as the vendor would return
 * them (DESIGN.md §7). Kept loose here; each emulator validates its own part.
 */
export type VendorRecord = Record<string, unknown>;

export interface HubspotSeed {
  /** PublicOwner: { id, email, firstName, lastName, userId, archived, type: PERSON|QUEUE, … } */
  owners: VendorRecord[];
  /** { id, properties: { name, domain, hubspot_owner_id, hs_lastmodifieddate, … }, createdAt, updatedAt, archived } */
  companies: VendorRecord[];
  /** { id, properties: { email, associatedcompanyid, hubspot_owner_id, lastmodifieddate, … } } */
  contacts: VendorRecord[];
}

export interface SalesforceSeed {
  /** { Id, Email, IsActive, Name, UserType } */
  User: VendorRecord[];
  /** { Id, Name, Website, OwnerId, SystemModstamp, …custom fields } */
  Account: VendorRecord[];
  /** { Id, AccountId, OwnerId, Email, SystemModstamp } */
  Contact: VendorRecord[];
}

export interface ZendeskSeed {
  /** { id, email, name, role: end-user|agent|admin, active, suspended, organization_id } */
  users: VendorRecord[];
  /** { id, name, external_id, domain_names, organization_fields, created_at, updated_at } */
  organizations: VendorRecord[];
  /** { id, key, type: lookup|text|…, title, active, relationship_target_type? } */
  organization_fields: VendorRecord[];
  /** { id, organization_id, assignee_id, status, subject, updated_at } */
  tickets: VendorRecord[];
}

export interface SandboxSeed {
  hubspot?: HubspotSeed;
  salesforce?: SalesforceSeed;
  zendesk?: ZendeskSeed;
}
