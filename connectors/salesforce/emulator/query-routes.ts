import type { Route, SandboxRequest, SandboxResponse } from '@spoc/sandbox/kit';
import { BASE, type SalesforceEnv } from './env.ts';
import { fail } from './errors.ts';
import { projectRow, type QueryResult, runQuery } from './query-engine.ts';
import { SoqlError } from './soql-lexer.ts';

const MAX_BATCH = 2000;
const MIN_BATCH = 200;

/** GET /query?q=SOQL and /query/:locator (queryAll likewise, deleted records included). */
export function queryRoutes(env: SalesforceEnv): Route[] {
  const start = (all: boolean) => (req: SandboxRequest) => startQuery(env, req, all);
  const more = (req: SandboxRequest) => continueQuery(env, req);
  return [
    { method: 'GET', path: `${BASE}/query`, handler: start(false) },
    { method: 'GET', path: `${BASE}/query/:locator`, handler: more },
    { method: 'GET', path: `${BASE}/queryAll`, handler: start(true) },
    { method: 'GET', path: `${BASE}/queryAll/:locator`, handler: more },
  ];
}

/** `Sforce-Query-Options: batchSize=N` lowers the page size (200–2,000; a hint, like Salesforce's). */
function batchSize(req: SandboxRequest): number {
  const header = req.headers['sforce-query-options'];
  const m = /batchSize\s*=\s*(\d+)/i.exec(Array.isArray(header) ? header.join(',') : (header ?? ''));
  if (!m) return MAX_BATCH;
  return Math.min(MAX_BATCH, Math.max(MIN_BATCH, Number(m[1])));
}

function startQuery(env: SalesforceEnv, req: SandboxRequest, includeDeleted: boolean): SandboxResponse {
  const soql = req.query.get('q');
  if (!soql) throw fail(400, 'MALFORMED_QUERY', 'A query string has to be specified');
  let result: QueryResult;
  try {
    result = runQuery(env.store, soql, env.context.now(), includeDeleted);
  } catch (error) {
    if (error instanceof SoqlError) throw fail(400, error.errorCode, error.format(soql));
    throw error;
  }
  if (result.count) return { status: 200, body: { totalSize: result.rows.length, done: true, records: [] } };
  return page(env, req, result, 0, batchSize(req), undefined);
}

function continueQuery(env: SalesforceEnv, req: SandboxRequest): SandboxResponse {
  const found = env.cursors.find(req.params.locator ?? '');
  if (!found) throw fail(400, 'INVALID_QUERY_LOCATOR', 'invalid query locator');
  return page(env, req, found.cursor.result, found.offset, found.cursor.batchSize, found.id);
}

/** One page of a result set; opens a cursor when more pages follow, closes it after the last. */
function page(
  env: SalesforceEnv,
  req: SandboxRequest,
  result: QueryResult,
  offset: number,
  size: number,
  cursorId: string | undefined,
): SandboxResponse {
  const version = req.params.version ?? '';
  const total = result.rows.length;
  const end = Math.min(total, offset + size);
  const records = result.rows
    .slice(offset, end)
    .map((row) => projectRow(env.store, result.def, row, result.projection, version));
  const done = end >= total;
  const body: Record<string, unknown> = { totalSize: total, done };
  if (done) {
    if (cursorId) env.cursors.close(cursorId);
  } else {
    const id = cursorId ?? env.cursors.open(result, size);
    body.nextRecordsUrl = `/services/data/${version}/query/${id}-${end}`;
  }
  body.records = records;
  return { status: 200, body };
}
