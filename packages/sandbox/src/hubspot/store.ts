import type { HubspotSeed, VendorRecord } from '../seed/types.ts';

/** A HubSpot CRM object as the API returns it. */
export interface CrmObject {
  id: string;
  properties: Record<string, string | null>;
  createdAt: string;
  updatedAt: string;
  archived: boolean;
}

export interface Owner {
  id: string;
  email: string | null;
  firstName: string;
  lastName: string;
  userId: number | null;
  createdAt: string;
  updatedAt: string;
  archived: boolean;
  type: 'PERSON' | 'QUEUE';
}

export type ObjectType = 'companies' | 'contacts';

/** Which property each object type bumps on update. */
export const MODIFIED_PROPERTY: Record<ObjectType, string> = {
  companies: 'hs_lastmodifieddate',
  contacts: 'lastmodifieddate',
};

/** The emulated portal's data, in insertion order with O(1) lookup by id. */
export class HubspotStore {
  owners: Owner[] = [];
  objects: Record<ObjectType, { list: CrmObject[]; byId: Map<string, CrmObject> }> = {
    companies: { list: [], byId: new Map() },
    contacts: { list: [], byId: new Map() },
  };
  private nextId = 90_000_000;
  private readonly seed: HubspotSeed | undefined;

  constructor(seed: HubspotSeed | undefined) {
    this.seed = seed;
    this.reset();
  }

  reset(): void {
    this.owners = (this.seed?.owners ?? []).map((o) => ownerFrom(o));
    for (const type of ['companies', 'contacts'] as const) {
      const list = (this.seed?.[type] ?? []).map((r) => objectFrom(r, type));
      this.objects[type] = { list, byId: new Map(list.map((o) => [o.id, o])) };
    }
  }

  activeOwner(id: string): boolean {
    return this.owners.some((o) => o.id === id && !o.archived);
  }

  create(type: ObjectType, properties: Record<string, string | null>, now: string): CrmObject {
    const id = String(this.nextId++);
    const object: CrmObject = {
      id,
      properties: { ...properties, hs_object_id: id, createdate: now, [MODIFIED_PROPERTY[type]]: now },
      createdAt: now,
      updatedAt: now,
      archived: false,
    };
    this.objects[type].list.push(object);
    this.objects[type].byId.set(id, object);
    return object;
  }
}

function ownerFrom(raw: VendorRecord): Owner {
  return {
    id: String(raw.id),
    email: (raw.email as string | null | undefined) ?? null,
    firstName: String(raw.firstName ?? ''),
    lastName: String(raw.lastName ?? ''),
    userId: (raw.userId as number | null | undefined) ?? null,
    createdAt: String(raw.createdAt ?? '2026-01-01T00:00:00.000Z'),
    updatedAt: String(raw.updatedAt ?? '2026-01-01T00:00:00.000Z'),
    archived: raw.archived === true,
    type: raw.type === 'QUEUE' ? 'QUEUE' : 'PERSON',
  };
}

function objectFrom(raw: VendorRecord, type: ObjectType): CrmObject {
  const createdAt = String(raw.createdAt ?? '2026-01-01T00:00:00.000Z');
  const properties = { ...((raw.properties as Record<string, string | null> | undefined) ?? {}) };
  const id = String(raw.id);
  properties.hs_object_id ??= id;
  properties[MODIFIED_PROPERTY[type]] ??= String(raw.updatedAt ?? createdAt);
  return { id, properties, createdAt, updatedAt: String(raw.updatedAt ?? createdAt), archived: raw.archived === true };
}
