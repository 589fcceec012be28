/** What every reporter needs besides the result. */
export interface ReportOptions {
  /** Turns an absolute path into the path reports show (relative to the project root, with `/`). */
  readonly relative: (file: string) => string;
  /** Absolute project root; SARIF states it as `%SRCROOT%`. */
  readonly root: string;
  /** The `--min-score` in force, if any. */
  readonly minScore?: number;
  /** Parse problems do not fail the run (`--allow-parse-errors`). */
  readonly allowParseErrors?: boolean;
  /** The baseline applied, if any. */
  readonly baselineFile?: string;
  /** With a baseline, the text report lists accepted findings too (`--show-baselined`); else only their count. */
  readonly showBaselined?: boolean;
}
