import type { RoleFieldMapping } from '../domain/connector.ts';
import type { SystemId } from '../domain/types.ts';
import type { EnabledSystem } from '../registry/definition.ts';
import type { StateLocation } from '../store/state-store.ts';

/** Config after validation, secret resolution and normalisation: what the engine and runner use. */

export type Policy =
  | { kind: 'authority'; system: SystemId }
  | { kind: 'priority'; order: SystemId[] }
  | { kind: 'two-way'; tieBreak: 'priority' | 'latest' | 'manual'; order: SystemId[] };

export interface RoleConfig {
  name: string;
  /** Per system, the field holding this role. Systems absent here do not carry the role. */
  fields: Record<SystemId, RoleFieldMapping>;
  policy: Policy;
  onUnresolvable: { kind: 'skip' } | { kind: 'fallback'; email: string };
  cascade: { contacts: boolean; openTickets: boolean };
}

/** How accounts are linked across systems, tried in order. */
export type LinkRule =
  /** Values equal across systems; a system without a field contributes its record id. */
  { kind: 'xref'; fields: Record<SystemId, string> } | { kind: 'domain' };

/** A safety limit: a count, or a percentage (0–100) of what is in scope. */
export type Limit = { kind: 'absolute'; value: number } | { kind: 'percent'; value: number };

export interface SpocConfig {
  version: 1;
  /** The config file (absolute), for messages. */
  file: string;
  /** The systems the config enables, each with its definition and settings. */
  systems: Record<SystemId, EnabledSystem>;
  /** Their ids, in the order `systems:` lists them: every loop over systems follows it. */
  enabledSystems: SystemId[];
  /** Which system's record id names an account several systems hold: the first present. */
  keyOrder: SystemId[];
  /** alias email → primary email, both canonical (trimmed, lower-cased). */
  aliases: Record<string, string>;
  /** People read from a system are reused for this long (0 = read every run). */
  peopleRefreshMs: number;
  link: LinkRule[];
  roles: RoleConfig[];
  safety: { maxChanges: Limit; maxCascade: Limit };
  schedule: string | undefined;
  /** Where the state is: the SQLite file's absolute path, or the Postgres database and tenant (no password). */
  statePath: string;
  /** The store to open: a SQLite file, or this config's tenant in a Postgres database. */
  state: StateLocation & { connectTimeoutMs?: number };
  /** What keys this config's state where several share one database (`tenant:`, or the file's name). */
  tenant: string;
  /** Handover notices and run alerts (no channels when the config has no `notify:`). */
  notify: NotifyConfig;
}

/** What a notice channel receives: handover notices, run alerts. */
export type NoticeEvent = 'handover' | 'run';

/** One configured notice channel, its secrets resolved: Slack or Teams. */
export type NotifyChannelConfig = {
  /** Unique among the channels ([a-z0-9-]+): the outbox names it. */
  name: string;
  events: NoticeEvent[];
  /** Only handovers of these roles; undefined = every role. */
  roles: string[] | undefined;
} & (
  | {
      kind: 'slack';
      slack: {
        token: string;
        /** `#name` or a channel id. */
        channel: string;
        /** Also a direct message to the new and the previous POC of each handover. */
        directMessages: boolean;
        /** The Web API's base URL when not Slack's own (the sandbox). */
        apiUrl: string | undefined;
      };
    }
  | { kind: 'teams'; teams: { webhookUrl: string } }
);

export interface NotifyConfig {
  /** The console's base URL (no trailing slash): notices link to `<consoleUrl>/runs/<id>`. */
  consoleUrl: string | undefined;
  /** More handovers than this for one destination in one run go as one digest. */
  digestAbove: number;
  /** Record-level failures above this raise a run alert. */
  alertOnFailuresAbove: number;
  channels: NotifyChannelConfig[];
}
