import fc from 'fast-check';
import { describe, expect, it } from 'vitest';
import type { LinkRule } from '../config/types.ts';
import type { AccountRecord, SystemId } from '../domain/types.ts';
import { type LinkOptions, type LinkResult, linkAccounts } from './link-accounts.ts';

/** Systems linked, Salesforce naming accounts first; its 18-character ids fold to 15 (as its definition says). */
const linking = (systems: SystemId[]): LinkOptions => ({
  systems,
  keyOrder: ['salesforce', 'hubspot', 'zendesk'],
  normaliseReference: (v) => (/^[a-zA-Z0-9]{18}$/.test(v.trim()) ? v.trim().slice(0, 15) : v.trim()),
});
const ALL = linking(['hubspot', 'salesforce', 'zendesk']);
const XREF_THEN_DOMAIN: LinkRule[] = [
  { kind: 'xref', fields: { hubspot: 'salesforceaccountid', zendesk: 'external_id' } },
  { kind: 'domain' },
];

function rec(system: SystemId, id: string, more: Partial<AccountRecord> = {}): AccountRecord {
  return { system, id, name: `${system} ${id}`, domains: [], xrefs: {}, roles: {}, modifiedAt: null, ...more };
}

/** Each account as its record refs, e.g. ['hubspot:1', 'salesforce:001…']. */
const groups = (r: LinkResult) => r.accounts.map((a) => Object.values(a.records).map((x) => `${x.system}:${x.id}`));
const ambiguous = (r: LinkResult) => r.issues.filter((i) => i.kind === 'ambiguous');

