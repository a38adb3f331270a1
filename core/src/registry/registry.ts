import type { ConnectorDefinition } from './definition.ts';

/** The systems spoc can talk to, by id. The CLI builds it from the connector packages. */
export interface Registry {
  /** Sorted by id, so everything built from the registry is deterministic. */
  readonly definitions: readonly ConnectorDefinition<unknown>[];
  get(id: string): ConnectorDefinition<unknown> | undefined;
}

const ID = /^[a-z][a-z0-9]*$/;

/**
 * Each connector's definition is typed by its own settings; the registry holds them side
 * by side, so it takes any settings and gives them back as unknown.
 */
// biome-ignore lint/suspicious/noExplicitAny: definitions of different settings types, held together
type AnyDefinition = ConnectorDefinition<any, any>;

export function createRegistry(definitions: readonly AnyDefinition[]): Registry {
  const byId = new Map<string, ConnectorDefinition<unknown>>();
  for (const d of definitions as readonly ConnectorDefinition<unknown>[]) {
    if (!ID.test(d.id)) throw new Error(`connector id "${d.id}" must be lower-case letters and digits`);
    if (byId.has(d.id)) throw new Error(`two connectors register the id "${d.id}"`);
    byId.set(d.id, d);
  }
  const sorted = [...byId.values()].sort((a, b) => (a.id < b.id ? -1 : a.id > b.id ? 1 : 0));
  return { definitions: sorted, get: (id) => byId.get(id) };
}
