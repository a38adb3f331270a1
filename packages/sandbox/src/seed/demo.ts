import type { EmulatorDefinition } from '../kit/types.ts';
import { generateSeed } from './generate.ts';
import type { SandboxSeed } from './types.ts';

/**
 * The `spoc demo` world: 40 customers, 8 people (one departed, one suspended in
 * Zendesk), 30 % ownership drift, two contacts on every customer and open tickets on the first ten
 * customers so the cascades and the ticket handover have something to do.
 */
export function demoSeed(emulators: readonly EmulatorDefinition[] = []): SandboxSeed & Record<string, unknown> {
  return generateSeed(
    {
      accounts: 40,
      people: 8,
      drift: 0.3,
      contactsPerAccount: 2,
      contactAccounts: 40,
      ticketsPerAccount: 4,
      ticketAccounts: 10,
      seed: 7,
    },
    emulators,
  );
}
