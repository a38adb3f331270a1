import { mulberry32 } from '../kit/random.ts';
import type { EmulatorDefinition } from '../kit/types.ts';
import { toId18 } from './salesforce-ids.ts';
import type { HubspotSeed, SalesforceSeed, SandboxSeed, VendorRecord, ZendeskSeed } from './types.ts';
import type { SeedAccount, SeedWorld } from './world.ts';

/**
 * A coherent three-vendor world for the demo, tests and benchmarks: the same people
 * in every system, the same customers linked by cross-reference and domain, and a
 * controlled share of ownership drift. Deterministic for a given `seed`.
 */
export interface GenerateOptions {
  accounts: number;
  /** People (POCs). Default: one per 50 accounts, at least 8, at most 2,000. */
  people?: number;
  /** Share of accounts whose HubSpot and Zendesk owner differ from Salesforce's. */
  drift?: number;
  /** Contacts per account for the first `contactAccounts` accounts (contact cascade). */
  contactsPerAccount?: number;
  contactAccounts?: number;
  /** Open tickets per organization for the first `ticketAccounts` accounts (handover). */
  ticketsPerAccount?: number;
  ticketAccounts?: number;
  seed?: number;
  /** Modified timestamps of seeded records (ISO). Default 2026-01-01T00:00:00Z. */
  modifiedAt?: string;
}

/** The organization field keys and HubSpot/Salesforce field names the generated world uses. */
export const GENERATED_FIELDS = {
  hubspotOwner: 'hubspot_owner_id',
  hubspotCsm: 'csm_owner',
  hubspotSalesforceId: 'salesforceaccountid',
  salesforceCsm: 'CSM__c',
  zendeskAccountManager: 'account_manager',
  zendeskCsmEmail: 'csm_email',
} as const;

const FIRST = ['anna', 'bruno', 'chloe', 'david', 'elena', 'farid', 'grace', 'hugo', 'ines', 'jonas', 'kira', 'liam'];
const LAST = ['schmidt', 'rossi', 'martin', 'novak', 'silva', 'berg', 'kowalski', 'dubois', 'meyer', 'larsen'];

/**
 * The three-vendor world in each vendor's shape, plus the seed of every emulator given
 * that builds its own from the neutral world (`seedFrom`), keyed by emulator id.
 */
export function generateSeed(
  options: GenerateOptions,
  emulators: readonly EmulatorDefinition[] = [],
): SandboxSeed & Record<string, unknown> {
  const world: SeedWorld = { people: [], accounts: [], modifiedAt: '', seed: options.seed ?? 42 };
  const seed: SandboxSeed & Record<string, unknown> = generateVendorSeeds(options, world);
  for (const emulator of emulators) {
    if (emulator.seedFrom && seed[emulator.id] === undefined) seed[emulator.id] = emulator.seedFrom(world);
  }
  return seed;
}

