import { existsSync } from 'node:fs';
import { fileURLToPath } from 'node:url';
import { createSyncFn } from 'synckit';
import { SpocError } from '../../errors/spoc-error.ts';
import { POSTGRES, type SqlDb, type SqlRow, type SqlStatement, type SqlValue } from '../sql-db.ts';
import type { PgAnswer, PgRequest } from './pg-thread.ts';

export interface PostgresOptions {
  /** How long connecting may take before the store gives up (exit 2). Default 10 s. */
  connectTimeoutMs?: number;
  /** The longest one statement may run. Default 60 s. */
  statementTimeoutMs?: number;
}

// The worker beside this module: .ts in the workspace, .js in the bundle (scripts/build.ts).
const THREAD = ['pg-thread.ts', 'pg-thread.js']
  .map((file) => fileURLToPath(new URL(file, import.meta.url)))
  .find((path) => existsSync(path));

let call: ((request: PgRequest) => PgAnswer) | undefined;
let nextId = 1;

/**
 * A Postgres database as the store's synchronous SqlDb: each statement is sent to a
 * worker thread holding the connection (pg), and the main thread waits for its answer, as
 * it waits for SQLite's. The store stays one synchronous API over both backends; a call
 * costs a thread hop plus the round trip to the server.
 */
export class PostgresDb implements SqlDb {
  readonly dialect = POSTGRES;
  /** Where it is, in words for errors: host, port and database, never the password. */
  readonly where: string;
  /**
   * Set while the session holds something a new session would not (a run's advisory
   * lock): a lost connection is then not replaced, and the run stops.
   */
  pinned = false;
  private readonly id = nextId++;
  private readonly connectRequest: PgRequest;
  private open = false;
  private depth = 0;

  constructor(url: string, schema: string, options: PostgresOptions = {}) {
    this.where = describeUrl(url);
    const connectTimeoutMs = options.connectTimeoutMs ?? 10_000;
    const statementTimeoutMs = options.statementTimeoutMs ?? 60_000;
    if (!THREAD) throw new Error('the Postgres worker thread (pg-thread) is missing beside postgres-db');
    // One wait bound for every call: a statement's own timeout, plus time to hear of it.
    call ??= createSyncFn<(request: PgRequest) => Promise<PgAnswer>>(THREAD, {
      tsRunner: 'node',
      timeout: Math.max(connectTimeoutMs, statementTimeoutMs) + 15_000,
    });
    this.connectRequest = { op: 'connect', id: this.id, url, schema, connectTimeoutMs, statementTimeoutMs };
    try {
      this.request(this.connectRequest);
    } catch (error) {
      throw unreachable(this.where, error);
    }
    this.open = true;
  }

  runMany(text: string, rows: readonly SqlValue[][]): void {
    const insert = multiRowInsert(text);
    if (!insert) {
      const statement = this.prepare(text);
      for (const row of rows) statement.run(...row);
      return;
    }
    for (const chunk of insert.chunks(insert.unique(rows))) this.query(chunk.text, chunk.params, false);
  }

  prepare(text: string): SqlStatement {
    return new PostgresStatement(this, numberPlaceholders(text));
  }

  exec(text: string): void {
    const verb = text.trim().split(/\s+/)[0]?.toUpperCase();
    this.send({ op: 'exec', id: this.id, text });
    if (verb === 'BEGIN') this.depth = 1;
    else if (verb === 'COMMIT' || verb === 'ROLLBACK') this.depth = 0;
  }

  get isTransaction(): boolean {
    return this.depth > 0;
  }

  get isOpen(): boolean {
    return this.open;
  }

  close(): void {
    if (!this.open) return;
    this.open = false;
    this.request({ op: 'close', id: this.id });
  }

  /** A query's rows; `arrays` gives each row as its column values. */
  query(text: string, params: SqlValue[], arrays: boolean): PgAnswer {
    return this.send({ op: 'query', id: this.id, text, params, arrays });
  }

  private send(request: PgRequest): PgAnswer {
    if (!this.open) throw new Error(`the state store at ${this.where} is closed`);
    try {
      return this.request(request);
    } catch (error) {
      const failure = statementError(this.where, error);
      if (!isConnectionLost(failure)) throw failure;
      // The server's transaction went with the session. Outside one, and holding nothing a
      // new session would lack, a long-lived process (the console) reconnects once and goes on.
      const inTransaction = this.depth > 0;
      this.depth = 0;
      if (inTransaction || this.pinned || request.op !== 'query') throw failure;
      try {
        this.request(this.connectRequest);
      } catch {
        throw failure;
      }
      return this.request(request);
    }
  }

  private request(request: PgRequest): PgAnswer {
    if (!call) throw new Error('the Postgres worker thread did not start');
    return call(request);
  }
}

class PostgresStatement implements SqlStatement {
  private readonly db: PostgresDb;
  private readonly text: string;
  private arrays = false;

  constructor(db: PostgresDb, text: string) {
    this.db = db;
    this.text = text;
  }

  run(...params: SqlValue[]): { changes: number } {
    return { changes: this.db.query(this.text, params, false).rowCount };
  }

  get(...params: SqlValue[]): SqlRow | undefined {
    return this.all(...params)[0];
  }

  all(...params: SqlValue[]): SqlRow[] {
    return this.db.query(this.text, params, this.arrays).rows as SqlRow[];
  }

