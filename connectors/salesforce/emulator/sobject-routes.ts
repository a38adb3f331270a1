import { type Route, type SandboxRequest, toId18, VendorError } from '@spoc/sandbox/kit';
import { formatDateTime, parseDateTime } from './datetime.ts';
import { describeBasic, describeObject } from './describe.ts';
import { BASE, type SalesforceEnv } from './env.ts';
import { fail, notFound } from './errors.ts';
import { isIdShaped } from './ids.ts';
import { orgRefusal } from './org-behaviours.ts';
import { applyWrite, planWrite } from './record-writes.ts';
import type { ObjectDef } from './schema.ts';
import { sessionUser } from './session-user.ts';
import { type Row, type Table, toWire } from './store.ts';

/** Describe, single-record CRUD, and the replication endpoints (/updated, /deleted). */
export function sobjectRoutes(env: SalesforceEnv): Route[] {
  const { store, context } = env;
  const tableOf = (req: SandboxRequest): Table => {
    const table = store.table(req.params.type ?? '');
    if (!table) throw new VendorError(notFound());
    return table;
  };
  const version = (req: SandboxRequest) => req.params.version ?? '';

  return [
    {
      method: 'GET',
      path: `${BASE}/sobjects`,
      handler: (req) => ({
        status: 200,
        body: {
          encoding: 'UTF-8',
          maxBatchSize: 200,
          sobjects: [...store.schema.values()].map((def) => describeBasic(def, version(req))),
        },
      }),
    },
    {
      method: 'GET',
      path: `${BASE}/sobjects/:type`,
      handler: (req) => ({
        status: 200,
        body: { objectDescribe: describeBasic(tableOf(req).def, version(req)), recentItems: [] },
      }),
    },
    {
      method: 'GET',
      path: `${BASE}/sobjects/:type/describe`,
      handler: (req) => ({ status: 200, body: describeObject(tableOf(req).def, version(req)) }),
    },
    {
      method: 'GET',
      path: `${BASE}/sobjects/:type/updated`,
      handler: (req) => {
        const table = tableOf(req);
        const [start, end] = replicationWindow(req, context.now());
        const ids: string[] = [];
        for (const row of table.order) {
          const stamp = row.SystemModstamp as number;
          if (row.IsDeleted !== true && stamp >= start && stamp <= end) ids.push(row.Id as string);
        }
        return { status: 200, body: { ids, latestDateCovered: formatDateTime(latestCovered(end, context.now())) } };
      },
    },
    {
      method: 'GET',
      path: `${BASE}/sobjects/:type/deleted`,
      handler: (req) => {
        const table = tableOf(req);
        const [start, end] = replicationWindow(req, context.now());
        const deletedRecords: { id: string; deletedDate: string }[] = [];
        for (const [id, at] of table.deletedAt) {
          if (at >= start && at <= end) deletedRecords.push({ id, deletedDate: formatDateTime(at) });
        }
        const earliest = Math.min(start, ...table.deletedAt.values());
        return {
          status: 200,
          body: {
            deletedRecords,
            earliestDateAvailable: formatDateTime(earliest),
            latestDateCovered: formatDateTime(latestCovered(end, context.now())),
          },
        };
      },
    },
    {
      method: 'GET',
      path: `${BASE}/sobjects/:type/:id`,
      handler: (req) => {
        const table = tableOf(req);
        const row = liveRow(table, req.params.id ?? '');
        const wanted = req.query.get('fields');
        const fields = wanted
          ? wanted.split(',').map((name) => {
              const field = table.def.byName.get(name.trim().toLowerCase());
              if (!field) {
                throw fail(400, 'INVALID_FIELD', `No such column '${name.trim()}' on entity '${table.def.name}'.`);
              }
              return field;
            })
          : table.def.fields;
        return { status: 200, body: recordBody(table.def, row, fields, version(req)) };
      },
    },
    {
      method: 'PATCH',
      path: `${BASE}/sobjects/:type/:id`,
      handler: (req) => {
        const table = tableOf(req);
        const row = liveRow(table, req.params.id ?? '');
        const plan = planWrite(store, table, objectBody(req), 'update');
        if (!plan.ok) throw fail(400, plan.error.statusCode, plan.error.message, plan.error.fields);
        const refusal = orgRefusal(context, row);
        if (refusal) throw fail(400, refusal.statusCode, refusal.message, refusal.fields);
        if (context.faults.failRecord()) throw validationFault();
        applyWrite(store, table, row, plan.values, context.now(), context, sessionUser(store, req));
        return { status: 204 };
      },
    },
    {
      method: 'DELETE',
      path: `${BASE}/sobjects/:type/:id`,
      handler: (req) => {
        const table = tableOf(req);
        const row = liveRow(table, req.params.id ?? '');
        store.markDeleted(table, row, context.now());
        return { status: 204 };
      },
    },
    {
      method: 'POST',
      path: `${BASE}/sobjects/:type`,
      handler: (req) => {
        const table = tableOf(req);
        const plan = planWrite(store, table, objectBody(req), 'create');
        if (!plan.ok) throw fail(400, plan.error.statusCode, plan.error.message, plan.error.fields);
        if (context.faults.failRecord()) throw validationFault();
        const row = createRow(env, table, context.now());
        applyWrite(store, table, row, plan.values, context.now(), context, sessionUser(store, req));
        return { status: 201, body: { id: row.Id, success: true, errors: [] } };
      },
    },
  ];
}

