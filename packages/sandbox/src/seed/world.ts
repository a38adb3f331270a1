/**
 * The generated world before any vendor shape: the same people and customers every
 * emulator seeds itself from (`EmulatorDefinition.seedFrom`), so a new system joins the
 * demo, tests and benchmarks with the customers and POCs the others hold.
 */
export interface SeedWorld {
  people: SeedPerson[];
  accounts: SeedAccount[];
  /** Modified timestamp of every seeded record (ISO, e.g. 2026-01-01T00:00:00.000Z). */
  modifiedAt: string;
  /** Seed for an emulator's own choices (e.g. which owner a drifted record shows). */
  seed: number;
}

export interface SeedPerson {
  index: number;
  email: string;
  firstName: string;
  lastName: string;
  /** Left the company: inactive in every system. */
  inactive: boolean;
  /** Suspended in the help desks only (active elsewhere). */
  helpdeskSuspended: boolean;
}

export interface SeedAccount {
  index: number;
  name: string;
  /** Bare web domain, e.g. customer-000001.example. */
  domain: string;
  /** The system of record's id the others cross-reference (a Salesforce Account id), or null where only the domain links. */
  xref: string | null;
  /** Index of the account owner in the system of record. */
  owner: number;
  /** Index of the CSM (the same in every system that holds the role). */
  csm: number;
  /** Whether the other systems show another account owner than the system of record. */
  drifted: boolean;
  /** Contacts of the customer (their emails), to follow the owner in a contacts cascade. */
  contacts: string[];
  /** Open matters of the customer, for a ticket handover: the first kind is held by the POC. */
  tickets: SeedTicket[];
}

export interface SeedTicket {
  /** 1-based, unique across the world. */
  id: number;
  subject: string;
  status: 'open' | 'pending' | 'solved';
  /** Index of the person holding it: the account's help-desk POC, or (pending) a colleague. */
  assignee: 'poc' | number;
}
