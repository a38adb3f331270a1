import type { AccountRecord } from '../domain/types.ts';
import { MemoryConnector } from './memory-connector.ts';
import { MEMORY_SYSTEMS } from './memory-definitions.ts';

/**
 * A book of `accounts` customers in the three memory vendors of memoryWorldYaml (crm
 * decides; marketing and helpdesk link to it by `crmid`), each with `people` users
 * (`p<n>@acme.test`). `ownerOf` says which person holds an account's owner in a system
 * (default: the same everywhere), for the benchmarks and memory tests that need a big one.
 */
export function memoryBook(
  accounts: number,
  people: number,
  ownerOf: (system: string, account: number) => number = (_system, n) => n % people,
): MemoryConnector[] {
  return MEMORY_SYSTEMS.map(
    (system) =>
      new MemoryConnector(
        system,
        Array.from({ length: people }, (_, p) => ({
          system,
          id: `${system}-${p}`,
          email: `p${p}@acme.test`,
          active: true,
          name: `Person ${p}`,
        })),
        Array.from({ length: accounts }, (_, n) => ({
          system,
          id: system === 'crm' ? `c${n}` : `${system}${n}`,
          name: `Customer ${n}`,
          domains: [],
          xrefs: system === 'crm' ? {} : { crmid: `c${n}` },
          roles: { owner: { id: `${system}-${ownerOf(system, n) % people}` } },
          modifiedAt: null,
        })),
        { owner: 'id' },
      ),
  );
}

/**
 * `count` accounts of one memory vendor as small tests use them: crm's ids 001, 002…, the
 * others' `<system>1`, `<system>2`… linked to them by `crmid`, the owner `<system>-<owner>`.
 */
export function linkedAccounts(system: string, count: number, owner: string): AccountRecord[] {
  return Array.from({ length: count }, (_, i) => ({
    system,
    id: system === 'crm' ? `00${i + 1}` : `${system}${i + 1}`,
    name: `Customer ${i + 1}`,
    domains: [],
    xrefs: system === 'crm' ? {} : { crmid: `00${i + 1}` },
    roles: { owner: { id: `${system}-${owner}` } },
    modifiedAt: null,
  }));
}
