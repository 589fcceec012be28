import { createHash } from 'node:crypto';
import { existsSync, writeFileSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join, resolve } from 'node:path';
import { readBaseline, writeBaseline } from './baseline.js';
import { type CheckConfig, loadCheckConfig } from './check-config.js';
import { CheckError } from './check-error.js';
import type { CheckResult } from './check-result.js';
import { Checker } from './checker.js';
import { discoverFiles } from './discover-files.js';
import { exitCodeFor } from './exit-code.js';
import { holdOptimizingCompiler } from './optimizing-compiler.js';
import { progressBar } from './progress-bar.js';
import { formatChanges } from './reporters/change-reporter.js';
import { formatJson } from './reporters/json-reporter.js';
import type { ReportOptions } from './reporters/report-options.js';
import { formatSarif } from './reporters/sarif-reporter.js';
import { formatText } from './reporters/text-reporter.js';
import { youngGenerationCap } from './young-generation.js';

/** Report formats of `runwire check`. */
export const REPORT_FORMATS = ['text', 'json', 'sarif'] as const;

/** One of {@link REPORT_FORMATS}. */
export type ReportFormat = (typeof REPORT_FORMATS)[number];

/** The options of one `runwire check` invocation, as given on the command line. */
export interface RunCheckOptions {
  /** Files and folders to check. @default ['.'] */
  readonly paths: readonly string[];
  /** Explicit config file; otherwise `runwire.config.json` is looked up from the first path. */
  readonly config?: string;
  /** @default 'text' */
  readonly format?: string;
  /** Write the report here instead of stdout. */
  readonly output?: string;
  /** Fail (exit 1) below this score, 0–100. */
  readonly minScore?: string | number;
  /** Baseline file: written when missing (or with `updateBaseline`), applied otherwise. */
  readonly baseline?: string;
  readonly updateBaseline?: boolean;
  /** With a baseline, list the accepted findings in the text report too. */
  readonly showBaselined?: boolean;
  /** Re-check on every change until stopped. */
  readonly watch?: boolean;
  /** False turns colors off (`--no-color`). */
  readonly color?: boolean;
  /** False turns the progress bar off. */
  readonly progress?: boolean;
  /** False keeps the facts cache in memory only; a string is the cache file. */
  readonly cache?: boolean | string;
  /** Worker threads for cold scans; 0 parses on the main thread. */
  readonly workers?: string | number;
  /** Parse problems are reported but do not fail the run (`--allow-parse-errors`). */
  readonly allowParseErrors?: boolean;
}

/** A writable text stream, such as process.stdout. */
export interface TextStream {
  write(text: string): unknown;
  readonly isTTY?: boolean;
  readonly columns?: number;
}

/** Everything `runwire check` touches outside itself, injectable for tests. */
export interface CheckIo {
  readonly stdout: TextStream;
  readonly stderr: TextStream;
  readonly cwd: string;
  /** True when the environment asks for no color (`NO_COLOR` set and non-empty). */
  readonly noColor: boolean;
  /** Aborting ends `--watch`. Without it, watch mode runs until the process is interrupted. */
  readonly signal?: AbortSignal;
}

/**
 * Runs `runwire check` and returns its exit status: 0 clean, 1 below `--min-score` or a new `error` finding, 2 when
 * the check cannot run (the message goes to stderr). In watch mode it returns once `io.signal` aborts.
 */
export async function runCheck(options: RunCheckOptions, io: CheckIo): Promise<0 | 1 | 2> {
  let checker: Checker | undefined;
  /** A one-shot check's workers, stopping (about 50 ms) while the report is made. */
  let closing: Promise<void> | undefined;
  /** Lets V8's optimizing compiler work again once the first check is reported (see `holdOptimizingCompiler`). */
  let releaseCompiler: (() => void) | undefined;
  try {
    const format = parseFormat(options.format);
    const minScore = parseNumber(options.minScore, '--min-score', 0, 100);
    const workers = parseNumber(options.workers, '--workers', 0, 64);
    const paths = options.paths.length === 0 ? ['.'] : options.paths;
    const config = loadCheckConfig({
      searchFrom: resolve(io.cwd, paths[0] ?? '.'),
      ...(options.config === undefined ? {} : { configPath: resolve(io.cwd, options.config) }),
    });
    const baselineFile = options.baseline === undefined ? undefined : resolve(io.cwd, options.baseline);
    const existingBaseline = baselineFile === undefined ? undefined : readBaseline(baselineFile);
    const writingBaseline =
      baselineFile !== undefined && (options.updateBaseline === true || existingBaseline === undefined);
    const baseline = writingBaseline ? undefined : existingBaseline;
    const cacheFile =
      options.cache === false
        ? undefined
        : typeof options.cache === 'string'
          ? resolve(io.cwd, options.cache)
          : defaultCacheFile(io.cwd);
    const bar = progressBar(io.stderr);
    const capYoungGeneration = youngGenerationCap();
    checker = new Checker({
      paths: paths.map((path) => resolve(io.cwd, path)),
      config,
      root: io.cwd,
      ...(cacheFile === undefined ? {} : { cacheFile }),
      ...(workers === undefined ? {} : { workers }),
      ...(baseline === undefined ? {} : { baseline }),
      onProgress: (done, total) => {
        capYoungGeneration();
        if (options.progress !== false) bar.update(done, total);
      },
      onFiles: (files) => {
        releaseCompiler ??= holdOptimizingCompiler(files); // the first check only
      },
    });
    const relative = checker.relative.bind(checker);
    const reportOptions: ReportOptions = {
      relative,
      root: io.cwd,
      ...(minScore === undefined ? {} : { minScore }),
      ...(options.allowParseErrors === true ? { allowParseErrors: true } : {}),
      ...(baselineFile === undefined ? {} : { baselineFile: relative(baselineFile) }),
      ...(options.showBaselined === true ? { showBaselined: true } : {}),
    };
    const color =
      options.color !== false && !io.noColor && (options.output === undefined ? io.stdout.isTTY === true : false);

    let result = await checker.check();
    if (options.watch !== true) closing = checker.close();
    bar.clear();
    if (result.files === 0) throw noFilesError(paths, io.cwd, config, result.generated);
    if (writingBaseline && baselineFile !== undefined) {
      writeBaseline(baselineFile, result.findings, relative);
      result = { ...result, findings: result.findings.map((finding) => ({ ...finding, baselined: true })) };
      io.stderr.write(
        `runwire check: wrote baseline ${relative(baselineFile)} with ${result.findings.length} findings\n`,
      );
    }
    const report =
      format === 'json'
        ? formatJson(result, reportOptions)
        : format === 'sarif'
          ? formatSarif(result, reportOptions)
          : formatText(result, { ...reportOptions, color });
    if (options.output === undefined) io.stdout.write(report);
    else writeFileSync(resolve(io.cwd, options.output), report);
    releaseCompiler?.();
    if (options.watch === true) {
      await watchLoop(
        checker,
        paths.map((path) => resolve(io.cwd, path)),
        result,
        io,
        { ...reportOptions, color },
      );
    }
    return exitCodeFor(result, reportOptions);
  } catch (error) {
    if (error instanceof CheckError) {
      io.stderr.write(`runwire check: ${error.message}\n`);
      return 2;
    }
    throw error;
  } finally {
    releaseCompiler?.();
    await (closing ?? checker?.close());
  }
}

