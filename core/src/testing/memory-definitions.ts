import { z } from 'zod';
import { fieldName, secret } from '../config/kit.ts';
import type { CascadeKind } from '../domain/types.ts';
import type { ConnectorDefinition, EnabledSystem } from '../registry/definition.ts';
import { createRegistry, type Registry } from '../registry/registry.ts';
import { MemoryConnector } from './memory-connector.ts';

/**
 * A system for tests, defined the way a connector package defines one: a token secret
 * in its config, role fields `{ field, value: id | email }`. Its connector is a
 * MemoryConnector (tests usually hand their own to the runner).
 */
export function memoryDefinition(
  id: string,
  options: {
    keyRank?: number;
    cascades?: CascadeKind[];
    normaliseReference?: (v: string) => string;
    /** Where its records and tickets are in its (imaginary) UI: `https://<id>.example/<kind>/<id>`. */
    links?: boolean;
  } = {},
): ConnectorDefinition<{ token: string }, { field: string; value: 'id' | 'email' }> {
  return {
    id,
    label: id.toUpperCase(),
    keyRank: options.keyRank ?? 50,
    config: {
      schema: z.strictObject({ token: secret }),
      settings: (resolved) => resolved as { token: string },
      secrets: (s) => [s.token],
    },
    roleField: {
      schema: z.strictObject({ field: fieldName, value: z.enum(['id', 'email']).default('id') }),
      kinds: ['owner-id', 'email-text'],
      mapping: (f) => ({ field: f.field, value: f.value }),
    },
    link: {
      xref: true,
      domains: true,
      ...(options.normaliseReference ? { normaliseReference: options.normaliseReference } : {}),
    },
    capabilities: { cascades: options.cascades ?? ['contacts', 'openTickets'] },
    create: async () => new MemoryConnector(id, [], [], {}),
    ...(options.links
      ? {
          recordUrl: (_s: unknown, recordId: string) => `https://${id}.example/accounts/${recordId}`,
          ticketUrl: (_s: unknown, ticketId: string) => `https://${id}.example/tickets/${ticketId}`,
        }
      : {}),
  };
}

/** The three systems of the memory world: `crm` decides and names accounts, `marketing` and `helpdesk` follow. */
export const MEMORY_SYSTEMS = ['marketing', 'crm', 'helpdesk'] as const;

export function memoryRegistry(ids: readonly string[] = MEMORY_SYSTEMS, options: { links?: boolean } = {}): Registry {
  return createRegistry(ids.map((id) => memoryDefinition(id, { keyRank: id === 'crm' ? 0 : 10, ...options })));
}

/**
 * The systems part of a hand-built SpocConfig: each id enabled with a memory definition,
 * accounts named by the first id that holds them.
 */
export function testSystems(
  ids: readonly string[],
  options: Record<string, Parameters<typeof memoryDefinition>[1]> = {},
): { systems: Record<string, EnabledSystem>; enabledSystems: string[]; keyOrder: string[] } {
  const systems: Record<string, EnabledSystem> = {};
  for (const [i, id] of ids.entries()) {
    const definition = memoryDefinition(id, { keyRank: i, ...options[id] });
    systems[id] = { id, label: definition.label, definition, settings: { token: 't' } };
  }
  return { systems, enabledSystems: [...ids], keyOrder: [...ids] };
}
