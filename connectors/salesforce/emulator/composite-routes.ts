import { type Route, type SandboxRequest, toId18, type VendorError } from '@spoc/sandbox/kit';
import { BASE, type SalesforceEnv } from './env.ts';
import { fail, type RecordError, recordError } from './errors.ts';
import { isIdShaped } from './ids.ts';
import { orgRefusal } from './org-behaviours.ts';
import { applyWrite, planWrite } from './record-writes.ts';
import type { FieldDef } from './schema.ts';
import { sessionUser } from './session-user.ts';
import { createRow, recordBody } from './sobject-routes.ts';
import type { Row, Table } from './store.ts';

/** sObject Collections: up to 200 records a call, SaveResults in input order, always 200. */
const MAX_RECORDS = 200;
const MAX_RETRIEVE_IDS = 2000;

type Outcome =
  | { ok: true; table: Table; row: Row | undefined; values: [FieldDef, unknown][] }
  | { ok: false; error: RecordError };

interface SaveResult {
  id?: string;
  success: boolean;
  errors: RecordError[];
}

const ROLLED_BACK = (): RecordError =>
  recordError(
    'ALL_OR_NONE_OPERATION_ROLLED_BACK',
    'Record rolled back because not all records were valid and the request was using AllOrNone header',
  );

export function compositeRoutes(env: SalesforceEnv): Route[] {
  return [
    { method: 'PATCH', path: `${BASE}/composite/sobjects`, handler: (req) => save(env, req, 'update') },
    { method: 'POST', path: `${BASE}/composite/sobjects`, handler: (req) => save(env, req, 'create') },
    { method: 'DELETE', path: `${BASE}/composite/sobjects`, handler: (req) => destroy(env, req) },
    { method: 'POST', path: `${BASE}/composite/sobjects/:type`, handler: (req) => retrieve(env, req) },
  ];
}

function tooMany(): VendorError {
  return fail(400, 'EXCEEDED_ID_LIMIT', 'record limit reached. cannot submit more than 200 records into this call');
}

function save(env: SalesforceEnv, req: SandboxRequest, mode: 'create' | 'update') {
  const body = req.body as { allOrNone?: unknown; records?: unknown } | undefined;
  if (!body || typeof body !== 'object' || !Array.isArray(body.records)) {
    throw fail(400, 'JSON_PARSER_ERROR', 'Expected a JSON object with a records array');
  }
  const records = body.records as unknown[];
  if (records.length > MAX_RECORDS) throw tooMany();
  const allOrNone = body.allOrNone === true;

  // Validate everything first: allOrNone must be able to apply nothing.
  const outcomes = records.map((record) => plan(env, record, mode));
  const anyFailed = outcomes.some((o) => !o.ok);
  const now = env.context.now();

  const results: SaveResult[] = outcomes.map((outcome) => {
    if (!outcome.ok) return { success: false, errors: [outcome.error] };
    if (allOrNone && anyFailed) {
      return { ...(outcome.row ? { id: outcome.row.Id as string } : {}), success: false, errors: [ROLLED_BACK()] };
    }
    const row = outcome.row ?? createRow(env, outcome.table, now);
    // A record may have been deleted by an earlier entry of this same call.
    if (row.IsDeleted === true)
      return { success: false, errors: [recordError('ENTITY_IS_DELETED', 'entity is deleted')] };
    applyWrite(env.store, outcome.table, row, outcome.values, now, env.context, sessionUser(env.store, req));
    return { id: row.Id as string, success: true, errors: [] };
  });
  return { status: 200, body: results };
}