export function validationFault(): VendorError {
  return fail(
    400,
    'FIELD_CUSTOM_VALIDATION_EXCEPTION',
    'Owner changes are blocked by a validation rule (injected fault)',
    [],
  );
}

/** A new row with Salesforce's defaults (owner = the integration user, active users). */
export function createRow(env: SalesforceEnv, table: Table, now: number): Row {
  const row: Row = {};
  for (const field of table.def.fields) row[field.name] = null;
  row.Id = env.store.newId(table);
  if (table.def.byName.has('isdeleted')) row.IsDeleted = false;
  if (table.def.byName.has('ownerid')) row.OwnerId = env.store.apiUserId();
  if (table.def.name === 'User') row.IsActive = true;
  row.CreatedDate = now;
  row.LastModifiedDate = now;
  row.SystemModstamp = now;
  env.store.insert(table, row);
  return row;
}

function liveRow(table: Table, id: string): Row {
  const row = isIdShaped(id) ? table.rows.get(toId18(id)) : undefined;
  if (!row) throw new VendorError(notFound());
  if (row.IsDeleted === true) throw fail(404, 'ENTITY_IS_DELETED', 'entity is deleted');
  return row;
}

function objectBody(req: SandboxRequest): Record<string, unknown> {
  if (req.body === null || typeof req.body !== 'object' || Array.isArray(req.body)) {
    throw fail(400, 'JSON_PARSER_ERROR', 'The request body must be a JSON object');
  }
  return req.body as Record<string, unknown>;
}

export function recordBody(
  def: ObjectDef,
  row: Row,
  fields: readonly ObjectDef['fields'][number][],
  version: string,
): Record<string, unknown> {
  const out: Record<string, unknown> = {
    attributes: { type: def.name, url: `/services/data/${version}/sobjects/${def.name}/${row.Id as string}` },
  };
  for (const field of fields) out[field.name] = toWire(field, row[field.name]);
  return out;
}

/** start/end query parameters; a "+" in the offset arrives as a space when not percent-encoded. */
function replicationWindow(req: SandboxRequest, now: number): [number, number] {
  const read = (name: string): number => {
    const raw = req.query.get(name);
    const value = raw ? parseDateTime(raw.replace(' ', '+')) : undefined;
    if (value === undefined) {
      throw fail(400, 'INVALID_REPLICATION_DATE', `${name} parameter is missing or not a valid dateTime`);
    }
    return value;
  };
  const start = read('start');
  const end = read('end');
  if (end < start) throw fail(400, 'INVALID_REPLICATION_DATE', 'end date is before start date');
  if (start < now - 30 * 86_400_000) {
    throw fail(400, 'INVALID_REPLICATION_DATE', 'startDate cannot be more than 30 days ago');
  }
  return [start, end];
}

/** Salesforce covers whole minutes and never the future. */
function latestCovered(end: number, now: number): number {
  return Math.floor(Math.min(end, now) / 60_000) * 60_000;
}
