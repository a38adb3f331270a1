import type { z } from 'zod';
import type { Connector, ConnectorContext, RoleFieldMapping } from '../domain/connector.ts';
import type { CascadeKind } from '../domain/types.ts';

/** Where a role lives in a system: an owner id field, a lookup to a user, or text holding an email. */
export type FieldKind = 'owner-id' | 'user-lookup' | 'email-text';

/** A problem found in a system's settings, at a path below `systems.<id>`. */
export type SettingsReport = (path: (string | number)[], message: string) => void;

/**
 * Everything core knows about one system, and the only way it learns about one: each
 * connector package exports its definition, the CLI puts them in a registry, and the
 * config, planner, store, console and CLI iterate the systems a config enables. See
 * docs/ARCHITECTURE.md ("Adding a system").
 */
export interface ConnectorDefinition<Settings = unknown, Field = unknown> {
  /** The key under `systems:` and in every record key (`<id>:<record id>`): lower-case letters and digits. */
  readonly id: string;
  /** How people call it, as the vendor spells it. */
  readonly label: string;
  /**
   * Which system names an account when several hold it: the lowest rank present (a CRM
   * of record before a help desk), so the key survives later links. `accounts.keyOrder` overrides it.
   */
  readonly keyRank: number;
  readonly config: {
    /** `systems.<id>` as admins write it (secrets as `${VAR}` / `${file:…}`); strict, so a typo is an error. */
    readonly schema: z.ZodType;
    /**
     * The settings the connector is built from, once references are resolved (defaults
     * applied, URLs checked with core's `urlProblem`). Problems are reported, never thrown.
     */
    settings(resolved: unknown, report: SettingsReport): Settings;
    /** Values to keep out of every log, output and stored text (tokens, and the pairs sent as Basic credentials). */
    secrets(settings: Settings): string[];
  };
  readonly roleField: {
    /** `roles.<role>.fields.<id>` as admins write it. */
    readonly schema: z.ZodType;
    /** The field kinds this system supports (documentation and completion). */
    readonly kinds: readonly FieldKind[];
    /** What the connector needs of a validated role field. */
    mapping(field: Field): RoleFieldMapping;
  };
  readonly link: {
    /** The system keeps cross-reference fields (`accounts.link: [{ xref: { <id>: FIELD } }]`). */
    readonly xref: boolean;
    /** Its accounts carry domains or websites (`accounts.link: [domain]`). */
    readonly domains: boolean;
    /**
     * The comparable form of a reference to one of this system's record ids, wherever it
     * is stored (e.g. a CRM whose 18-character ids compare equal to their 15-character form).
     */
    normaliseReference?(value: string): string;
    /** Every form the same id may be written in (to find a record by any of them), itself included. */
    referenceForms?(value: string): string[];
  };
  /** What the system can do beyond owners: records that follow an owner change. */
  readonly capabilities: { readonly cascades: readonly CascadeKind[] };
  /** The connector (its module loads here, so reading a config never loads a vendor SDK). */
  create(settings: Settings, context: ConnectorContext): Promise<Connector>;
  /** The record in the vendor's UI, for the console (null when the settings cannot say, e.g. no portal id). */
  recordUrl?(settings: Settings, recordId: string): string | null;
  /** A ticket in the vendor's UI, for handover notices listing the tickets moved (null when the settings cannot say). */
  ticketUrl?(settings: Settings, ticketId: string): string | null;
}

/** A system the config enables: its definition and its settings. */
export interface EnabledSystem<Settings = unknown> {
  id: string;
  label: string;
  definition: ConnectorDefinition<Settings>;
  settings: Settings;
}
