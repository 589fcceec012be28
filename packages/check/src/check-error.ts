/** Why a check could not run at all. Each code maps to exit status 2. */
export type CheckErrorCode =
  /** The config file is missing, not JSON, or does not match the config format. */
  | 'bad_config'
  /** A path given on the command line cannot be read. */
  | 'unreadable_path'
  /** The baseline file exists but is not a baseline written by `runwire check`. */
  | 'bad_baseline'
  /** A command-line option has a value outside its range. */
  | 'bad_option'
  /** No source file matched the paths, include and exclude globs: there is nothing to score. */
  | 'no_files';

/**
 * A usage, config or input error that stops `runwire check` before it can report findings. The message says what
 * is wrong, with which file or option, and what to do.
 */
export class CheckError extends Error {
  override readonly name = 'CheckError';
  readonly code: CheckErrorCode;
  /** The file or option the error is about. */
  readonly subject: string;

  constructor(code: CheckErrorCode, subject: string, message: string, options?: { cause?: unknown }) {
    super(message, options);
    this.code = code;
    this.subject = subject;
  }
}
