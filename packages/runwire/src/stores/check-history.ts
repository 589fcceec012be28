/**
 * One run of the SSOT checker (`runwire check`) on a path, as `runwire report --check PATH` submits it: the score,
 * what it was measured on, and the findings by rule.
 */
export interface CheckScore {
  /** The path the checker was given, as the operator wrote it (the key the history is kept under). */
  readonly path: string;
  /** When the server recorded it (epoch ms): its UTC day is the day it counts for. */
  readonly recordedAt: number;
  /** 0 to 100. */
  readonly score: number;
  readonly concepts: number;
  /** Concepts with at least one finding. */
  readonly violated: number;
  readonly findings: number;
  /** Rule id → findings of that rule. */
  readonly byRule: Readonly<Record<string, number>>;
}

/** Which score to find: the latest of `path` recorded on a day from `fromDay` to `toDay` (both included). */
export interface CheckScoreQuery {
  readonly path: string;
  readonly fromDay: string;
  readonly toDay: string;
}

/**
 * The history of SSOT check scores beside the quality rollups, so a report can compare a path's score with the
 * latest one of the previous period. Scores are never summed: every submission is kept (until pruned) and a
 * query answers the latest, so the submissions of several nodes merge by their time. Every implementation passes
 * the shared conformance suite.
 */
export interface CheckHistory {
  /** Keeps one score (another with the same path and `recordedAt` replaces it). */
  record(score: CheckScore): Promise<void>;
  /** The latest score of the query's path and days; `undefined` when there is none. */
  latest(query: CheckScoreQuery): Promise<CheckScore | undefined>;
  /** Drops every score recorded before the UTC day `beforeDay`; returns how many went. */
  prune(beforeDay: string): Promise<number>;
  /** Releases resources (idempotent). */
  close(): Promise<void>;
}
