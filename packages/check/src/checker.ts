import { statSync } from 'node:fs';
import { relative, resolve } from 'node:path';
import { type Baseline, baselineCopies } from './baseline.js';
import type { CheckConfig } from './check-config.js';
import type { CheckResult, ParseProblem, UnresolvedSite } from './check-result.js';
import { defaultWorkers } from './default-workers.js';
import { discoverFiles } from './discover-files.js';
import type { DeclarationFact, FileFacts } from './facts.js';
import { FactsCache } from './facts-cache.js';
import { type FactsJob, FactsWorkerPool } from './facts-worker-pool.js';
import type { ShapeJob, ShapeResults } from './file-shapes.js';
import type { Finding } from './finding.js';
import { ModuleResolver } from './module-resolver.js';
import { toPosix } from './posix-path.js';
import { readKeyedSource } from './read-source.js';
import type { RuleContext } from './rule.js';
import { RULE_IDS } from './rule-id.js';
import { ALL_RULES } from './rules/all-rules.js';
import { safeExtract } from './safe-extract.js';
import { computeScore } from './score.js';
import { ShapeComparer } from './shape-comparer.js';
import type { Shape } from './shape-fingerprint.js';
import { SymbolGraph } from './symbol-graph.js';

/** Files handed to the workers at a time while the rest are still being read. */
const EARLY_CHUNK = 64;

/** Below this many files to parse, the worker pool costs more to start than it saves. */
const POOL_THRESHOLD = 400;

/** How a {@link Checker} is set up. */
export interface CheckerOptions {
  /** Files and folders to check. */
  readonly paths: readonly string[];
  readonly config: CheckConfig;
  /** Paths in reports and fingerprints are relative to this folder. @default process.cwd() */
  readonly root?: string;
  /** File that keeps the facts cache between runs; absent: memory only. */
  readonly cacheFile?: string;
  /**
   * Worker threads for cold scans; 0 parses on the main thread. @default one per CPU but one, less the CPUs other
   * processes keep busy, and none when that is fewer than two (see `defaultWorkers`)
   */
  readonly workers?: number;
  /** Accepted findings: still reported and scored, never failing, unless they gained a copy. */
  readonly baseline?: Baseline;
  /** Called as files are parsed, with the number done and the number to parse. */
  readonly onProgress?: (done: number, total: number) => void;
  /** Called as each check starts, with the files it looks at (in path order), before any is read. */
  readonly onFiles?: (files: readonly string[]) => void;
}

interface FileState {
  readonly mtimeMs: number;
  readonly size: number;
  readonly key: string;
  readonly facts: FileFacts;
}

/**
 * The checker engine: discovers files, extracts their facts (from the content-hash cache when unchanged, on worker
 * threads when many are new), joins them in a symbol graph and runs the rules. Long-lived: a second
 * {@link Checker.check} re-reads only files whose size or mtime changed and re-parses only those whose content did,
 * which is what `--watch` relies on. Call {@link Checker.close} when done.
 *
 * @example
 * const checker = new Checker({ paths: ['src'], config: loadCheckConfig({ searchFrom: 'src' }) });
 * const result = await checker.check();
 * await checker.close();
 */
export class Checker {
  readonly #options: CheckerOptions;
  readonly #root: string;
  readonly #cache: FactsCache;
  readonly #resolver: ModuleResolver;
  readonly #pool: FactsWorkerPool;
  /** Worker threads for cold scans: as configured, or as many as there are free CPUs but one. */
  readonly #workers: number;
  readonly #shapes: ShapeComparer;
  #states = new Map<string, FileState>();
  /** The files of the last check, in path order. */
  #known: readonly string[] = [];
  /** Files to read again at the next check whatever their size and mtime (see {@link Checker.invalidate}). */
  readonly #stale = new Set<string>();
  /** Report paths already computed: rules ask for the same files' paths many times per check. */
  readonly #relativePaths = new Map<string, string>();
  #poolFailed = false;
  /** The front ends, once this thread has needed them. */
  #frontEnds: typeof import('./front-ends.js') | undefined;
  #cacheDirty = false;
  #checks = 0;

  constructor(options: CheckerOptions) {
    this.#options = options;
    this.#root = resolve(options.root ?? process.cwd());
    this.#cache = new FactsCache(options.cacheFile);
    this.#shapes = new ShapeComparer(this.#cache.shapes);
    this.#resolver = new ModuleResolver(options.config.tsconfig);
    this.#workers = options.workers ?? defaultWorkers();
    this.#pool = new FactsWorkerPool(this.#workers);
  }

