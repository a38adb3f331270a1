import type { HubspotSeed, VendorRecord } from '@spoc/sandbox/kit';
import { compareIds } from './ids.ts';
import {
  DATETIME_PROPERTIES,
  isOwnerPropertyName,
  MODIFIED_PROPERTY,
  type ObjectType,
  propertyNamesOf,
} from './schema.ts';

/** A HubSpot CRM object as the API returns it (SimplePublicObject). */
export interface CrmObject {
  id: string;
  properties: Record<string, string | null>;
  createdAt: string;
  updatedAt: string;
  archived: boolean;
}

/** A HubSpot owner (PublicOwner). */
export interface Owner {
  id: string;
  email: string | null;
  firstName: string;
  lastName: string;
  userId: number | null;
  userIdIncludingInactive?: number;
  createdAt: string;
  updatedAt: string;
  archived: boolean;
  type: 'PERSON' | 'QUEUE';
  teams?: { id: string; name: string; primary: boolean }[];
}

/** One object type's records: sorted by id (list paging is a binary search), with O(1) lookup. */
export interface ObjectTable {
  list: CrmObject[];
  byId: Map<string, CrmObject>;
  /** Every property name the portal knows for this type (standard ones plus the seed's). */
  properties: Set<string>;
  nextId: number;
}

/** Who made a change, as a property's history records it (ValueWithTimestamp). */
export interface ChangeSource {
  sourceType: string;
  sourceId?: string;
  updatedByUserId?: number;
}

/** One entry of a property's history, as propertiesWithHistory returns it. */
export interface PropertyChange extends ChangeSource {
  value: string;
  timestamp: string;
}

/** Used when a seeded record carries no timestamps: incremental search needs one. */
const SEED_EPOCH = '2026-01-01T00:00:00.000Z';

/**
 * The emulated portal's data. Built from a copy of the seed (never mutated) and rebuilt
 * on reset. `version` changes with every write so cached search results know they are stale.
 */
export class HubspotStore {
  owners: Owner[] = [];
  private ownersById = new Map<string, Owner>();
  objects = {} as Record<ObjectType, ObjectTable>;
  version = 0;
  /** Owner properties' histories (`type/id/property`), newest first; kept for owner properties only. */
  private histories = new Map<string, PropertyChange[]>();
  /** Told before every record change (the search index keeps what it has not indexed yet). */
  changing: (o: CrmObject, created: boolean) => void = () => {};
  private readonly seed: HubspotSeed | undefined;
  private readonly declaredOwnerProperties: Set<string>;

  constructor(seed: HubspotSeed | undefined) {
    this.seed = seed;
    this.declaredOwnerProperties = new Set(seed?.ownerProperties ?? []);
    this.reset();
  }

  reset(): void {
    this.histories = new Map();
    this.owners = (this.seed?.owners ?? []).map(ownerFrom);
    this.ownersById = new Map(this.owners.map((o) => [o.id, o]));
    for (const type of ['companies', 'contacts'] as const) {
      const list = (this.seed?.[type] ?? []).map((r) => objectFrom(r, type));
      // Seeds are usually in id order already; sort only when they are not.
      if (list.some((o, i) => i > 0 && compareIds((list[i - 1] as CrmObject).id, o.id) > 0)) {
        list.sort((a, b) => compareIds(a.id, b.id));
      }
      const properties = new Set(propertyNamesOf(type));
      let maxId = 0;
      for (const o of list) {
        for (const name of Object.keys(o.properties)) properties.add(name);
        const n = Number(o.id);
        if (Number.isSafeInteger(n) && n > maxId) maxId = n;
      }
      for (const name of this.declaredOwnerProperties) properties.add(name);
      this.objects[type] = { list, byId: new Map(list.map((o) => [o.id, o])), properties, nextId: maxId + 1 };
    }
    this.version++;
  }

  owner(id: string): Owner | undefined {
    return this.ownersById.get(id);
  }

  /** An owner id a record may point at: it exists and is not archived (queues included). */
  isAssignableOwner(id: string): boolean {
    const owner = this.ownersById.get(id);
    return owner !== undefined && !owner.archived;
  }

  isOwnerProperty(name: string): boolean {
    return isOwnerPropertyName(name) || this.declaredOwnerProperties.has(name);
  }

  /** A live (non-archived) record, or undefined. */
  live(type: ObjectType, id: string): CrmObject | undefined {
    const o = this.objects[type].byId.get(id);
    return o && !o.archived ? o : undefined;
  }

  /** Index of the first record whose id is ≥ `id` (list paging cursors are ids). */
  indexFrom(type: ObjectType, id: string): number {
    const list = this.objects[type].list;
    let lo = 0;
    let hi = list.length;
    while (lo < hi) {
      const mid = (lo + hi) >>> 1;
      if (compareIds((list[mid] as CrmObject).id, id) < 0) lo = mid + 1;
      else hi = mid;
    }
    return lo;
  }

