import type { BaselineFix } from './baseline.js';
import type { Finding } from './finding.js';
import type { Score } from './score.js';

/** A `new` whose class cannot be named statically (`new (c ? A : B)()`, `new this.kind()`): reported, not guessed. */
export interface UnresolvedSite {
  readonly file: string;
  readonly line: number;
  readonly column: number;
  /** The callee as written. */
  readonly expression: string;
}

/** A file the parser could not fully read; the facts that did parse are still used. */
export interface ParseProblem {
  readonly file: string;
  readonly message: string;
}

/** Time spent in each phase of a check, in milliseconds. */
export interface CheckTimings {
  readonly discover: number;
  readonly facts: number;
  readonly rules: number;
  readonly total: number;
}

/** The outcome of one check of a tree. File paths are absolute. */
export interface CheckResult {
  /** Number of files checked. */
  readonly files: number;
  /**
   * Files whose facts were not in the cache when this run began, so were extracted in it (a file with the same
   * content as another of them is extracted once and counted too). The rest came from the cache.
   */
  readonly parsed: number;
  /** Files left out because their header says they are generated (not counted in `files`). */
  readonly generated: number;
  readonly findings: readonly Finding[];
  /** With a baseline: what it accepts that is gone (whole findings, or copies of them). */
  readonly fixed?: readonly BaselineFix[];
  readonly unresolved: readonly UnresolvedSite[];
  readonly parseProblems: readonly ParseProblem[];
  readonly score: Score;
  readonly timings: CheckTimings;
}
