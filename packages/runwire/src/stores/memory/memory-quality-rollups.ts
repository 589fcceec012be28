import {
  cellKey,
  mergeCells,
  parseCellKey,
  type QualityRollups,
  type RollupCell,
  type RollupDay,
  type RollupQuery,
} from '../quality-rollups.js';

/** The user key of server-wide counters (user ids are never empty). */
const SERVER_WIDE = '';

/** `QualityRollups` in memory: for tests and `--store memory`. Lost on exit. */
export class MemoryQualityRollups implements QualityRollups {
  /** day → user → cell key → value. */
  readonly #days = new Map<string, Map<string, Map<string, number>>>();

  async add(day: string, userId: string | undefined, cells: readonly RollupCell[]): Promise<void> {
    let users = this.#days.get(day);
    if (users === undefined) {
      users = new Map();
      this.#days.set(day, users);
    }
    const user = userId ?? SERVER_WIDE;
    let counters = users.get(user);
    if (counters === undefined) {
      counters = new Map();
      users.set(user, counters);
    }
    for (const cell of cells) {
      if (cell.value === 0) continue;
      const key = cellKey(cell);
      counters.set(key, (counters.get(key) ?? 0) + cell.value);
    }
  }

  async read(query: RollupQuery): Promise<RollupDay[]> {
    const days: RollupDay[] = [];
    for (const day of [...this.#days.keys()].sort()) {
      if (day < query.fromDay || day > query.toDay) continue;
      const users = this.#days.get(day) ?? new Map<string, Map<string, number>>();
      const cells: RollupCell[] = [];
      for (const [user, counters] of users) {
        if (query.userId !== undefined && user !== query.userId) continue;
        for (const [key, value] of counters) cells.push(parseCellKey(key, value));
      }
      const merged = mergeCells(cells);
      if (merged.length > 0) days.push({ day, cells: merged });
    }
    return days;
  }

  async prune(beforeDay: string): Promise<number> {
    let removed = 0;
    for (const day of this.#days.keys()) {
      if (day >= beforeDay) continue;
      removed++;
      this.#days.delete(day);
    }
    return removed;
  }

  async close(): Promise<void> {}
}
