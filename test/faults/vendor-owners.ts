import type { World, WorldSeed, WorldSystem } from './world.ts';

type Body = Record<string, unknown>;
type Get = (path: string) => Promise<{ body: unknown; headers: Headers }>;

/**
 * What every vendor shows now, as canonical owner emails per record and field, read
 * straight from the vendor APIs: `<system>:<account id>:<field>` → email for the account
 * roles, contacts' owners (`hubspot:contact:<id>`, `salesforce:contact:<id>`,
 * `pipedrive:contact:<id>`) and tickets' assignee and status (`zendesk:ticket:<id>`,
 * `freshdesk:ticket:<id>`).
 */
export async function vendorOwners(world: World): Promise<Map<string, string | null>> {
  const people = personEmails(world.seed);
  const out = new Map<string, string | null>();
  const get = client(world);
  await readHubspot(get.hubspot, people.hubspot, out);
  await readSalesforce(get.salesforce, people.salesforce, out);
  await readZendesk(get.zendesk, world.sandbox.urls.zendesk, world.seed, people.zendesk, out);
  await readPipedrive(get.pipedrive, world.seed, people.pipedrive, out);
  await readFreshdesk(get.freshdesk, world.seed, people.freshdesk, out);
  return out;
}

/**
 * Person id → lowercased email per system, from the seeds. Freshdesk's map also holds the
 * CSM dropdown's choices that name an agent by full name (a shared name is spelled as
 * the email, so every name choice names one agent).
 */
export function personEmails(seed: WorldSeed): Record<WorldSystem, Map<string, string>> {
  const map = (list: Record<string, unknown>[] | undefined, id: string, email: string) =>
    new Map((list ?? []).filter((p) => p[email]).map((p) => [String(p[id]), String(p[email]).toLowerCase()]));
  const agents = (seed.freshdesk?.agents ?? []).map((a) => a.contact as { email: string; name: string } & Body);
  const choices = new Set((seed.freshdesk?.company_fields ?? []).flatMap((f) => (f.choices as string[]) ?? []));
  const freshdesk = new Map((seed.freshdesk?.agents ?? []).map((a, i) => [String(a.id), lower(agents[i]?.email)]));
  for (const a of agents) if (choices.has(a.name)) freshdesk.set(a.name, a.email.toLowerCase());
  return {
    hubspot: map(seed.hubspot?.owners, 'id', 'email'),
    salesforce: map(seed.salesforce?.User, 'Id', 'Email'),
    zendesk: map(seed.zendesk?.users, 'id', 'email'),
    pipedrive: map(seed.pipedrive?.users, 'id', 'email'),
    freshdesk,
  };
}

/** A GET per system with that vendor's auth; a non-2xx answer throws (the suite reads without faults). */
function client(world: World): Record<WorldSystem, Get> {
  const token = world.env.SPOC_DEMO_TOKEN ?? 'faults';
  const auth: Record<WorldSystem, Record<string, string>> = {
    hubspot: { authorization: `Bearer ${token}` },
    salesforce: { authorization: `Bearer ${token}` },
    zendesk: { authorization: `Bearer ${token}` },
    pipedrive: { 'x-api-token': token },
    freshdesk: { authorization: `Basic ${Buffer.from(`${token}:X`).toString('base64')}` },
  };
  const get =
    (system: WorldSystem): Get =>
    async (path) => {
      const res = await fetch(`${world.sandbox.urls[system]}${path}`, { headers: auth[system] });
      if (!res.ok) throw new Error(`${system} ${path}: ${res.status} ${await res.text()}`);
      return { body: await res.json(), headers: res.headers };
    };
  return {
    hubspot: get('hubspot'),
    salesforce: get('salesforce'),
    zendesk: get('zendesk'),
    pipedrive: get('pipedrive'),
    freshdesk: get('freshdesk'),
  };
}

type Out = Map<string, string | null>;

async function readHubspot(get: Get, people: Map<string, string>, out: Out): Promise<void> {
  const list = async (object: string, properties: string, each: (id: string, p: Body) => void) => {
    let after: string | undefined;
    do {
      const { body } = await get(
        `/crm/v3/objects/${object}?limit=100&properties=${properties}${after ? `&after=${after}` : ''}`,
      );
      const page = body as { results: { id: string; properties: Body }[]; paging?: { next?: { after: string } } };
      for (const r of page.results) each(r.id, r.properties);
      after = page.paging?.next?.after;
    } while (after);
  };
  await list('companies', 'hubspot_owner_id,csm_owner', (id, p) => {
    out.set(`hubspot:${id}:hubspot_owner_id`, people.get(String(p.hubspot_owner_id)) ?? null);
    out.set(`hubspot:${id}:csm_owner`, people.get(String(p.csm_owner)) ?? null);
  });
  await list('contacts', 'hubspot_owner_id', (id, p) => {
    out.set(`hubspot:contact:${id}`, people.get(String(p.hubspot_owner_id)) ?? null);
  });
}

