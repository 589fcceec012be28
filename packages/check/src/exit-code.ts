import type { CheckResult } from './check-result.js';

/**
 * The exit status contract of `runwire check`:
 * - 0: the score reaches `--min-score` and no new `error` finding
 * - 1: the score is below `--min-score`, or an `error` finding is not in the baseline
 * - 2: the check could not run (bad usage, bad config, unreadable path); see `CheckError`
 */
export type CheckExitCode = 0 | 1 | 2;

/** The exit status for a finished check. */
export function exitCodeFor(result: CheckResult, minScore: number | undefined): Exclude<CheckExitCode, 2> {
  if (minScore !== undefined && result.score.value < minScore) return 1;
  return result.findings.some((finding) => finding.severity === 'error' && !finding.baselined) ? 1 : 0;
}
