import { type Command, CommanderError } from 'commander';
import { CONFIG_KEYS, DEFAULT_MIN_CLONE_STATEMENTS } from './check-config.js';
import { RULE_IDS } from './rule-id.js';
import { type CheckIo, runCheck } from './run-check.js';

/** What the check command needs from the process; tests pass their own. */
export interface CheckCommandIo extends CheckIo {
  /** Receives the exit status of a finished check (0, 1 or 2). */
  setExitCode(code: number): void;
}

/**
 * The process's own streams, working directory and exit status. Reading `NO_COLOR` here is the CLI edge's one
 * look at the environment (the no-color.org convention applies to every CLI, not to runwire's server config).
 */
function processIo(): CheckCommandIo {
  return {
    stdout: process.stdout,
    stderr: process.stderr,
    cwd: process.cwd(),
    noColor: (process.env.NO_COLOR ?? '') !== '',
    setExitCode(code) {
      process.exitCode = code;
    },
  };
}

const HELP_AFTER = `
Rules: ${RULE_IDS.join(', ')} (see docs/check.md).
Config: runwire.config.json, looked up from the first path up to the project root, or --config FILE.
Config keys: ${CONFIG_KEYS.filter((key) => key !== '$schema').join(', ')}
(worlds: parallel API versions that are never copies of each other; generated: globs left out;
minCloneStatements: default ${DEFAULT_MIN_CLONE_STATEMENTS}).
Score: 100 × concepts with no violation / all concepts, over every finding.

Exit status: 0 ok; 1 score below --min-score, a new error finding, or a file that does not parse (unless
--allow-parse-errors); 2 bad usage, bad config, unreadable path, or no source file matched.

Examples:
  runwire check src --min-score 100
  runwire check src --format sarif --output check.sarif
  runwire check src --baseline .runwire-baseline.json    (first run writes it; later runs fail only on new findings)
  runwire check src --watch
`;

/**
 * Adds `check [paths...]`, the SSOT checker, to `program` (this is how `runwire check` is wired). The finished
 * check's exit status goes to `io.setExitCode` (by default `process.exitCode`), so the caller should not overwrite a
 * non-zero exit code. Usage errors commander detects are thrown from `parseAsync` as a `CommanderError` with
 * `exitCode` 2 (0 for `--help`).
 *
 * @example
 * const program = new Command('runwire');
 * registerCheckCommand(program);
 * await program.parseAsync(process.argv);
 */
export function registerCheckCommand(program: Command, io: CheckCommandIo = processIo()): void {
  configureCheckCommand(program.command('check'), io);
}

/**
 * Makes `command` the SSOT checker: its arguments, options, help and action. `runwire-check` uses it on its root
 * command, `runwire check` on a subcommand, so both take exactly the same options.
 */
export function configureCheckCommand(command: Command, io: CheckCommandIo = processIo()): Command {
  return command
    .description('find duplicated concepts (SSOT violations) in TypeScript, JavaScript and Python, and score the tree')
    .argument('[paths...]', 'files and folders to check', ['.'])
    .option('-c, --config <file>', 'config file (default: nearest runwire.config.json)')
    .option('-f, --format <format>', 'report format: text, json or sarif', 'text')
    .option('-o, --output <file>', 'write the report to a file instead of stdout')
    .option('--min-score <n>', 'exit 1 when the score is below n (0-100)')
    .option('--allow-parse-errors', 'report parse problems without failing (the score is still marked incomplete)')
    .option('--baseline <file>', 'write the baseline if missing, else apply it: only new findings fail')
    .option('--update-baseline', 'rewrite the --baseline file with the current findings')
    .option('--show-baselined', 'with --baseline, list the accepted findings too (the text report counts them)')
    .option('-w, --watch', 're-check on every change and print what changed')
    .option('--no-color', 'plain text even on a terminal (also: NO_COLOR=1)')
    .option('--no-progress', 'no progress bar on long scans')
    .option('--cache <file>', 'facts cache file (default: node_modules/.cache/runwire/check-facts.json)')
    .option('--no-cache', 'keep the facts cache in memory only')
    .option(
      '--workers <n>',
      'worker threads for cold scans, 0 for none (default: CPUs minus one, less the CPUs the load average keeps busy; none if under two)',
    )
    .addHelpText('after', HELP_AFTER)
    .exitOverride((error) => {
      // Usage errors commander finds itself (unknown option, missing value) exit 2 like ours; --help stays 0.
      throw error.exitCode === 0 ? error : new CommanderError(2, error.code, error.message);
    })
    .action(async (paths: string[], options: Record<string, unknown>) => {
      const code = await runCheck(
        {
          paths,
          ...pick(options, 'config', 'format', 'output', 'minScore', 'baseline', 'workers'),
          ...(options.cache === undefined ? {} : { cache: options.cache as boolean | string }),
          updateBaseline: options.updateBaseline === true,
          allowParseErrors: options.allowParseErrors === true,
          showBaselined: options.showBaselined === true,
          watch: options.watch === true,
          color: options.color !== false,
          progress: options.progress !== false,
        },
        io,
      );
      io.setExitCode(code);
    });
}

function pick<K extends string>(options: Record<string, unknown>, ...keys: K[]): Partial<Record<K, string>> {
  const picked: Partial<Record<K, string>> = {};
  for (const key of keys) {
    const value = options[key];
    if (typeof value === 'string') picked[key] = value;
  }
  return picked;
}