async function readSalesforce(get: Get, people: Map<string, string>, out: Out): Promise<void> {
  const query = async (soql: string, each: (r: Body) => void) => {
    let next: string | undefined = `/services/data/v62.0/query?q=${encodeURIComponent(soql)}`;
    while (next) {
      const { body } = await get(next);
      const page = body as { records: Body[]; nextRecordsUrl?: string };
      for (const r of page.records) each(r);
      next = page.nextRecordsUrl;
    }
  };
  await query('SELECT Id, OwnerId, CSM__c FROM Account', (a) => {
    out.set(`salesforce:${a.Id}:OwnerId`, people.get(String(a.OwnerId)) ?? null);
    out.set(`salesforce:${a.Id}:CSM__c`, people.get(String(a.CSM__c)) ?? null);
  });
  await query('SELECT Id, OwnerId FROM Contact', (c) => {
    out.set(`salesforce:contact:${c.Id}`, people.get(String(c.OwnerId)) ?? null);
  });
}

async function readZendesk(
  get: Get,
  base: string,
  seed: WorldSeed,
  people: Map<string, string>,
  out: Out,
): Promise<void> {
  for (const t of seed.zendesk?.tickets ?? []) {
    const { body } = await get(`/api/v2/tickets/${t.id}.json`);
    const { ticket } = body as { ticket: { assignee_id: number | null; status: string } };
    out.set(`zendesk:ticket:${t.id}`, `${people.get(String(ticket.assignee_id)) ?? null}/${ticket.status}`);
  }
  let url: string | null = `/api/v2/organizations.json?page[size]=100`;
  while (url) {
    const { body } = await get(url);
    const page = body as {
      organizations: { id: number; organization_fields: Body }[];
      links?: { next?: string | null };
    };
    for (const o of page.organizations) {
      const f = o.organization_fields;
      out.set(`zendesk:${o.id}:account_manager`, people.get(String(f.account_manager)) ?? null);
      out.set(`zendesk:${o.id}:csm_email`, f.csm_email ? String(f.csm_email).toLowerCase() : null);
    }
    url = page.links?.next ? page.links.next.replace(base, '') : null;
  }
}

/**
 * Organizations' owner and CSM, and persons' owners (the contacts cascade), from the v2
 * lists with cursor paging. The CSM is a custom user field: its 40-character key is the
 * one the seed gives the field labelled "CSM" (what the config names).
 */
async function readPipedrive(get: Get, seed: WorldSeed, people: Map<string, string>, out: Out): Promise<void> {
  const csm = seed.pipedrive?.organizationFields.find((f) => f.field_name === 'CSM')?.field_code;
  if (typeof csm !== 'string') throw new Error('the Pipedrive seed has no field labelled CSM');
  const list = async (path: string, each: (r: Body) => void) => {
    let cursor: string | null = null;
    do {
      const { body } = await get(`${path}${cursor ? `&cursor=${encodeURIComponent(cursor)}` : ''}`);
      const page = body as { data: Body[] | null; additional_data?: { next_cursor?: string | null } };
      for (const r of page.data ?? []) each(r);
      cursor = page.additional_data?.next_cursor ?? null;
    } while (cursor);
  };
  await list(`/api/v2/organizations?limit=500&custom_fields=${csm}`, (o) => {
    const custom = (o.custom_fields ?? {}) as Body;
    out.set(`pipedrive:${o.id}:owner_id`, people.get(String(o.owner_id)) ?? null);
    out.set(`pipedrive:${o.id}:CSM`, people.get(String(custom[csm])) ?? null);
  });
  await list('/api/v2/persons?limit=500', (p) => {
    out.set(`pipedrive:contact:${p.id}`, people.get(String(p.owner_id)) ?? null);
  });
}

/**
 * Companies' account manager (a text email) and CSM (a dropdown choice naming an agent),
 * paged by the Link header, and each seeded ticket's responder and status (the ticket
 * handover; the list would only show tickets created in the last 30 days).
 */
async function readFreshdesk(get: Get, seed: WorldSeed, people: Map<string, string>, out: Out): Promise<void> {
  let url: string | null = '/api/v2/companies?per_page=100';
  while (url) {
    const { body, headers } = await get(url);
    for (const c of body as { id: number; custom_fields: Body }[]) {
      const f = c.custom_fields ?? {};
      out.set(`freshdesk:${c.id}:account_manager`, f.account_manager ? lower(f.account_manager) : null);
      const choice = f.csm_agent ? String(f.csm_agent) : null;
      out.set(
        `freshdesk:${c.id}:csm_agent`,
        choice?.includes('@') ? lower(choice) : (people.get(choice ?? '') ?? null),
      );
    }
    const next = /<([^>]+)>;\s*rel="next"/.exec(headers.get('link') ?? '')?.[1];
    url = next ? new URL(next).pathname + new URL(next).search : null;
  }
  for (const t of seed.freshdesk?.tickets ?? []) {
    const { body } = await get(`/api/v2/tickets/${t.id}`);
    const ticket = body as { responder_id: number | null; status: number };
    out.set(`freshdesk:ticket:${t.id}`, `${people.get(String(ticket.responder_id)) ?? null}/${ticket.status}`);
  }
}

function lower(value: unknown): string {
  return String(value).toLowerCase();
}
