/**
 * A sandbox seed: records in each vendor's own API shape, as the vendor would return
 * them, keyed by emulator id. Kept loose here; each emulator validates its own part.
 */
export type VendorRecord = Record<string, unknown>;

export interface HubspotSeed {
  /** PublicOwner: { id, email, firstName, lastName, userId, archived, type: PERSON|QUEUE, … } */
  owners: VendorRecord[];
  /** { id, properties: { name, domain, hubspot_owner_id, hs_lastmodifieddate, … }, createdAt, updatedAt, archived } */
  companies: VendorRecord[];
  /** { id, properties: { email, associatedcompanyid, hubspot_owner_id, lastmodifieddate, … } } */
  contacts: VendorRecord[];
  /** Requests allowed per day (X-HubSpot-RateLimit-Daily); default 1,000,000. Small values let tests reach the DAILY 429. */
  dailyLimit?: number;
  /**
   * Requests per 10 seconds (X-HubSpot-RateLimit-Max): default 190 (Professional and
   * Enterprise); 250 with the API Limit Increase capacity pack
   * (https://developers.hubspot.com/changelog/increasing-our-api-limits).
   */
  burstLimit?: number;
  /** Custom properties whose values must be owner ids (besides hubspot_owner_id and names ending in _owner_id or _owner). */
  ownerProperties?: string[];
}

export interface SalesforceSeed {
  /** { Id, Email, IsActive, Name, UserType } */
  User: VendorRecord[];
  /** { Id, Name, Website, OwnerId, SystemModstamp, …custom fields } */
  Account: VendorRecord[];
  /** { Id, AccountId, OwnerId, Email, SystemModstamp } */
  Contact: VendorRecord[];
  /** Daily API request allocation (Sforce-Limit-Info max, /limits DailyApiRequests); default 100,000. */
  dailyApiRequests?: number;
  /** Field metadata the records cannot reveal (custom fields absent or always null in the seed), by object. */
  fields?: Record<string, SalesforceFieldSeed[]>;
}

/** A custom field declared in a Salesforce seed; its type is otherwise inferred from the records. */
export interface SalesforceFieldSeed {
  name: string;
  /** string, email, url, boolean, datetime, date, double, reference, picklist… */
  type: string;
  /** For type reference: the target object, e.g. User. */
  referenceTo?: string;
  updateable?: boolean;
  label?: string;
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
  /**
   * Support API requests per minute (X-Rate-Limit): default 700 (Enterprise); 2,500 with the
   * High Volume API add-on (https://developer.zendesk.com/api-reference/introduction/rate-limits/).
   */
  rateLimitPerMinute?: number;
}

/** The seeds `generateSeed` and `demoSeed` make; startSandbox takes any `{ [emulator id]: seed }`. */
export type SandboxSeed = {
  hubspot?: HubspotSeed;
  salesforce?: SalesforceSeed;
  zendesk?: ZendeskSeed;
};