  create(type: ObjectType, properties: Record<string, string | null>, now: string): CrmObject {
    const table = this.objects[type];
    const id = String(table.nextId++);
    const object: CrmObject = {
      id,
      properties: { ...properties, hs_object_id: id, createdate: now, [MODIFIED_PROPERTY[type]]: now },
      createdAt: now,
      updatedAt: now,
      archived: false,
    };
    this.changing(object, true);
    // New ids are above every existing one, so the list stays sorted.
    table.list.push(object);
    table.byId.set(id, object);
    this.version++;
    return object;
  }

  /** Applies property values and bumps the modified timestamps (one `now` per request: realistic ties). */
  update(
    type: ObjectType,
    object: CrmObject,
    properties: Record<string, string | null>,
    now: string,
    source: ChangeSource,
  ): void {
    this.changing(object, false);
    for (const [name, value] of Object.entries(properties)) {
      if (!this.isOwnerProperty(name) || object.properties[name] === value) continue;
      const key = `${type}/${object.id}/${name}`;
      // The value before the first recorded change came with the seed, as an import.
      const history = this.histories.get(key) ?? this.seededHistory(object, name);
      history.unshift({ value: value ?? '', timestamp: now, ...source });
      this.histories.set(key, history);
    }
    Object.assign(object.properties, properties);
    object.properties[MODIFIED_PROPERTY[type]] = now;
    object.updatedAt = now;
    this.version++;
  }

  /** A property's history, newest first: HubSpot lists every value it held, the current one first. */
  historyOf(type: ObjectType, object: CrmObject, name: string): PropertyChange[] {
    return this.histories.get(`${type}/${object.id}/${name}`) ?? this.seededHistory(object, name);
  }

  private seededHistory(object: CrmObject, name: string): PropertyChange[] {
    const value = object.properties[name];
    return value ? [{ value, timestamp: object.createdAt, sourceType: 'IMPORT' }] : [];
  }

  archive(type: ObjectType, object: CrmObject, now: string): void {
    this.changing(object, false);
    object.archived = true;
    object.properties[MODIFIED_PROPERTY[type]] = now;
    object.updatedAt = now;
    this.version++;
  }
}

function ownerFrom(raw: VendorRecord): Owner {
  const owner: Owner = {
    id: String(raw.id),
    email: typeof raw.email === 'string' ? raw.email : null,
    firstName: String(raw.firstName ?? ''),
    lastName: String(raw.lastName ?? ''),
    userId: typeof raw.userId === 'number' ? raw.userId : null,
    createdAt: toIso(raw.createdAt) ?? SEED_EPOCH,
    updatedAt: toIso(raw.updatedAt) ?? toIso(raw.createdAt) ?? SEED_EPOCH,
    archived: raw.archived === true,
    type: raw.type === 'QUEUE' ? 'QUEUE' : 'PERSON',
  };
  if (typeof raw.userIdIncludingInactive === 'number') owner.userIdIncludingInactive = raw.userIdIncludingInactive;
  if (Array.isArray(raw.teams)) owner.teams = structuredClone(raw.teams) as NonNullable<Owner['teams']>;
  return owner;
}

function objectFrom(raw: VendorRecord, type: ObjectType): CrmObject {
  const properties: Record<string, string | null> = {};
  for (const [name, value] of Object.entries((raw.properties as Record<string, unknown> | undefined) ?? {})) {
    properties[name] = value === null || value === undefined ? null : String(value);
  }
  for (const name of DATETIME_PROPERTIES) {
    const value = properties[name];
    if (value) properties[name] = toIso(value) ?? value;
  }
  const id = String(raw.id ?? properties.hs_object_id);
  const modifiedProperty = MODIFIED_PROPERTY[type];
  const createdAt = toIso(raw.createdAt) ?? properties.createdate ?? SEED_EPOCH;
  const updatedAt = toIso(raw.updatedAt);
  const modified = properties[modifiedProperty] ?? updatedAt ?? createdAt;
  properties.hs_object_id = id;
  properties.createdate ??= createdAt;
  properties[modifiedProperty] = modified;
  return { id, properties, createdAt, updatedAt: updatedAt ?? modified, archived: raw.archived === true };
}

const CANONICAL_ISO = /^\d{4}-\d{2}-\d{2}T\d{2}:\d{2}:\d{2}\.\d{3}Z$/;

/** ISO-8601 in HubSpot's form (milliseconds, Z) from an ISO string or epoch milliseconds; undefined if neither. */
function toIso(value: unknown): string | undefined {
  if (typeof value === 'number') return new Date(value).toISOString();
  if (typeof value !== 'string' || value === '') return undefined;
  if (CANONICAL_ISO.test(value)) return value;
  const ms = /^\d+$/.test(value) ? Number(value) : Date.parse(value);
  return Number.isNaN(ms) ? undefined : new Date(ms).toISOString();
}
