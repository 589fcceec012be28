import { StoreClosedError } from '../../errors.js';
import type { SqliteDatabase } from './sqlite-database.js';

/**
 * One store's hold on a shared {@link SqliteDatabase}: taken when the store is built, given back when it closes. The
 * database stays open while any store holds it; closing a store commits its pending writes first. Every SQLite store
 * (runs, events, threads, rollups, check scores) keeps one, so "closed" means the same for all of them.
 */
export class SqliteStoreHold {
  readonly #db: SqliteDatabase;
  readonly #store: string;
  #closed = false;

  /** @param store - the store's name for errors after close, e.g. `The run store on 'runwire.db'` */
  constructor(db: SqliteDatabase, store: string) {
    this.#db = db;
    this.#store = store;
    db.retain();
  }

  /** True once the store has closed. */
  get closed(): boolean {
    return this.#closed;
  }

  /** @throws StoreClosedError once the store has closed */
  assertOpen(): void {
    if (this.#closed) throw new StoreClosedError(this.#store);
  }

  /** Commits the pending writes and lets go of the database (closed when its last store lets go). Idempotent. */
  close(): void {
    if (this.#closed) return;
    this.#closed = true;
    if (!this.#db.closed) this.#db.flush();
    this.#db.release();
  }
}