describe('linkAccounts', () => {
  it('links by cross-reference; a system without a field contributes its own id; 15 = 18-character ids', () => {
    const r = linkAccounts(
      [
        rec('salesforce', '001Dn00000AbCdEIAV', { name: 'Acme Inc' }),
        rec('hubspot', '42', { xrefs: { salesforceaccountid: '001Dn00000AbCdE' } }),
        rec('zendesk', '77', { xrefs: { external_id: '001Dn00000AbCdEIAV' } }),
        // Same characters in another case: another Salesforce record, not linked.
        rec('hubspot', '43', { xrefs: { salesforceaccountid: '001DN00000ABCDE' } }),
      ],
      XREF_THEN_DOMAIN,
      ALL,
    );
    expect(r.accounts.map((a) => [a.key, a.name])).toEqual([
      ['hubspot:43', 'hubspot 43'],
      ['salesforce:001Dn00000AbCdEIAV', 'Acme Inc'],
    ]);
    expect(groups(r)[1]).toEqual(['hubspot:42', 'salesforce:001Dn00000AbCdEIAV', 'zendesk:77']);
  });

  it('then by normalised domain, for records the cross-reference left unlinked', () => {
    const r = linkAccounts(
      [
        rec('salesforce', 'S1', { domains: ['https://www.acme.com/'] }),
        rec('hubspot', 'H1', { xrefs: { salesforceaccountid: 'S1' } }),
        rec('zendesk', 'Z1', { domains: ['ACME.com.'] }),
      ],
      XREF_THEN_DOMAIN,
      ALL,
    );
    expect(groups(r)).toEqual([['hubspot:H1', 'salesforce:S1', 'zendesk:Z1']]);
    expect(r.issues).toEqual([]);
  });

  it('an earlier rule wins: a later rule does not relink a system the account already has', () => {
    const r = linkAccounts(
      [
        rec('salesforce', 'S1', { domains: ['acme.com'] }),
        rec('hubspot', 'H1', { xrefs: { salesforceaccountid: 'S1' } }),
        rec('hubspot', 'H2', { domains: ['acme.com'] }),
      ],
      XREF_THEN_DOMAIN,
      ALL,
    );
    expect(groups(r)).toEqual([['hubspot:H2'], ['hubspot:H1', 'salesforce:S1']]);
    expect(ambiguous(r)).toEqual([]);
  });

  it('two linked customers sharing a website stay two customers', () => {
    const r = linkAccounts(
      [
        rec('salesforce', 'S1', { domains: ['acme.com'] }),
        rec('hubspot', 'H1', { xrefs: { salesforceaccountid: 'S1' }, domains: ['acme.com'] }),
        rec('salesforce', 'S2', { domains: ['www.acme.com'] }),
        rec('hubspot', 'H2', { xrefs: { salesforceaccountid: 'S2' }, domains: ['acme.com'] }),
      ],
      XREF_THEN_DOMAIN,
      linking(['hubspot', 'salesforce']),
    );
    expect(groups(r)).toEqual([
      ['hubspot:H1', 'salesforce:S1'],
      ['hubspot:H2', 'salesforce:S2'],
    ]);
    expect(r.issues).toEqual([]);
  });

  it('a record claimed by two accounts is reported and linked to neither', () => {
    const r = linkAccounts(
      [
        rec('salesforce', 'S1', { domains: ['acme.com'] }),
        rec('hubspot', 'H1', { xrefs: { salesforceaccountid: 'S1' } }),
        rec('salesforce', 'S2', { domains: ['acme.com'] }),
        rec('hubspot', 'H2', { xrefs: { salesforceaccountid: 'S2' } }),
        rec('zendesk', 'Z1', { domains: ['acme.com'] }),
      ],
      XREF_THEN_DOMAIN,
      ALL,
    );
    expect(groups(r)).toEqual([
      ['hubspot:H1', 'salesforce:S1'],
      ['hubspot:H2', 'salesforce:S2'],
    ]);
    expect(ambiguous(r)).toEqual([
      {
        kind: 'ambiguous',
        account: 'zendesk:Z1',
        accountName: 'zendesk Z1',
        detail: 'domain acme.com matches zendesk:Z1, claimed by accounts salesforce:S1 and salesforce:S2',
      },
    ]);
  });

  it('two candidates of one system for an account: the account is reported and skipped', () => {
    const r = linkAccounts(
      [
        rec('salesforce', 'S1'),
        rec('hubspot', 'H1', { xrefs: { salesforceaccountid: 'S1' } }),
        rec('hubspot', 'H2', { xrefs: { salesforceaccountid: 'S1' } }),
        rec('zendesk', 'Z9', { xrefs: { external_id: 'S9' } }),
      ],
      XREF_THEN_DOMAIN,
      ALL,
    );
    expect(r.accounts.map((a) => a.key)).toEqual(['zendesk:Z9']);
    expect(ambiguous(r)).toEqual([
      {
        kind: 'ambiguous',
        account: 'salesforce:S1',
        accountName: 'salesforce S1',
        detail: 'cross-reference S1 matches hubspot:H1, hubspot:H2, salesforce:S1',
      },
    ]);
  });

  it('a linked account offered two records of one system by a later rule is skipped', () => {
    const r = linkAccounts(
      [
        rec('salesforce', 'S1', { domains: ['acme.com'] }),
        rec('hubspot', 'H1', { xrefs: { salesforceaccountid: 'S1' } }),
        rec('zendesk', 'Z1', { domains: ['acme.com'] }),
        rec('zendesk', 'Z2', { domains: ['https://acme.com/support'] }),
      ],
      XREF_THEN_DOMAIN,
      ALL,
    );
    expect(r.accounts).toEqual([]);
    expect(ambiguous(r).map((i) => i.detail)).toEqual([
      'domain acme.com matches hubspot:H1, salesforce:S1, zendesk:Z1, zendesk:Z2',
    ]);
  });

  it('keys the account by Salesforce, else HubSpot, else Zendesk, and lists the systems it is missing from', () => {
    const r = linkAccounts(
      [rec('zendesk', 'Z1', { domains: ['a.io'] }), rec('hubspot', 'H1', { domains: ['a.io'], name: 'A' })],
      [{ kind: 'domain' }],
      ALL,
    );
    expect(r.accounts.map((a) => [a.key, a.name])).toEqual([['hubspot:H1', 'A']]);
    expect(r.issues).toEqual([
      {
        kind: 'missing',
        account: 'hubspot:H1',
        accountName: 'A',
        system: 'salesforce',
        detail: 'no salesforce record linked to A',
      },
    ]);
  });

  it('ignores records of systems that are not enabled', () => {
    const r = linkAccounts(
      [rec('salesforce', 'S1', { domains: ['a.io'] }), rec('zendesk', 'Z1', { domains: ['a.io'] })],
      [{ kind: 'domain' }],
      linking(['salesforce']),
    );
    expect(groups(r)).toEqual([['salesforce:S1']]);
    expect(r.issues).toEqual([]);
  });

  it('gives the same result for any input order', () => {
    const records = [
      rec('salesforce', 'S1', { domains: ['acme.com'] }),
      rec('hubspot', 'H1', { xrefs: { salesforceaccountid: 'S1' } }),
      rec('salesforce', 'S2', { domains: ['acme.com', 'b.io'] }),
      rec('hubspot', 'H2', { xrefs: { salesforceaccountid: 'S2' } }),
      rec('zendesk', 'Z1', { domains: ['acme.com'] }),
      rec('zendesk', 'Z2', { domains: ['b.io'] }),
    ];
    const a = linkAccounts(records, XREF_THEN_DOMAIN, ALL);
    const b = linkAccounts([...records].reverse(), XREF_THEN_DOMAIN, ALL);
    expect(JSON.stringify(b)).toBe(JSON.stringify(a));
    expect(groups(a)).toContainEqual(['hubspot:H2', 'salesforce:S2', 'zendesk:Z2']);
  });
});

