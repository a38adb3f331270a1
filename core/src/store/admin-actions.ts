import { type OwnerOverride, overrideKey } from '../domain/types.ts';
import { StoreModule } from './store-db.ts';

export type AdminActionKind = 'settle' | 'handover';

/** One owner an action sets, and what became of it. */
export interface OverrideRow {
  account: string;
  role: string;
  email: string;
  /** null while the next sync has yet to apply it. */
  outcome: 'applied' | 'superseded' | null;
  runId: string | null;
}

export interface AdminAction {
  id: number;
  at: string;
  kind: AdminActionKind;
  /** Who asked: `local` (loopback console) or `token`. */
  actor: string;
  detail: Record<string, unknown>;
  /** pending until every override it made is applied or superseded by a later action. */
  status: 'pending' | 'done';
  overrides: OverrideRow[];
}

/**
 * The audit of admin actions and the overrides they leave for the next sync. An
 * override is applied once every system holds its owner; a later action on the same
 * account and role supersedes it.
 */
export class AdminActions extends StoreModule {
  /** Records an action and its overrides; returns its id. */
  record(
    kind: AdminActionKind,
    actor: string,
    detail: Record<string, unknown>,
    overrides: ({ account: string; role: string } & OwnerOverride)[],
  ): number {
    const supersede = this.sql(
      "UPDATE overrides SET outcome = 'superseded' WHERE account = ? AND role = ? AND outcome IS NULL",
    );
    const insert = this.sql(
      'INSERT INTO overrides (action_id, account, role, email, reason, open_tickets) VALUES (?, ?, ?, ?, ?, ?)',
    );
    return this.transaction(() => {
      const { id } = this.sql('INSERT INTO actions (at, kind, actor, detail) VALUES (?, ?, ?, ?) RETURNING id').get(
        this.iso(),
        kind,
        actor,
        JSON.stringify(detail),
      ) as { id: number };
      for (const o of overrides) {
        supersede.run(o.account, o.role);
        insert.run(id, o.account, o.role, o.email, o.reason, o.openTickets ? 1 : 0);
      }
      return id;
    });
  }

  /** The overrides the next sync decides by, keyed by overrideKey(account, role). */
  pendingOverrides(): Map<string, OwnerOverride> {
    const rows = this.sql(
      'SELECT account, role, email, reason, open_tickets FROM overrides WHERE outcome IS NULL',
    ).all() as {
      account: string;
      role: string;
      email: string;
      reason: OwnerOverride['reason'];
      open_tickets: number;
    }[];
    return new Map(
      rows.map((r) => [
        overrideKey(r.account, r.role),
        { email: r.email, reason: r.reason, openTickets: r.open_tickets === 1 },
      ]),
    );
  }

  /** Marks the overrides of these (account, role) keys applied by `runId`. */
  markApplied(keys: { account: string; role: string }[], runId: string): void {
    const update = this.sql(
      "UPDATE overrides SET outcome = 'applied', run_id = ? WHERE account = ? AND role = ? AND outcome IS NULL",
    );
    this.transaction(() => {
      for (const k of keys) update.run(runId, k.account, k.role);
    });
  }

  /** The latest actions, newest first. */
  list(limit = 50): AdminAction[] {
    const rows = this.sql('SELECT * FROM actions ORDER BY id DESC LIMIT ?').all(limit) as unknown as RawAction[];
    return rows.map((r) => this.action(r));
  }

  /** Actions that touched one account, newest first. */
  forAccount(account: string): AdminAction[] {
    const rows = this.sql(
      'SELECT * FROM actions WHERE id IN (SELECT action_id FROM overrides WHERE account = ?) ORDER BY id DESC',
    ).all(account) as unknown as RawAction[];
    return rows.map((r) => this.action(r));
  }

  private action(r: RawAction): AdminAction {
    const overrides = this.sql(
      'SELECT account, role, email, outcome, run_id AS "runId" FROM overrides WHERE action_id = ? ORDER BY account, role',
    ).all(r.id) as unknown as OverrideRow[];
    return {
      id: r.id,
      at: r.at,
      kind: r.kind,
      actor: r.actor,
      detail: JSON.parse(r.detail) as Record<string, unknown>,
      status: overrides.some((o) => o.outcome === null) ? 'pending' : 'done',
      overrides,
    };
  }
}

interface RawAction {
  id: number;
  at: string;
  kind: AdminActionKind;
  actor: string;
  detail: string;
}
