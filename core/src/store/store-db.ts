import { inTransaction } from './prepare-db.ts';
import type { Dialect, SqlDb, SqlStatement, SqlValue } from './sql-db.ts';

/** What every part of the store shares: the database, a statement cache, the clock, the mask. */
export class StoreDb {
  readonly db: SqlDb;
  readonly now: () => Date;
  /** Masks secrets in text from outside (vendor error messages) before it is stored. */
  readonly mask: (text: string) => string;
  private readonly statements = new Map<string, SqlStatement>();

  constructor(db: SqlDb, now: () => Date, mask: (text: string) => string) {
    this.db = db;
    this.now = now;
    this.mask = mask;
  }

  /** A prepared statement, prepared once per text. */
  sql(text: string): SqlStatement {
    let statement = this.statements.get(text);
    if (!statement) {
      statement = this.db.prepare(text);
      this.statements.set(text, statement);
    }
    return statement;
  }

  transaction<T>(work: () => T): T {
    return inTransaction(this.db, work, this.db.dialect.begin);
  }

  /** One INSERT for many rows (SqlDb.runMany), in one transaction. */
  runMany(text: string, rows: readonly SqlValue[][]): void {
    if (rows.length > 0) this.transaction(() => this.db.runMany(text, rows));
  }

  get dialect(): Dialect {
    return this.db.dialect;
  }

  iso(): string {
    return this.now().toISOString();
  }
}

const INSERT_CHUNK = 1_000;

/** One concern of the store (runs, mirror, baselines, journal, history) over the shared database. */
export abstract class StoreModule {
  protected readonly store: StoreDb;

  constructor(store: StoreDb) {
    this.store = store;
  }

  protected sql(text: string): SqlStatement {
    return this.store.sql(text);
  }

  protected transaction<T>(work: () => T): T {
    return this.store.transaction(work);
  }

  /** One INSERT for every row of `rows` (read lazily, a thousand at a time: memory stays flat). */
  protected insertAll(text: string, rows: Iterable<SqlValue[]>): void {
    let chunk: SqlValue[][] = [];
    for (const row of rows) {
      chunk.push(row);
      if (chunk.length === INSERT_CHUNK) {
        this.store.runMany(text, chunk);
        chunk = [];
      }
    }
    this.store.runMany(text, chunk);
  }

  protected get dialect(): Dialect {
    return this.store.dialect;
  }

  protected now(): Date {
    return this.store.now();
  }

  protected iso(): string {
    return this.store.iso();
  }

  protected get mask(): (text: string) => string {
    return this.store.mask;
  }
}
