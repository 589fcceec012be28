import type { Statement } from 'better-sqlite3';
import {
  mergeCells,
  type QualityRollups,
  type RollupCell,
  type RollupDay,
  type RollupQuery,
} from '../quality-rollups.js';
import type { SqliteDatabase } from './sqlite-database.js';
import { SqliteStoreHold } from './sqlite-store-hold.js';

/** The `user_id` of server-wide counters (user ids are never empty). */
const SERVER_WIDE = '';

interface CellRow {
  readonly day: string;
  readonly agent: string;
  readonly outcome: string;
  readonly metric: string;
  readonly value: number;
}

/**
 * `QualityRollups` in the SQLite file (schema step 2): survives restarts. Adds go through the database's group
 * commit as UPSERTs that add to the stored value; reads see every add queued before them.
 */
export class SqliteQualityRollups implements QualityRollups {
  readonly #db: SqliteDatabase;
  readonly #add: Statement<[string, string, string, string, string, number]>;
  readonly #readUser: Statement<[string, string, string], CellRow>;
  readonly #readAll: Statement<[string, string], CellRow>;
  readonly #prune: Statement<[string]>;
  readonly #hold: SqliteStoreHold;

  constructor(db: SqliteDatabase) {
    this.#db = db;
    this.#add = db.prepare(
      `INSERT INTO quality_rollups (day, user_id, agent, outcome, metric, value) VALUES (?, ?, ?, ?, ?, ?)
       ON CONFLICT (day, user_id, agent, outcome, metric) DO UPDATE SET value = value + excluded.value`,
    );
    this.#readUser = db.prepare(
      `SELECT day, agent, outcome, metric, value FROM quality_rollups
       WHERE user_id = ? AND day >= ? AND day <= ? ORDER BY day`,
    );
    this.#readAll = db.prepare(
      `SELECT day, agent, outcome, metric, SUM(value) AS value FROM quality_rollups
       WHERE day >= ? AND day <= ? GROUP BY day, agent, outcome, metric ORDER BY day`,
    );
    this.#prune = db.prepare('DELETE FROM quality_rollups WHERE day < ?');
    this.#hold = new SqliteStoreHold(db, 'The quality rollups store');
  }

  async add(day: string, userId: string | undefined, cells: readonly RollupCell[]): Promise<void> {
    this.#hold.assertOpen();
    const user = userId ?? SERVER_WIDE;
    const nonZero = cells.filter((c) => c.value !== 0);
    if (nonZero.length === 0) return;
    await this.#db.write(() => {
      for (const c of nonZero) this.#add.run(day, user, c.agent, c.outcome, c.metric, c.value);
    });
  }

  async read(query: RollupQuery): Promise<RollupDay[]> {
    this.#hold.assertOpen();
    const rows = this.#db.read(() =>
      query.userId === undefined
        ? this.#readAll.all(query.fromDay, query.toDay)
        : this.#readUser.all(query.userId, query.fromDay, query.toDay),
    );
    const byDay = new Map<string, RollupCell[]>();
    for (const row of rows) {
      let cells = byDay.get(row.day);
      if (cells === undefined) {
        cells = [];
        byDay.set(row.day, cells);
      }
      cells.push({ agent: row.agent, outcome: row.outcome, metric: row.metric, value: row.value });
    }
    return [...byDay].map(([day, cells]) => ({ day, cells: mergeCells(cells) })).filter((d) => d.cells.length > 0);
  }

  async prune(beforeDay: string): Promise<number> {
    this.#hold.assertOpen();
    return this.#db.transaction(() => {
      const count = this.#db
        .prepare<[string], { n: number }>('SELECT count(DISTINCT day) AS n FROM quality_rollups WHERE day < ?')
        .get(beforeDay);
      this.#prune.run(beforeDay);
      return count?.n ?? 0;
    });
  }

  async close(): Promise<void> {
    this.#hold.close();
  }
}