describe('linkAccounts: properties', () => {
  const recordArb = fc.record({
    system: fc.constantFrom<SystemId>(...ALL.systems),
    n: fc.nat(5),
    ref: fc.option(fc.constantFrom('S0', 'S1', 'S2', 'S0AAA'), { nil: null }),
    domains: fc.subarray(['a.io', 'www.b.io', 'https://c.io/x', 'n/a']),
  });
  const KEY_ORDER: SystemId[] = ['salesforce', 'hubspot', 'zendesk'];
  it('every record lands in exactly one account or one ambiguous issue; no account holds two records of a system', () => {
    fc.assert(
      fc.property(fc.array(recordArb, { maxLength: 10 }), fc.boolean(), (raw, xrefFirst) => {
        const records = raw.map((r) =>
          rec(r.system, r.system === 'salesforce' ? `S${r.n}` : `${r.system[0]}${r.n}`, {
            domains: r.domains,
            xrefs: { salesforceaccountid: r.ref, external_id: r.ref },
          }),
        );
        const rules = xrefFirst ? XREF_THEN_DOMAIN : [...XREF_THEN_DOMAIN].reverse();
        const result = linkAccounts(records, rules, ALL);
        const placed = result.accounts.flatMap((a) => Object.values(a.records).map((r) => `${r.system}:${r.id}`));
        const unique = new Set(records.map((r) => `${r.system}:${r.id}`));
        expect(new Set(placed).size).toBe(placed.length);
        for (const issue of ambiguous(result)) expect(placed).not.toContain(issue.account);
        const reported = new Set(ambiguous(result).flatMap((i) => i.detail.match(/[a-z]+:[A-Za-z0-9]+/g) ?? []));
        for (const id of unique) expect(placed.includes(id) || reported.has(id)).toBe(true);
        for (const a of result.accounts) {
          const keySystem = KEY_ORDER.find((sys) => a.records[sys]) as SystemId;
          expect(a.key).toBe(`${keySystem}:${a.records[keySystem]?.id}`);
        }
      }),
      { numRuns: 200 },
    );
  });
});
