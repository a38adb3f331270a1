import type { SeedAccount, SeedPerson, SeedWorld, VendorRecord } from '@spoc/sandbox/kit';
import type { FreshdeskSeed } from './store.ts';

/** The company fields the generated seed uses (the demo's `roles.<r>.fields.freshdesk` name them). */
export const FRESHDESK_SEED_FIELDS = {
  /** Text holding the account manager's email. */
  accountManager: 'account_manager',
  /** Text holding the CSM's email. */
  csmEmail: 'csm_email',
  /** Dropdown of agents holding the CSM: the agent's full name, or their email where the name is shared. */
  csmAgent: 'csm_agent',
  /** The system of record's account id (cross-reference). */
  xref: 'sf_account_id',
} as const;

const AGENT_BASE = 43_000_000_000;
const COMPANY_BASE = 44_000_000_000;
const STATUS = { open: 2, pending: 3, solved: 4 } as const;

export const agentId = (index: number): number => AGENT_BASE + index;
export const companyId = (index: number): number => COMPANY_BASE + index;

/**
 * Freshdesk's part of the generated world: every person an agent (who left, or is
 * suspended in the help desks, is deactivated), every account a company with its domain,
 * its cross-reference and its POCs (a drifted account shows another active person as
 * account manager, chosen from the world's seed), and the account's tickets with their
 * Freshdesk statuses, the POC's held by the company's account manager.
 */
export function freshdeskSeedFrom(world: SeedWorld): FreshdeskSeed {
  const stamp = `${world.modifiedAt.slice(0, 19)}Z`;
  const names = new Map<string, number>();
  for (const p of world.people) names.set(fullName(p), (names.get(fullName(p)) ?? 0) + 1);
  const choice = (p: SeedPerson) => ((names.get(fullName(p)) ?? 0) > 1 ? p.email : fullName(p));
  const active = world.people.filter((p) => !p.inactive);

  const agents = world.people.map((p) => ({
    available: false,
    occasional: false,
    id: agentId(p.index),
    ticket_scope: 1,
    group_ids: [],
    role_ids: [],
    type: 'support_agent',
    deactivated: p.inactive || p.helpdeskSuspended,
    created_at: stamp,
    updated_at: stamp,
    contact: {
      active: !p.inactive && !p.helpdeskSuspended,
      email: p.email,
      name: fullName(p),
      language: 'en',
      time_zone: 'UTC',
      created_at: stamp,
      updated_at: stamp,
    },
  }));

  const companies: VendorRecord[] = [];
  const tickets: VendorRecord[] = [];
  for (const account of world.accounts) {
    const manager = accountManager(world, account, active);
    const csm = world.people[account.csm] as SeedPerson;
    companies.push({
      id: companyId(account.index),
      name: account.name,
      description: null,
      note: null,
      domains: [account.domain],
      health_score: null,
      account_tier: null,
      renewal_date: null,
      industry: null,
      created_at: stamp,
      updated_at: stamp,
      custom_fields: {
        [FRESHDESK_SEED_FIELDS.accountManager]: manager.email,
        [FRESHDESK_SEED_FIELDS.csmEmail]: csm.email,
        [FRESHDESK_SEED_FIELDS.csmAgent]: choice(csm),
        [FRESHDESK_SEED_FIELDS.xref]: account.xref,
      },
    });
    for (const t of account.tickets) {
      tickets.push({
        id: t.id,
        subject: t.subject,
        status: STATUS[t.status],
        priority: 1,
        source: 2,
        requester_id: null,
        responder_id: agentId(t.assignee === 'poc' ? manager.index : t.assignee),
        company_id: companyId(account.index),
        group_id: null,
        type: null,
        tags: [],
        custom_fields: {},
        created_at: stamp,
        updated_at: stamp,
      });
    }
  }

  const text = (id: number, name: string, label: string) => ({ id, name, label, type: 'custom_text', position: id });
  const company_fields: VendorRecord[] = [
    { id: 1, name: 'name', label: 'Company Name', type: 'default_name', position: 1 },
    { id: 2, name: 'domains', label: 'Domains for this company', type: 'default_domains', position: 2 },
    text(10, FRESHDESK_SEED_FIELDS.accountManager, 'Account manager (email)'),
    text(11, FRESHDESK_SEED_FIELDS.csmEmail, 'CSM (email)'),
    {
      id: 12,
      name: FRESHDESK_SEED_FIELDS.csmAgent,
      label: 'CSM',
      type: 'custom_dropdown',
      position: 12,
      choices: world.people.map(choice),
    },
    text(13, FRESHDESK_SEED_FIELDS.xref, 'Salesforce account id'),
  ];
  return { agents, companies, company_fields, tickets };
}

function fullName(p: SeedPerson): string {
  return `${p.firstName} ${p.lastName}`;
}

/** The system of record's owner, or for a drifted account another active person, the same for a given world seed. */
function accountManager(world: SeedWorld, account: SeedAccount, active: SeedPerson[]): SeedPerson {
  const owner = world.people[account.owner] as SeedPerson;
  if (!account.drifted) return owner;
  const others = active.filter((p) => p.index !== owner.index);
  if (others.length === 0) return owner;
  const pick = (Math.imul(account.index + 1, 2_654_435_761) ^ world.seed) >>> 0;
  return others[pick % others.length] as SeedPerson;
}