async function watchLoop(
  checker: Checker,
  paths: readonly string[],
  first: CheckResult,
  io: CheckIo,
  options: ReportOptions & { readonly color: boolean },
): Promise<void> {
  let previous = first;
  io.stderr.write('runwire check: watching for changes (Ctrl-C to stop)\n');
  const { watchTree } = await import('./watch-tree.js'); // chokidar is only loaded in watch mode
  const watcher = watchTree(paths, async (changed) => {
    try {
      const current = await checker.recheck(changed);
      io.stdout.write(formatChanges(previous, current, changed, options));
      previous = current;
    } catch (error) {
      // e.g. the folder was deleted, or a file vanished mid-read: say so and keep watching
      const message = error instanceof Error ? error.message : String(error);
      io.stderr.write(`runwire check: re-check failed: ${message}; still watching\n`);
    }
  });
  await watcher.ready;
  await new Promise<void>((resolvePromise) => {
    const stop = (): void => resolvePromise();
    if (io.signal?.aborted === true) return stop();
    io.signal?.addEventListener('abort', stop, { once: true });
    if (io.signal === undefined) process.once('SIGINT', stop);
  });
  await watcher.close();
}

/**
 * Nothing to check is not a clean tree: says what was searched, and how many source files the excludes left out
 * (e.g. a folder of tests or `.d.ts` files only).
 */
function noFilesError(paths: readonly string[], cwd: string, config: CheckConfig, generated: number): CheckError {
  const absolute = paths.map((path) => resolve(cwd, path));
  const found = discoverFiles(absolute, { ...config, exclude: [] }).length;
  const excluded = config.exclude.length === 0 ? 0 : found - generated;
  const where = paths.map((path) => `'${path}'`).join(', ');
  const left =
    generated > 0
      ? `${generated} file${generated === 1 ? ' says' : 's say'} in ${generated === 1 ? 'its' : 'their'} header that a tool generated ${generated === 1 ? 'it' : 'them'}, and ${excluded} ${excluded === 1 ? 'was' : 'were'} left out by the exclude globs ("defaultExcludes": false in runwire.config.json checks them all)`
      : excluded <= 0
        ? 'no file there has a TypeScript, JavaScript or Python extension'
        : `${excluded} source file${excluded === 1 ? ' was' : 's were'} left out by the exclude globs (by default tests, fixtures, .d.ts and other generated, vendored and build files; "defaultExcludes": false in runwire.config.json checks them)`;
  return new CheckError(
    'no_files',
    paths.join(' '),
    `No source file to check in ${where} (include: ${config.include.join(', ')}): ${left}; give a folder with sources`,
  );
}

/** `node_modules/.cache/runwire/` when the project has node_modules; otherwise the temp folder, keyed by project. */
function defaultCacheFile(cwd: string): string {
  const nodeModules = join(cwd, 'node_modules');
  if (existsSync(nodeModules)) return join(nodeModules, '.cache', 'runwire', 'check-facts.json');
  const key = createHash('sha1').update(cwd).digest('hex').slice(0, 12);
  return join(tmpdir(), `runwire-check-facts-${key}.json`);
}

function parseFormat(format: string | undefined): (typeof REPORT_FORMATS)[number] {
  if (format === undefined) return 'text';
  const found = REPORT_FORMATS.find((candidate) => candidate === format);
  if (found === undefined) {
    throw new CheckError('bad_option', '--format', `Unknown --format '${format}'; use text, json or sarif`);
  }
  return found;
}

function parseNumber(value: string | number | undefined, option: string, min: number, max: number): number | undefined {
  if (value === undefined) return undefined;
  const number = typeof value === 'number' ? value : Number(value);
  if (!Number.isFinite(number) || number < min || number > max || (typeof value === 'string' && value.trim() === '')) {
    throw new CheckError('bad_option', option, `${option} must be a number from ${min} to ${max}, got '${value}'`);
  }
  return number;
}
