import type { CheckHistory, CheckScore, CheckScoreQuery } from '../check-history.js';
import { dayOf } from '../quality-rollups.js';

/** `CheckHistory` in memory: for tests and `--store memory`. Lost on exit. */
export class MemoryCheckHistory implements CheckHistory {
  /** path → recordedAt → score. */
  readonly #paths = new Map<string, Map<number, CheckScore>>();

  async record(score: CheckScore): Promise<void> {
    let scores = this.#paths.get(score.path);
    if (scores === undefined) {
      scores = new Map();
      this.#paths.set(score.path, scores);
    }
    scores.set(score.recordedAt, { ...score, byRule: { ...score.byRule } });
  }

  async latest(query: CheckScoreQuery): Promise<CheckScore | undefined> {
    let found: CheckScore | undefined;
    for (const score of this.#paths.get(query.path)?.values() ?? []) {
      const day = dayOf(score.recordedAt);
      if (day < query.fromDay || day > query.toDay) continue;
      if (found === undefined || score.recordedAt > found.recordedAt) found = score;
    }
    return found;
  }

  async prune(beforeDay: string): Promise<number> {
    let removed = 0;
    for (const [path, scores] of this.#paths) {
      for (const at of scores.keys()) {
        if (dayOf(at) >= beforeDay) continue;
        scores.delete(at);
        removed++;
      }
      if (scores.size === 0) this.#paths.delete(path);
    }
    return removed;
  }

  async close(): Promise<void> {}
}