/** One record's fate before anything is applied (ids, fields, lookups, injected validation failures). */
function plan(env: SalesforceEnv, record: unknown, mode: 'create' | 'update'): Outcome {
  const rejected = (statusCode: string, message: string, fields: string[] = []): Outcome => ({
    ok: false,
    error: recordError(statusCode, message, fields),
  });
  if (record === null || typeof record !== 'object' || Array.isArray(record)) {
    return rejected('JSON_PARSER_ERROR', 'Each record must be a JSON object');
  }
  const input = record as Record<string, unknown>;
  const type = (input.attributes as { type?: unknown } | undefined)?.type;
  if (typeof type !== 'string' || type === '') return rejected('INVALID_TYPE', 'Must send a concrete entity type.');
  const table = env.store.table(type);
  if (!table) return rejected('INVALID_TYPE', `sObject type '${type}' is not supported.`);

  let row: Row | undefined;
  const id = input.id ?? input.Id;
  if (mode === 'update') {
    if (id === undefined || id === null || id === '')
      return rejected('MISSING_ARGUMENT', 'Id not specified in an update call');
    if (!isIdShaped(id) || !id.startsWith(table.def.keyPrefix)) {
      return rejected('MALFORMED_ID', `${table.def.label} ID: id value of incorrect type: ${String(id)}`, ['Id']);
    }
    row = table.rows.get(toId18(id));
    if (!row) return rejected('INVALID_CROSS_REFERENCE_KEY', 'invalid cross reference id');
    if (row.IsDeleted === true) return rejected('ENTITY_IS_DELETED', 'entity is deleted');
  } else if (id !== undefined && id !== null) {
    return rejected('INVALID_FIELD', 'Record ID: cannot specify Id in an insert call', ['Id']);
  }

  const planned = planWrite(env.store, table, input, mode);
  if (!planned.ok) return planned;
  const refusal = orgRefusal(env.context, row);
  if (refusal) return { ok: false, error: refusal };
  if (env.context.faults.failRecord()) {
    return rejected(
      'FIELD_CUSTOM_VALIDATION_EXCEPTION',
      'Owner changes are blocked by a validation rule (injected fault)',
      [],
    );
  }
  return { ok: true, table, row, values: planned.values };
}

/** DELETE /composite/sobjects?ids=a,b&allOrNone=true */
function destroy(env: SalesforceEnv, req: SandboxRequest) {
  const ids = (req.query.get('ids') ?? '').split(',').filter(Boolean);
  if (ids.length === 0) throw fail(400, 'MISSING_ARGUMENT', 'ids parameter is required');
  if (ids.length > MAX_RECORDS) throw tooMany();
  const allOrNone = req.query.get('allOrNone') === 'true';
  const found = ids.map((id) => {
    const table = isIdShaped(id) ? tableForId(env, id) : undefined;
    const row = table?.rows.get(toId18(id));
    if (!table || !row) return { id, error: recordError('INVALID_CROSS_REFERENCE_KEY', 'invalid cross reference id') };
    if (row.IsDeleted === true) return { id, error: recordError('ENTITY_IS_DELETED', 'entity is deleted') };
    return { id: row.Id as string, table, row };
  });
  const anyFailed = found.some((f) => 'error' in f);
  const now = env.context.now();
  const results: SaveResult[] = found.map((f) => {
    if ('error' in f) return { success: false, errors: [f.error] };
    if (allOrNone && anyFailed) return { id: f.id, success: false, errors: [ROLLED_BACK()] };
    if (!f.table || !f.row) return { success: false, errors: [] };
    env.store.markDeleted(f.table, f.row, now);
    return { id: f.id, success: true, errors: [] };
  });
  return { status: 200, body: results };
}

function tableForId(env: SalesforceEnv, id: string): Table | undefined {
  for (const def of env.store.schema.values()) {
    if (id.startsWith(def.keyPrefix)) return env.store.table(def.name);
  }
  return undefined;
}

/** POST /composite/sobjects/:type {ids, fields} → records in id order, null where not found. */
function retrieve(env: SalesforceEnv, req: SandboxRequest) {
  const table = env.store.table(req.params.type ?? '');
  if (!table) throw fail(404, 'NOT_FOUND', 'The requested resource does not exist');
  const body = req.body as { ids?: unknown; fields?: unknown } | undefined;
  const ids = Array.isArray(body?.ids) ? (body.ids as unknown[]) : [];
  const names = Array.isArray(body?.fields) ? (body.fields as unknown[]) : [];
  if (ids.length === 0 || names.length === 0) {
    throw fail(400, 'MISSING_ARGUMENT', 'ids and fields are required');
  }
  if (ids.length > MAX_RETRIEVE_IDS) throw tooMany();
  const fields = names.map((name) => {
    const field = table.def.byName.get(String(name).toLowerCase());
    if (!field) throw fail(400, 'INVALID_FIELD', `No such column '${String(name)}' on entity '${table.def.name}'.`);
    return field;
  });
  const version = req.params.version ?? '';
  const records = ids.map((id) => {
    const row = isIdShaped(id) ? env.store.get(table.def.name, id) : undefined;
    return row ? recordBody(table.def, row, fields, version) : null;
  });
  return { status: 200, body: records };
}
