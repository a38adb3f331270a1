import { generateSeed } from '@spoc/sandbox';
import { describe, expect, it } from 'vitest';
import { freshdeskEmulator } from './index.ts';
import { agentId, companyId, FRESHDESK_SEED_FIELDS } from './seed.ts';
import type { FreshdeskSeed } from './store.ts';

const world = (options: Parameters<typeof generateSeed>[0]) =>
  generateSeed(options, [freshdeskEmulator]).freshdesk as FreshdeskSeed;

describe('Freshdesk seed from the generated world', () => {
  it('holds every person as an agent; the departed and the help-desk-suspended are deactivated', () => {
    const seed = world({ accounts: 10 });
    const zendeskUsers = generateSeed({ accounts: 10 }).zendesk?.users.filter((u) => u.role !== 'end-user') ?? [];
    expect(seed.agents).toHaveLength(zendeskUsers.length);
    const inactive = seed.agents.filter((a) => a.deactivated === true);
    expect(inactive.map((a) => (a.contact as { email: string }).email)).toEqual(
      zendeskUsers.filter((u) => u.active === false || u.suspended === true).map((u) => u.email),
    );
  });

  it('holds every account as a company with its domain, xref, POC emails and a dropdown choice the field offers', () => {
    const full = generateSeed({ accounts: 200, drift: 0.3 }, [freshdeskEmulator]);
    const seed = full.freshdesk as FreshdeskSeed;
    const sf = full.salesforce;
    const sfOwnerEmail = new Map(sf?.User.map((u) => [u.Id, u.Email]));
    expect(seed.companies).toHaveLength(200);
    const dropdown = seed.company_fields.find((f) => f.name === FRESHDESK_SEED_FIELDS.csmAgent);
    let drifted = 0;
    seed.companies.forEach((c, i) => {
      const account = sf?.Account[i] as Record<string, unknown>;
      const custom = c.custom_fields as Record<string, unknown>;
      expect(c.id).toBe(companyId(i));
      expect(c.domains).toEqual([`customer-${String(i + 1).padStart(6, '0')}.example`]);
      expect(((dropdown?.choices ?? []) as unknown[]).includes(custom[FRESHDESK_SEED_FIELDS.csmAgent])).toBe(true);
      if (custom[FRESHDESK_SEED_FIELDS.accountManager] !== sfOwnerEmail.get(account.OwnerId)) drifted++;
    });
    // About 30 % drifted, each to another person than the system of record's owner.
    expect(drifted).toBeGreaterThan(30);
    expect(drifted).toBeLessThan(90);
    expect(world({ accounts: 200, drift: 0.3 })).toEqual(seed); // deterministic
  });

  it('gives tickets Freshdesk statuses, the POC’s held by the company’s account manager', () => {
    const seed = world({ accounts: 3, ticketsPerAccount: 4, ticketAccounts: 2 });
    const manager = (company: number) =>
      seed.agents.find(
        (a) =>
          (a.contact as { email: string }).email ===
          ((seed.companies.find((c) => c.id === company)?.custom_fields ?? {}) as Record<string, unknown>)
            .account_manager,
      )?.id;
    const first = seed.tickets.filter((t) => t.company_id === companyId(0));
    expect(first.map((t) => t.status)).toEqual([2, 2, 4, 3]);
    expect(first.slice(0, 3).every((t) => t.responder_id === manager(companyId(0)))).toBe(true);
    expect(first[3]?.responder_id).not.toBe(manager(companyId(0)));
    expect(Number(first[3]?.responder_id)).toBeGreaterThanOrEqual(agentId(0));
  });
});