function generateVendorSeeds(options: GenerateOptions, world: SeedWorld): SandboxSeed {
  const random = mulberry32(options.seed ?? 42);
  const accounts = options.accounts;
  const peopleCount = options.people ?? Math.min(2000, Math.max(8, Math.ceil(accounts / 50)));
  const drift = options.drift ?? 0.2;
  const modifiedAt = options.modifiedAt ?? '2026-01-01T00:00:00.000Z';
  const sfStamp = modifiedAt.replace('Z', '+0000');
  const zdStamp = `${modifiedAt.slice(0, 19)}Z`;

  // People: present in all three systems; a few inactive somewhere, so the admin sees
  // what spoc does with a departed owner.
  const people = Array.from({ length: peopleCount }, (_, i) => {
    const first = FIRST[i % FIRST.length] ?? 'user';
    const last = LAST[Math.floor(i / FIRST.length) % LAST.length] ?? 'x';
    const suffix = i >= FIRST.length * LAST.length ? String(i) : '';
    return {
      email: `${first}.${last}${suffix}@acme.test`,
      first,
      last,
      hubspotId: String(70000 + i),
      hubspotUserId: 9000 + i,
      salesforceId: sfId('005', i + 1),
      zendeskId: 360000 + i,
      // The last person left the company: inactive everywhere.
      inactive: i === peopleCount - 1 && peopleCount > 4,
      // The second-to-last is suspended in Zendesk only.
      zendeskSuspended: i === peopleCount - 2 && peopleCount > 4,
    };
  });
  const activePeople = people.filter((p) => !p.inactive);
  world.modifiedAt = modifiedAt;
  world.people = people.map((p, index) => ({
    index,
    email: p.email,
    firstName: cap(p.first),
    lastName: cap(p.last),
    inactive: p.inactive,
    helpdeskSuspended: p.zendeskSuspended,
  }));

  const hubspot: HubspotSeed = {
    owners: people.map((p) => ({
      id: p.hubspotId,
      email: p.email,
      firstName: cap(p.first),
      lastName: cap(p.last),
      userId: p.hubspotUserId,
      createdAt: modifiedAt,
      updatedAt: modifiedAt,
      archived: p.inactive,
      type: 'PERSON',
    })),
    companies: [],
    contacts: [],
  };
  hubspot.owners.push({
    id: '99999',
    email: null,
    firstName: 'Support',
    lastName: 'Queue',
    userId: null,
    createdAt: modifiedAt,
    updatedAt: modifiedAt,
    archived: false,
    type: 'QUEUE',
  });

  const salesforce: SalesforceSeed = {
    User: people.map((p) => ({
      Id: p.salesforceId,
      Email: p.email,
      Name: `${cap(p.first)} ${cap(p.last)}`,
      Username: p.email,
      IsActive: !p.inactive,
      UserType: 'Standard',
      SystemModstamp: sfStamp,
    })),
    Account: [],
    Contact: [],
  };

  const zendesk: ZendeskSeed = {
    users: people.map((p) => ({
      id: p.zendeskId,
      email: p.email,
      name: `${cap(p.first)} ${cap(p.last)}`,
      role: 'agent',
      active: !p.inactive,
      suspended: p.zendeskSuspended,
      organization_id: null,
      created_at: zdStamp,
      updated_at: zdStamp,
    })),
    organizations: [],
    organization_fields: [
      {
        id: 1001,
        key: GENERATED_FIELDS.zendeskAccountManager,
        type: 'lookup',
        title: 'Account manager',
        active: true,
        relationship_target_type: 'zendesk/user',
        position: 0,
      },
      { id: 1002, key: GENERATED_FIELDS.zendeskCsmEmail, type: 'text', title: 'CSM email', active: true, position: 1 },
    ],
    tickets: [],
  };
  // A customer-side end-user: not a POC, must never be treated as one.
  zendesk.users.push({
    id: 900001,
    email: 'buyer@customer.example',
    name: 'Customer Buyer',
    role: 'end-user',
    active: true,
    suspended: false,
    organization_id: null,
    created_at: zdStamp,
    updated_at: zdStamp,
  });

  const pick = <T>(list: T[]): T => list[Math.floor(random() * list.length)] as T;
  /** Another active agent than the one given (a ticket a handover must leave alone). */
  const colleagueOf = (zendeskId: number): number => {
    const others = activePeople.filter((p) => p.zendeskId !== zendeskId);
    return (others.length > 0 ? pick(others) : pick(activePeople)).zendeskId;
  };
  let contactId = 0;
  let ticketId = 0;
  for (let i = 0; i < accounts; i++) {
    const number = String(i + 1).padStart(6, '0');
    const name = `Customer ${number}`;
    const domain = `customer-${number}.example`;
    const accountId = sfId('001', i + 1);
    // Mostly active owners; 1 % of accounts still owned by the departed person.
    const owner = random() < 0.01 ? (people[peopleCount - 1] ?? pick(activePeople)) : pick(activePeople);
    const csm = pick(activePeople);
    const drifted = random() < drift;
    const hubspotOwner = drifted ? pick(activePeople) : owner;
    const zendeskOwner = drifted ? pick(activePeople) : owner;
    // 90 % linked by cross-reference, the rest only by their web domain.
    const hasXref = random() < 0.9;
    const neutral: SeedAccount = {
      index: i,
      name,
      domain,
      xref: hasXref ? accountId : null,
      owner: people.indexOf(owner),
      csm: people.indexOf(csm),
      drifted,
      contacts: [],
      tickets: [],
    };
    world.accounts.push(neutral);

    salesforce.Account.push({
      Id: accountId,
      Name: name,
      Website: i % 3 === 0 ? `https://www.${domain}/` : domain,
      OwnerId: owner.salesforceId,
      [GENERATED_FIELDS.salesforceCsm]: csm.salesforceId,
      SystemModstamp: sfStamp,
      LastModifiedDate: sfStamp,
      CreatedDate: sfStamp,
    });
    hubspot.companies.push({
      id: String(1_000_000 + i),
      properties: {
        name,
        domain,
        [GENERATED_FIELDS.hubspotOwner]: hubspotOwner.hubspotId,
        [GENERATED_FIELDS.hubspotCsm]: csm.hubspotId,
        [GENERATED_FIELDS.hubspotSalesforceId]: hasXref ? accountId : null,
        hs_lastmodifieddate: modifiedAt,
        createdate: modifiedAt,
        hs_object_id: String(1_000_000 + i),
      },
      createdAt: modifiedAt,
      updatedAt: modifiedAt,
      archived: false,
    });
    zendesk.organizations.push({
      id: 5_000_000 + i,
      name,
      external_id: hasXref ? accountId : null,
      domain_names: [domain],
      organization_fields: {
        [GENERATED_FIELDS.zendeskAccountManager]: zendeskOwner.zendeskId,
        [GENERATED_FIELDS.zendeskCsmEmail]: csm.email,
      },
      group_id: null,
      tags: [],
      details: null,
      notes: null,
      shared_tickets: false,
      shared_comments: false,
      created_at: zdStamp,
      updated_at: zdStamp,
    });

    if (i < (options.contactAccounts ?? 0)) {
      for (let c = 0; c < (options.contactsPerAccount ?? 0); c++) {
        contactId++;
        const email = `contact${contactId}@${domain}`;
        neutral.contacts.push(email);
        hubspot.contacts.push({
          id: String(2_000_000 + contactId),
          properties: {
            email,
            associatedcompanyid: String(1_000_000 + i),
            [GENERATED_FIELDS.hubspotOwner]: hubspotOwner.hubspotId,
            lastmodifieddate: modifiedAt,
            createdate: modifiedAt,
            hs_object_id: String(2_000_000 + contactId),
          },
          createdAt: modifiedAt,
          updatedAt: modifiedAt,
          archived: false,
        });
        salesforce.Contact.push({
          Id: sfId('003', contactId),
          AccountId: accountId,
          OwnerId: owner.salesforceId,
          Email: email,
          LastName: `Contact ${contactId}`,
          SystemModstamp: sfStamp,
        });
      }
    }
    if (i < (options.ticketAccounts ?? 0)) {
      for (let t = 0; t < (options.ticketsPerAccount ?? 0); t++) {
        ticketId++;
        // Open tickets held by the org's current Zendesk POC, plus one solved and one
        // held by a colleague: a handover must move only the first kind.
        const kind = t % 4;
        const status = kind === 2 ? 'solved' : kind === 3 ? 'pending' : 'open';
        const assignee = kind === 3 ? colleagueOf(zendeskOwner.zendeskId) : zendeskOwner.zendeskId;
        neutral.tickets.push({
          id: ticketId,
          subject: `Request ${ticketId} from ${name}`,
          status,
          assignee: kind === 3 ? assignee - 360000 : 'poc',
        });
        zendesk.tickets.push({
          id: ticketId,
          subject: `Request ${ticketId} from ${name}`,
          status,
          assignee_id: assignee,
          organization_id: 5_000_000 + i,
          requester_id: 900001,
          created_at: zdStamp,
          updated_at: zdStamp,
        } satisfies VendorRecord);
      }
    }
  }

  return { hubspot, salesforce, zendesk };
}

/** Salesforce-style 18-character id: 3-char prefix, 12-digit body, case checksum. */
function sfId(prefix: string, n: number): string {
  return toId18(`${prefix}${String(n).padStart(12, '0')}`);
}

function cap(s: string): string {
  return s.charAt(0).toUpperCase() + s.slice(1);
}
