import pg from 'pg';
import { runAsWorker } from 'synckit';

/**
 * The worker thread behind PostgresDb: it holds the pg connections and runs each request
 * the main thread sends, which waits for the answer (synckit: Atomics.wait on a shared
 * buffer). One thread serves every store of the process, each by its connection id.
 */

// bigint (COUNT, SUM of integers, BIGSERIAL ids) and numeric (SUM of bigint) come as text
// by default; the store's numbers (counts, ids, milliseconds) all fit a double, as in SQLite.
pg.types.setTypeParser(pg.types.builtins.INT8, (text) => Number(text));
pg.types.setTypeParser(pg.types.builtins.NUMERIC, (text) => Number(text));

export type PgRequest =
  | {
      op: 'connect';
      id: number;
      url: string;
      schema: string;
      connectTimeoutMs: number;
      statementTimeoutMs: number;
    }
  | { op: 'query'; id: number; text: string; params: unknown[]; arrays: boolean }
  | { op: 'exec'; id: number; text: string }
  | { op: 'close'; id: number };

export interface PgAnswer {
  rows: unknown[];
  rowCount: number;
}

interface Connection {
  client: pg.Client;
  /** Statement names by text: each is parsed and planned once per connection. */
  names: Map<string, string>;
  /** Why the connection is gone, once it is (the server closed it, the network dropped). */
  lost?: Error;
}

const connections = new Map<number, Connection>();
const MAX_PREPARED_TEXT = 4_000;

async function handle(request: PgRequest): Promise<PgAnswer> {
  if (request.op === 'connect') {
    const client = new pg.Client({
      connectionString: request.url,
      connectionTimeoutMillis: request.connectTimeoutMs,
      statement_timeout: request.statementTimeoutMs,
      // A host that vanishes (not just a closed socket) is noticed within a minute.
      keepAlive: true,
      keepAliveInitialDelayMillis: 10_000,
      // Which tenant a server-side session serves (pg_stat_activity), for an operator.
      application_name: `spoc ${request.schema}`,
    });
    const connection: Connection = { client, names: new Map() };
    // An idle connection's failure arrives as an event: kept for the next request to throw.
    client.on('error', (error) => {
      connection.lost = error;
    });
    await client.connect();
    await client.query(`CREATE SCHEMA IF NOT EXISTS ${request.schema}`).catch(async (error: { code?: string }) => {
      // Two processes creating one tenant's schema at once: the loser finds it made.
      if (error.code !== '23505' && error.code !== '42P06') throw error;
    });
    await client.query(`SET search_path TO ${request.schema}`);
    // Connecting again (the old session was lost): the new one takes its place.
    await connections
      .get(request.id)
      ?.client.end()
      .catch(() => undefined);
    connections.set(request.id, connection);
    return { rows: [], rowCount: 0 };
  }
  const connection = connections.get(request.id);
  if (!connection) throw new Error(`no Postgres connection ${request.id} (closed)`);
  if (request.op === 'close') {
    connections.delete(request.id);
    await connection.client.end().catch(() => undefined);
    return { rows: [], rowCount: 0 };
  }
  if (connection.lost) throw connection.lost;
  if (request.op === 'exec') {
    await connection.client.query(request.text);
    return { rows: [], rowCount: 0 };
  }
  // The store's statements are prepared once per connection; a many-row INSERT (its text
  // differs with its row count) is parsed each time instead of filling the server's cache.
  let name = request.text.length <= MAX_PREPARED_TEXT ? connection.names.get(request.text) : undefined;
  if (!name && request.text.length <= MAX_PREPARED_TEXT) {
    name = `spoc_${connection.names.size + 1}`;
    connection.names.set(request.text, name);
  }
  const result = await connection.client.query({
    ...(name ? { name } : {}),
    text: request.text,
    values: request.params,
    ...(request.arrays ? { rowMode: 'array' as const } : {}),
  });
  return { rows: result.rows, rowCount: result.rowCount ?? 0 };
}

runAsWorker(handle);