  /** Forgets what is known about these files, so the next check re-reads them whatever their mtime. */
  invalidate(files: Iterable<string>): void {
    // Kept among the states until the next check, so that it does not take an edited file for a new one (which
    // would make it resolve every import again).
    for (const file of files) this.#stale.add(resolve(file));
  }

  /** Checks the tree as it is now. */
  async check(): Promise<CheckResult> {
    const started = performance.now();
    return this.#check(started, discoverFiles(this.#options.paths, this.#options.config), undefined);
  }

  /**
   * Checks the tree again after `changed` files were written, as a watcher reports them. When each is a file the
   * last check read and it still exists, only those files are read again: the folders are not walked and the other
   * files are taken as they were. Otherwise (a file added, deleted or outside the tree, a folder) it is a full
   * {@link check}.
   */
  async recheck(changed: Iterable<string>): Promise<CheckResult> {
    const started = performance.now();
    const edited = new Set([...changed].map((file) => resolve(file)));
    this.invalidate(edited);
    const known = this.#checks > 0 && [...edited].every((file) => this.#states.has(file) && isFile(file));
    if (!known) return this.check();
    return this.#check(started, this.#known, edited);
  }

  /**
   * Checks `files`, in this order. With `edited`, only those are looked at again; every other file keeps its state
   * from the last check without being looked at.
   */
  async #check(
    started: number,
    files: readonly string[],
    edited: ReadonlySet<string> | undefined,
  ): Promise<CheckResult> {
    const discovered = performance.now();
    this.#options.onFiles?.(files);

    // A first check of a large tree with a cold cache: boot the workers now and hand them files in chunks while
    // this thread is still reading the rest.
    const coldStart = this.#states.size === 0 && this.#cache.size < files.length - POOL_THRESHOLD;
    const early = coldStart && files.length >= POOL_THRESHOLD && this.#workers !== 0 && !this.#poolFailed;
    if (early) this.#pool.start();
    const chunks: Promise<FileFacts[]>[] = [];
    let chunk: FactsJob[] = [];
    let parsedSoFar = 0;
    const dispatch = (): void => {
      let reported = 0;
      chunks.push(
        this.#pool.extract(chunk, (done) => {
          parsedSoFar += done - reported;
          reported = done;
          this.#options.onProgress?.(parsedSoFar, files.length);
        }),
      );
      chunk = [];
    };
    const next = new Map<string, FileState>();
    const stampsBefore = this.#states.size === 0 ? this.#cache.stampCount : this.#states.size;
    let read = 0;
    const pending: { file: string; mtimeMs: number; size: number; key: string; source: string }[] = [];
    // Without workers, each new file's facts are extracted as soon as it is read, so its text dies young: holding
    // every text until all were read made each garbage collection copy them all again.
    const inline = !early && (this.#workers === 0 || this.#poolFailed);
    /** Content keys extracted inline in this check: a second file with the same content reuses them. */
    const extractedNow = new Set<string>();
    let parsedInline = 0;
    let looked = 0;
    for (const file of files) {
      looked++;
      const kept = edited === undefined || edited.has(file) ? undefined : this.#states.get(file);
      if (kept !== undefined) {
        next.set(file, kept);
        continue;
      }
      const stat = statSync(file, { throwIfNoEntry: false });
      if (stat === undefined) continue; // deleted since it was listed: it is simply not part of this check
      const known = this.#stale.has(file) ? undefined : this.#states.get(file);
      if (known !== undefined && known.mtimeMs === stat.mtimeMs && known.size === stat.size) {
        next.set(file, known);
        continue;
      }
      const stamp = known === undefined ? this.#cache.stamp(file) : undefined;
      const stamped =
        stamp?.mtimeMs === stat.mtimeMs && stamp.size === stat.size ? this.#cache.get(stamp.key) : undefined;
      if (stamp !== undefined && stamped !== undefined) {
        next.set(file, { mtimeMs: stat.mtimeMs, size: stat.size, key: stamp.key, facts: stamped });
        continue;
      }
      const keyed = readKeyedSource(file, { size: stat.size });
      if (keyed === undefined) continue;
      read++;
      const { source, key } = keyed;
      const facts = known?.key === key ? known.facts : this.#cache.get(key);
      if (facts !== undefined) {
        next.set(file, { mtimeMs: stat.mtimeMs, size: stat.size, key, facts });
        if (extractedNow.has(key)) parsedInline++; // new to this check, like its twin: counted as parsed
      } else if (inline) {
        const extracted = await this.#extractHere(file, source);
        this.#cache.set(key, extracted);
        extractedNow.add(key);
        next.set(file, { mtimeMs: stat.mtimeMs, size: stat.size, key, facts: extracted });
        if (++parsedInline % 50 === 0) this.#options.onProgress?.(looked, files.length);
      } else {
        const job = { file, mtimeMs: stat.mtimeMs, size: stat.size, key, source };
        pending.push(job);
        if (early) chunk.push(job);
        if (chunk.length >= EARLY_CHUNK) dispatch();
      }
    }
    if (chunk.length > 0) dispatch();
    this.#stale.clear();
    const extracted = await this.#collect(chunks, pending);
    pending.forEach((job, i) => {
      const facts = extracted[i];
      if (facts === undefined) return;
      this.#cache.set(job.key, facts);
      next.set(job.file, { mtimeMs: job.mtimeMs, size: job.size, key: job.key, facts });
    });
    const fileSetChanged = next.size !== this.#states.size || [...next.keys()].some((file) => !this.#states.has(file));
    if (fileSetChanged) this.#resolver.clear();
    this.#states = new Map(files.flatMap((file) => (next.has(file) ? [[file, next.get(file) as FileState]] : [])));
    this.#known = [...this.#states.keys()];
    this.#cache.prune(new Set([...this.#states.values()].map((state) => state.key)));
    const factsDone = performance.now();

    const { config } = this.#options;
    // A file whose header says a tool wrote it is left out, like the generated/ folders the globs exclude.
    const facts = new Map<string, FileFacts>();
    let generated = 0;
    for (const [file, state] of this.#states) {
      if (config.skipGeneratedHeaders && state.facts.generated === true) generated++;
      else facts.set(file, state.facts);
    }
    const shapesRead = ALL_RULES.some((rule) => rule.readsShapes === true && config.rules[rule.id] !== 'off');
    const shapes = shapesRead
      ? this.#shapes.compare(this.#states, (jobs) => this.#computeShapes(jobs))
      : Promise.resolve(NO_SHAPES);
    const findings = await this.#runRules(facts, shapes);
    const rulesDone = performance.now();

    this.#cache.shapes = this.#shapes.known;
    // Save when anything had to be read or computed, or files came or went since the stamps were saved: at once after
    // the first check (a one-shot run), on close after later ones (so a watch re-check never waits for the write).
    this.#cacheDirty ||= read > 0 || stampsBefore !== this.#states.size || this.#shapes.computed > 0;
    if (this.#checks++ === 0) this.#saveCache();

    const unresolved: UnresolvedSite[] = [];
    const parseProblems: ParseProblem[] = [];
    const declared = new Set<string>();
    for (const [file, fileFacts] of facts) {
      for (const declaration of fileFacts.declarations) {
        if (declaration.entryPoint !== true) declared.add(declaration.name);
      }
      for (const site of fileFacts.newSites) {
        if (site.callee === undefined)
          unresolved.push({ file, line: site.line, column: site.column, expression: site.text });
      }
      for (const message of fileFacts.parseErrors) parseProblems.push({ file, message });
    }
    const { baseline } = this.#options;
    const relative = this.relative.bind(this);
    return {
      files: facts.size,
      parsed: pending.length + parsedInline,
      generated,
      findings,
      ...(baseline === undefined
        ? {}
        : {
            fixed: baseline.fixed(
              findings.map((finding) => ({
                fingerprint: finding.fingerprint,
                copies: baselineCopies(finding, relative),
              })),
            ),
          }),
      unresolved,
      parseProblems,
      score: computeScore(declared, findings, new Set(parseProblems.map((problem) => problem.file)).size),
      timings: {
        discover: discovered - started,
        facts: factsDone - discovered,
        rules: rulesDone - factsDone,
        total: rulesDone - started,
      },
    };
  }

  /** The path of `file` relative to the root, with `/`, as reports and fingerprints use it. */
  relative(file: string): string {
    let path = this.#relativePaths.get(file);
    if (path === undefined) {
      path = toPosix(relative(this.#root, file));
      this.#relativePaths.set(file, path);
    }
    return path;
  }

  /** Saves the facts cache if it changed, and stops the worker pool. Idempotent. */
  async close(): Promise<void> {
    this.#saveCache();
    await this.#pool.close();
  }

  #saveCache(): void {
    if (!this.#cacheDirty) return;
    this.#cacheDirty = false;
    this.#cache.save(this.#states);
  }

  /** The facts of `pending`: from the chunks already on the workers, or extracted now if there are none. */
  async #collect(chunks: readonly Promise<FileFacts[]>[], pending: readonly FactsJob[]): Promise<FileFacts[]> {
    if (chunks.length === 0) return this.#extract(pending);
    try {
      return (await Promise.all(chunks)).flat();
    } catch {
      await this.#abandonPool(); // see #extract: parse here instead
      return this.#extract(pending);
    }
  }

  /**
   * The front ends, ready for `files`. Loaded on first use: a warm run, or one whose parsing all happens on
   * workers, never loads the parser on this thread.
   */
  async #frontEndsFor(files: readonly string[]): Promise<typeof import('./front-ends.js')> {
    this.#frontEnds ??= await import('./front-ends.js');
    await this.#frontEnds.prepareFrontEnds(files);
    return this.#frontEnds;
  }

  /** The facts of one file, extracted on this thread. */
  async #extractHere(file: string, source: string): Promise<FileFacts> {
    return safeExtract((await this.#frontEndsFor([file])).extractFileFacts, file, source);
  }

  async #extract(jobs: readonly FactsJob[]): Promise<FileFacts[]> {
    const progress = this.#options.onProgress;
    if (jobs.length >= POOL_THRESHOLD && this.#workers !== 0 && !this.#poolFailed) {
      try {
        return await this.#pool.extract(jobs, (done) => progress?.(done, jobs.length));
      } catch {
        // Workers could not start (e.g. a bundler dropped facts-worker.js): parse here instead, slower but complete.
        await this.#abandonPool();
      }
    }
    if (jobs.length === 0) return [];
    const { extractFileFacts } = await this.#frontEndsFor(jobs.map((job) => job.file));
    return jobs.map((job, i) => {
      const facts = safeExtract(extractFileFacts, job.file, job.source);
      if (progress !== undefined && (i % 50 === 49 || i === jobs.length - 1)) progress(i + 1, jobs.length);
      return facts;
    });
  }

  /** Stops the workers for good after they failed: from now on this thread does their work. */
  async #abandonPool(): Promise<void> {
    this.#poolFailed = true;
    await this.#pool.close();
  }

  /** Exact shapes on the workers when they are up (a cold check), else here: starting them would cost more. */
  async #computeShapes(jobs: readonly ShapeJob[]): Promise<readonly ShapeResults[]> {
    if (this.#pool.running && !this.#poolFailed) {
      try {
        return await this.#pool.shapes(jobs);
      } catch {
        await this.#abandonPool(); // as in #extract: compute here instead
      }
    }
    // Loaded on first use: a tree without shared sketches never loads the parser on this thread.
    const [{ jobsShapes }] = await Promise.all([
      import('./file-shapes.js'),
      this.#frontEndsFor(jobs.map((j) => j.file)),
    ]);
    return jobsShapes(jobs);
  }

  /** Runs the rules; those that read exact shapes last, so the shapes are computed while the others run. */
  async #runRules(
    files: ReadonlyMap<string, FileFacts>,
    shapes: Promise<ReadonlyMap<DeclarationFact, Shape>>,
  ): Promise<Finding[]> {
    const { config, baseline } = this.#options;
    const base = {
      files,
      graph: new SymbolGraph(files, this.#resolver),
      config,
      relative: (file: string) => this.relative(file),
    };
    const ordered = [...ALL_RULES].sort((a, b) => Number(a.readsShapes === true) - Number(b.readsShapes === true));
    let known: ReadonlyMap<DeclarationFact, Shape> | undefined;
    const findings: Finding[] = [];
    for (const rule of ordered) {
      const setting = config.rules[rule.id];
      if (setting === 'off') continue;
      if (rule.readsShapes === true) known ??= await shapes;
      const context: RuleContext = { ...base, shapes: known ?? NO_SHAPES };
      for (const finding of rule.check(context)) {
        const baselined = baseline?.accepts(finding.fingerprint, baselineCopies(finding, this.relative.bind(this)));
        findings.push({ ...finding, severity: setting, baselined: baselined ?? false });
      }
    }
    return findings.sort(
      (a, b) =>
        RULE_IDS.indexOf(a.rule) - RULE_IDS.indexOf(b.rule) ||
        compare(a.location.file, b.location.file) ||
        a.location.line - b.location.line ||
        a.location.column - b.location.column,
    );
  }
}

/** The shapes a rule sees when it does not read them, or when no rule does. */
const NO_SHAPES: ReadonlyMap<DeclarationFact, Shape> = new Map();

function compare(a: string, b: string): number {
  return a < b ? -1 : a > b ? 1 : 0;
}

/** True when `path` exists and is a file. */
function isFile(path: string): boolean {
  return statSync(path, { throwIfNoEntry: false })?.isFile() === true;
}
