/** What every reporter needs besides the result. */
export interface ReportOptions {
  /** Turns an absolute path into the path reports show (relative to the project root, with `/`). */
  readonly relative: (file: string) => string;
  /** Absolute project root; SARIF states it as `%SRCROOT%`. */
  readonly root: string;
  /** The `--min-score` in force, if any. */
  readonly minScore?: number;
  /** The baseline applied, if any. */
  readonly baselineFile?: string;
}
