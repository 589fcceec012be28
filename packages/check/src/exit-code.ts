import type { CheckResult } from './check-result.js';

/**
 * The exit status contract of `runwire check`:
 * - 0: the score reaches `--min-score`, no new `error` finding, and every file parsed (or `--allow-parse-errors`)
 * - 1: the score is below `--min-score`, an `error` finding is not in the baseline, or a file has a parse problem
 * - 2: the check could not run (bad usage, bad config, unreadable path, no source file matched); see `CheckError`
 */
export type CheckExitCode = 0 | 1 | 2;

/** What besides the result decides the exit status. */
export interface ExitPolicy {
  /** Exit 1 below this score. */
  readonly minScore?: number;
  /** True: parse problems are reported but do not fail the run (`--allow-parse-errors`). */
  readonly allowParseErrors?: boolean;
}

/** The exit status for a finished check. */
export function exitCodeFor(result: CheckResult, policy: ExitPolicy = {}): Exclude<CheckExitCode, 2> {
  if (policy.minScore !== undefined && result.score.value < policy.minScore) return 1;
  if (result.parseProblems.length > 0 && policy.allowParseErrors !== true) return 1;
  return result.findings.some((finding) => finding.severity === 'error' && !finding.baselined) ? 1 : 0;
}
