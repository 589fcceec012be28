import type { Statement } from 'better-sqlite3';
import type { CheckHistory, CheckScore, CheckScoreQuery } from '../check-history.js';
import { endOfDay, startOfDay } from '../quality-rollups.js';
import type { SqliteDatabase } from './sqlite-database.js';
import { SqliteStoreHold } from './sqlite-store-hold.js';

interface ScoreRow {
  readonly path: string;
  readonly recorded_at: number;
  readonly score: number;
  readonly concepts: number;
  readonly violated: number;
  readonly findings: number;
  readonly by_rule: string;
}

/**
 * `CheckHistory` in the SQLite file (schema step 4): survives restarts. A record goes through the database's group
 * commit; a read sees every record queued before it.
 */
export class SqliteCheckHistory implements CheckHistory {
  readonly #db: SqliteDatabase;
  readonly #record: Statement<[string, number, number, number, number, number, string]>;
  readonly #latest: Statement<[string, number, number], ScoreRow>;
  readonly #prune: Statement<[number]>;
  readonly #hold: SqliteStoreHold;

  constructor(db: SqliteDatabase) {
    this.#db = db;
    this.#record = db.prepare(
      `INSERT OR REPLACE INTO check_scores (path, recorded_at, score, concepts, violated, findings, by_rule)
       VALUES (?, ?, ?, ?, ?, ?, ?)`,
    );
    this.#latest = db.prepare(
      `SELECT * FROM check_scores WHERE path = ? AND recorded_at >= ? AND recorded_at < ?
       ORDER BY recorded_at DESC LIMIT 1`,
    );
    this.#prune = db.prepare('DELETE FROM check_scores WHERE recorded_at < ?');
    this.#hold = new SqliteStoreHold(db, 'The check score history');
  }

  async record(score: CheckScore): Promise<void> {
    this.#hold.assertOpen();
    const { path, recordedAt, concepts, violated, findings, byRule } = score;
    await this.#db.write(() =>
      this.#record.run(path, recordedAt, score.score, concepts, violated, findings, JSON.stringify(byRule)),
    );
  }

  async latest(query: CheckScoreQuery): Promise<CheckScore | undefined> {
    this.#hold.assertOpen();
    const row = this.#db.read(() => this.#latest.get(query.path, startOfDay(query.fromDay), endOfDay(query.toDay)));
    if (row === undefined) return undefined;
    return {
      path: row.path,
      recordedAt: row.recorded_at,
      score: row.score,
      concepts: row.concepts,
      violated: row.violated,
      findings: row.findings,
      byRule: JSON.parse(row.by_rule) as Record<string, number>,
    };
  }

  async prune(beforeDay: string): Promise<number> {
    this.#hold.assertOpen();
    return this.#db.transaction(() => this.#prune.run(startOfDay(beforeDay)).changes);
  }

  async close(): Promise<void> {
    this.#hold.close();
  }
}
