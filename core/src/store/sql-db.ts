import type { DatabaseSync } from 'node:sqlite';

/** A value a statement takes or gives back. */
export type SqlValue = string | number | bigint | null | Uint8Array;
export type SqlRow = Record<string, SqlValue>;

/** A prepared statement, as node:sqlite's StatementSync offers it (the part the store uses). */
export interface SqlStatement {
  run(...params: SqlValue[]): { changes: number | bigint };
  get(...params: SqlValue[]): SqlRow | undefined;
  all(...params: SqlValue[]): SqlRow[];
  iterate(...params: SqlValue[]): Iterable<SqlRow>;
  /** Rows as arrays of column values instead of objects (cheaper for thousands of rows). */
  setReturnArrays(on: boolean): void;
}

/**
 * The database under the store: SQLite (node:sqlite) or Postgres (pg, made synchronous in
 * postgres/postgres-db.ts). Every method is synchronous, as node:sqlite's are, so the
 * store's modules are the same code over both; what differs in SQL is in `dialect`.
 */
export interface SqlDb {
  readonly dialect: Dialect;
  prepare(text: string): SqlStatement;
  /** Runs statements that take no parameters (several, separated by `;`). */
  exec(text: string): void;
  readonly isTransaction: boolean;
  readonly isOpen: boolean;
  close(): void;
  /**
   * Runs one INSERT for many rows, as fast as the database allows: SQLite runs the
   * prepared statement per row (each a function call); Postgres sends many rows per
   * statement, as each statement costs a round trip.
   */
  runMany(text: string, rows: readonly SqlValue[][]): void;
}

/** The SQL that SQLite and Postgres spell differently; everything else is written once, in their common SQL. */
export interface Dialect {
  readonly name: 'sqlite' | 'postgres';
  /** Starts a write transaction. SQLite: at once (IMMEDIATE), so it waits under busy_timeout rather than failing later. */
  readonly begin: string;
  /** An expression that sorts and compares text without regard to (ASCII) case. */
  nocase(expression: string): string;
  /** `column = ?`, ignoring case. */
  equalsNocase(column: string): string;
  /** A subquery of the text values of a JSON array parameter, for `x IN (…)`. */
  readonly jsonTextList: string;
  /** The number at `key` of a JSON object held in a text column (null when absent). */
  jsonNumber(column: string, key: string): string;
}

export const SQLITE: Dialect = {
  name: 'sqlite',
  begin: 'BEGIN IMMEDIATE',
  nocase: (expression) => `${expression} COLLATE NOCASE`,
  equalsNocase: (column) => `${column} = ? COLLATE NOCASE`,
  jsonTextList: 'SELECT value FROM json_each(?)',
  jsonNumber: (column, key) => `json_extract(${column}, '$.${key}')`,
};

// Postgres' lower() under the C collation (every text column of its schema) folds ASCII
// only, as SQLite's NOCASE does, so both sort a page the same.
export const POSTGRES: Dialect = {
  name: 'postgres',
  begin: 'BEGIN',
  nocase: (expression) => `lower(${expression})`,
  equalsNocase: (column) => `lower(${column}) = lower(?)`,
  jsonTextList: 'SELECT jsonb_array_elements_text(CAST(? AS jsonb))',
  jsonNumber: (column, key) => `CAST(CAST(${column} AS jsonb) ->> '${key}' AS numeric)`,
};

/** node:sqlite's database as the store's SqlDb. */
export function sqliteDb(db: DatabaseSync): SqlDb {
  const statements = new Map<string, ReturnType<DatabaseSync['prepare']>>();
  return {
    runMany: (text, rows) => {
      let statement = statements.get(text);
      if (!statement) {
        statement = db.prepare(text);
        statements.set(text, statement);
      }
      for (const row of rows) statement.run(...row);
    },
    dialect: SQLITE,
    prepare: (text) => db.prepare(text) as unknown as SqlStatement,
    exec: (text) => db.exec(text),
    get isTransaction() {
      return db.isTransaction;
    },
    get isOpen() {
      return db.isOpen;
    },
    close: () => db.close(),
  };
}
