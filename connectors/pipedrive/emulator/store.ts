import type { VendorRecord } from '@spoc/sandbox/kit';
import type { PipedriveSeed } from './seed.ts';

export type Row = VendorRecord & { id: number };

/** RFC 3339 in whole seconds, as v2 writes update_time. */
export function stamp(ms: number): string {
  return new Date(Math.floor(ms / 1000) * 1000).toISOString().replace('.000Z', 'Z');
}

export function seconds(value: unknown): number {
  return typeof value === 'string' ? Math.floor(Date.parse(value) / 1000) : 0;
}

/** One changelog item as Pipedrive lists it (GetChangelogResponse data, pipedrive SDK v1). */
export interface ChangelogItem {
  field_key: string;
  old_value: string | null;
  new_value: string | null;
  actor_user_id: number | null;
  time: string;
  change_source: string;
  change_source_user_agent: string | null;
  is_bulk_update_flag: boolean;
}

/**
 * The emulated company's data, rebuilt from a copy of the seed on reset. `version`
 * changes with every write, so sorted views know they are stale.
 */
export class PipedriveStore {
  users: Row[] = [];
  organizations = new Map<number, Row>();
  persons = new Map<number, Row>();
  fields: VendorRecord[] = [];
  version = 0;
  private readonly seed: PipedriveSeed | undefined;
  private views = new Map<string, { version: number; rows: Row[] }>();
  /** Field value changes per organization, oldest first (GET /v1/organizations/{id}/changelog). */
  changelog = new Map<number, ChangelogItem[]>();

  constructor(seed: PipedriveSeed | undefined) {
    this.seed = seed;
    this.reset();
  }

  reset(): void {
    const copy = <T>(list: T[] | undefined): T[] => structuredClone(list ?? []);
    this.users = copy(this.seed?.users).map((u) => ({ ...u, id: Number(u.id) }));
    this.organizations = new Map(copy(this.seed?.organizations).map((o) => [Number(o.id), { ...o, id: Number(o.id) }]));
    this.persons = new Map(copy(this.seed?.persons).map((p) => [Number(p.id), { ...p, id: Number(p.id) }]));
    this.fields = copy(this.seed?.organizationFields);
    this.views.clear();
    this.changelog.clear();
    this.version++;
  }

  /** The user a request acts as: the token's (/users/me), or a sandbox `ui-user-<id>` token's person. */
  actor(token: string): number | undefined {
    const named = /^ui-user-(\d+)$/.exec(token);
    if (named) return this.user(Number(named[1]))?.id as number | undefined;
    const me = this.users.find((u) => u.is_you === true) ?? this.users.find((u) => u.active_flag !== false);
    return me?.id as number | undefined;
  }

  logChange(organization: number, item: ChangelogItem): void {
    const list = this.changelog.get(organization) ?? [];
    list.push(item);
    this.changelog.set(organization, list);
  }

  user(id: number): Row | undefined {
    return this.users.find((u) => u.id === id);
  }

  /** A user a record may be given to: one that exists and is active. */
  assignable(id: unknown): boolean {
    const user = typeof id === 'number' ? this.user(id) : undefined;
    return user !== undefined && user.active_flag !== false;
  }

  field(key: string): VendorRecord | undefined {
    return this.fields.find((f) => f.field_code === key);
  }

  /** Live records of a table sorted by (sort field, id), cached until the next write. */
  sorted(table: 'organizations' | 'persons', sortBy: 'id' | 'update_time' | 'add_time'): Row[] {
    const name = `${table}:${sortBy}`;
    const cached = this.views.get(name);
    if (cached && cached.version === this.version) return cached.rows;
    const value = (r: Row) => (sortBy === 'id' ? r.id : seconds(r[sortBy]));
    const rows = [...this[table].values()]
      .filter((r) => r.is_deleted !== true)
      .sort((a, b) => value(a) - value(b) || a.id - b.id);
    this.views.set(name, { version: this.version, rows });
    return rows;
  }

  touch(row: Row, now: number): void {
    row.update_time = stamp(now);
    this.version++;
  }
}