  /** All rows at once, as the answer crosses from the worker thread whole (no cursor). */
  iterate(...params: SqlValue[]): Iterable<SqlRow> {
    return this.all(...params);
  }

  setReturnArrays(on: boolean): void {
    this.arrays = on;
  }
}

/** Most parameters Postgres takes in one statement is 65,535; a chunk stays well under. */
const MAX_ROWS_PER_STATEMENT = 1_000;
const MAX_PARAMS_PER_STATEMENT = 30_000;

/**
 * `INSERT INTO t (cols) VALUES (?, …) [ON CONFLICT …]` as statements of many rows each.
 * An upsert's rows are made unique on its conflict target first, the last one kept, as
 * row-by-row upserts would leave it (Postgres refuses to touch a row twice in one statement).
 * undefined for any other statement.
 */
export function multiRowInsert(text: string):
  | {
      unique(rows: readonly SqlValue[][]): readonly SqlValue[][];
      chunks(rows: readonly SqlValue[][]): Iterable<{ text: string; params: SqlValue[] }>;
    }
  | undefined {
  const match = /^\s*INSERT INTO (\w+) \(([^)]+)\)\s+VALUES \(([?,\s]+)\)([\s\S]*)$/i.exec(text);
  if (!match) return undefined;
  const [, table, columnList = '', marks = '', rest = ''] = match;
  const columns = columnList.split(',').map((c) => c.trim().replace(/"/g, ''));
  if (marks.split(',').length !== columns.length || rest.includes('?')) return undefined;
  const target = /ON CONFLICT \(([^)]+)\)\s+DO UPDATE/i.exec(rest)?.[1];
  const keyAt = target?.split(',').map((c) => columns.indexOf(c.trim()));
  if (keyAt?.some((i) => i < 0)) return undefined;
  const width = columns.length;
  const perStatement = Math.max(1, Math.min(MAX_ROWS_PER_STATEMENT, Math.floor(MAX_PARAMS_PER_STATEMENT / width)));
  const head = `INSERT INTO ${table} (${columnList}) VALUES `;
  return {
    unique(rows) {
      if (!keyAt) return rows;
      const byKey = new Map<string, SqlValue[]>();
      for (const row of rows) byKey.set(JSON.stringify(keyAt.map((i) => row[i] ?? null)), row);
      return byKey.size === rows.length ? rows : [...byKey.values()];
    },
    *chunks(rows) {
      for (let from = 0; from < rows.length; from += perStatement) {
        const part = rows.slice(from, from + perStatement);
        const tuples = part.map((_, r) => `(${columns.map((_, c) => `$${r * width + c + 1}`).join(', ')})`);
        yield { text: `${head}${tuples.join(', ')}${rest}`, params: part.flat() };
      }
    },
  };
}

/** SQLite's `?` placeholders as Postgres' `$1, $2, …` (the store's SQL has no `?` inside quotes). */
export function numberPlaceholders(text: string): string {
  let n = 0;
  return text.replace(/\?/g, () => `$${++n}`);
}

/** `postgres://user@host:port/database`, the password left out. */
export function describeUrl(url: string): string {
  try {
    const u = new URL(url);
    const database = decodeURIComponent(u.pathname.replace(/^\//, '')) || '(default database)';
    return `${u.hostname || 'localhost'}:${u.port || '5432'}/${database}`;
  } catch {
    return '(a Postgres URL that does not parse)';
  }
}

const CONNECT_REASONS: Record<string, string> = {
  ECONNREFUSED: 'nothing listens there',
  ENOTFOUND: 'no such host',
  EAI_AGAIN: 'the host name does not resolve',
  ETIMEDOUT: 'the connection timed out',
  '28P01': 'the password was refused',
  '28000': 'the server refused this user',
  '3D000': 'the database does not exist',
  '42501': 'the user may not create the tenant schema',
};

/** Why connecting failed, in words (the driver's own after them), never the password. */
export function connectProblem(error: unknown): string {
  const e = error as { code?: string; message?: string };
  const reason = (e.code && CONNECT_REASONS[e.code]) ?? e.message ?? String(error);
  return e.message && reason !== e.message ? `${reason} (${e.message})` : reason;
}

/** Connecting failed: a config error (exit 2) naming host, port and database, never the password. */
function unreachable(where: string, error: unknown): SpocError {
  const message = `cannot use the Postgres state store at ${where}: ${connectProblem(error)}`;
  return new SpocError('config', 'STATE_UNREACHABLE', message, { cause: error });
}

function isConnectionLost(error: Error): boolean {
  return error instanceof SpocError && error.code === 'STATE_CONNECTION_LOST';
}

/** A statement that failed: a lost connection is said so (the run fails; the next resumes from the journal). */
function statementError(where: string, error: unknown): Error {
  const e = error as { code?: string; message?: string };
  const message = e.message ?? String(error);
  if (
    /Connection terminated|ECONNRESET|EPIPE|Client has encountered a connection error|terminating connection/i.test(
      message,
    ) ||
    e.code === '57P01'
  ) {
    return new SpocError(
      'transient',
      'STATE_CONNECTION_LOST',
      `lost the connection to the Postgres state store at ${where} (${message}): the run stopped; the next run resumes from its journal`,
      { cause: error },
    );
  }
  return error instanceof Error ? error : new Error(message);
}
