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
