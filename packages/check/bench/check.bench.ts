// npm run bench:check — runs, in one run and on one corpus of real sources from installed npm packages:
// `runwire check` cold (no cache) and warm (facts cache on disk), jscpd, and dependency-cruiser, each as a child
// process, then the re-check time of a long-lived checker (the --watch engine) after editing one file of 800.
// Prints files per second and ratios. Targets: ≥1,000 files/s cold; ≥5× faster than dependency-cruiser; a re-check
// after one edit under 300 ms. Then the Python corpus (see check/python-corpus.ts).
import { spawnSync } from 'node:child_process';
import { appendFileSync, mkdtempSync, readFileSync, rmSync, writeFileSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { fileURLToPath } from 'node:url';
import { compileCheckConfig } from '../src/check-config.js';
import { Checker } from '../src/checker.js';
import { buildCorpus } from './check/corpus.js';
import { benchPythonCorpus } from './check/python-corpus.js';

/** The checker's package folder. */
const ROOT = fileURLToPath(new URL('..', import.meta.url));
/** npm workspaces hoist every dependency (the checker's, and the tools compared against it) to the repository root. */
const NODE_MODULES = join(ROOT, '..', '..', 'node_modules');
const BIN = join(NODE_MODULES, '.bin');
const work = mkdtempSync(join(tmpdir(), 'runwire-check-bench-'));

interface Timed {
  /** Wall-clock time of the whole process. */
  readonly ms: number;
  /** User + system CPU time of the process and its threads (GNU time): less sensitive to other load. */
  readonly cpuMs: number;
}

const cpuFile = join(work, 'cpu.txt');

function run(tool: string, command: string, args: readonly string[]): Timed {
  const started = performance.now();
  const result = spawnSync('/usr/bin/time', ['-f', '%U %S', '-o', cpuFile, command, ...args], {
    cwd: work,
    encoding: 'utf8',
    maxBuffer: 256 * 1024 * 1024,
  });
  const ms = performance.now() - started;
  if (result.error !== undefined || (result.status !== 0 && result.status !== 1)) {
    throw new Error(
      `${tool} failed (status ${result.status}): ${result.error?.message ?? result.stderr.slice(0, 2000)}`,
    );
  }
  // The last line: GNU time puts 'Command exited with non-zero status 1' before it.
  const last = readFileSync(cpuFile, 'utf8').trim().split('\n').at(-1) ?? '';
  const [user = Number.NaN, system = Number.NaN] = last.split(/\s+/).map(Number);
  return { ms, cpuMs: (user + system) * 1000 };
}

function median(values: readonly number[]): number {
  const sorted = [...values].sort((a, b) => a - b);
  return sorted[Math.floor(sorted.length / 2)] ?? Number.NaN;
}

// 1. Compile the checker to plain JavaScript (inside node_modules/.cache so its imports resolve), as it ships.
const build = join(NODE_MODULES, '.cache', 'runwire-check-bench');
rmSync(build, { recursive: true, force: true });
const tsc = spawnSync(
  process.execPath,
  [
    join(NODE_MODULES, 'typescript', 'bin', 'tsc'),
    ...['--outDir', build, '--rootDir', ROOT, '--module', 'NodeNext', '--moduleResolution', 'NodeNext'],
    ...['--target', 'ES2023', '--skipLibCheck', '--types', 'node', '--declaration', 'false', '--sourceMap', 'false'],
    join(ROOT, 'test', 'run-cli.ts'), // the check command alone, as the CLI tests run it
    join(ROOT, 'src', 'facts-worker.ts'), // loaded by URL, so not reached through imports
  ],
  { encoding: 'utf8' },
);
if (tsc.status !== 0) throw new Error(`compiling the checker failed:\n${tsc.stdout}${tsc.stderr}`);
const cli = join(build, 'test', 'run-cli.js');

// 2. The corpus: every tool reads these files and only these.
const corpus = buildCorpus(NODE_MODULES, 'corpus');
const files = corpus.files.length;
const config = join(work, 'runwire.config.json');
writeFileSync(config, JSON.stringify({ defaultExcludes: false })); // the corpus is all vendored code: check it all
const cache = join(work, 'facts-cache.json');
const checkArgs = [cli, 'check', corpus.dir, '--config', config, '--cache', cache, '--format', 'json'];
console.log(`corpus: ${files} files, ${(corpus.bytes / 1024 / 1024).toFixed(1)} MiB, in ${corpus.dir}`);
console.log(
  `machine: ${spawnSync('nproc', { encoding: 'utf8' }).stdout.trim()} CPUs, load ${readFileSync('/proc/loadavg', 'utf8').split(' ').slice(0, 3).join(' ')}`,
);

// 3. The tools, each as a child process, best of three (cold runs delete the cache first).
const rounds = 3;
const timings: Record<string, Timed[]> = { cold: [], warm: [], jscpd: [], depcruise: [] };
for (let round = 0; round < rounds; round++) {
  rmSync(cache, { force: true });
  timings.cold?.push(
    run('runwire check (cold)', process.execPath, [...checkArgs, '--output', join(work, 'cold.json')]),
  );
  timings.warm?.push(
    run('runwire check (warm)', process.execPath, [...checkArgs, '--output', join(work, 'warm.json')]),
  );
  timings.jscpd?.push(
    run('jscpd', join(BIN, 'jscpd'), [corpus.dir, '--reporters', 'json', '--output', join(work, 'jscpd'), '--silent']),
  );
  timings.depcruise?.push(
    run('dependency-cruiser', join(BIN, 'depcruise'), [
      corpus.dir,
      '--no-config',
      '--output-type',
      'json',
      '--output-to',
      join(work, 'depcruise.json'),
    ]),
  );
}
const cold = JSON.parse(readFileSync(join(work, 'cold.json'), 'utf8')) as {
  summary: { files: number; parsed: number };
};
const warm = JSON.parse(readFileSync(join(work, 'warm.json'), 'utf8')) as {
  summary: { files: number; parsed: number };
};
if (cold.summary.files !== files || cold.summary.parsed !== files || warm.summary.parsed !== 0) {
  throw new Error(
    `unexpected runwire summaries: cold ${JSON.stringify(cold.summary)}, warm ${JSON.stringify(warm.summary)}`,
  );
}
const best = (key: string): Timed =>
  (timings[key] ?? []).reduce((a, b) => (b.ms < a.ms ? b : a), { ms: Number.POSITIVE_INFINITY, cpuMs: Number.NaN });
const coldMs = best('cold').ms;
const rows: [string, Timed][] = [
  ['runwire check, cold (no cache)', best('cold')],
  ['runwire check, warm (facts cache)', best('warm')],
  ['jscpd', best('jscpd')],
  ['dependency-cruiser', best('depcruise')],
];
console.log(`machine load after the runs: ${readFileSync('/proc/loadavg', 'utf8').split(' ').slice(0, 3).join(' ')}`);
console.log(`\nbest of ${rounds} by wall time, whole process including start-up, ${files} files:`);
console.log(
  `${'tool'.padEnd(36)}${'wall ms'.padStart(9)}${'files/s'.padStart(9)}${'CPU ms'.padStart(9)}  ratio (wall)`,
);
for (const [index, [tool, timed]] of rows.entries()) {
  const ratio = timed.ms / coldMs;
  const ratioText =
    index === 0
      ? '1.00'
      : ratio >= 1
        ? `runwire cold is ${ratio.toFixed(2)}× faster`
        : `${(1 / ratio).toFixed(2)}× faster than runwire cold`;
  const rate = files / (timed.ms / 1000);
  console.log(
    `${tool.padEnd(36)}${timed.ms.toFixed(0).padStart(9)}${rate.toFixed(0).padStart(9)}${timed.cpuMs.toFixed(0).padStart(9)}  ${ratioText}`,
  );
}

// 4. Re-check after editing one file of 800 in a long-lived checker (what --watch does).
const small = buildCorpus(NODE_MODULES, 'corpus-800', 800);
const checker = new Checker({
  paths: [small.dir],
  config: compileCheckConfig({ defaultExcludes: false }, small.dir),
  root: small.dir,
});
const first = await checker.check();
const edited = small.files.find((file) => file.endsWith('.ts') && !file.endsWith('.d.ts')) ?? small.files[0] ?? '';
const recheck: number[] = [];
let reparsed = 0;
for (let i = 0; i < 7; i++) {
  appendFileSync(edited, `\nexport function benchEdit${i}(value: number): number {\n  return value * ${i};\n}\n`);
  const started = performance.now();
  checker.invalidate([edited]); // what the watcher does with the path it was told about
  const result = await checker.check();
  recheck.push(performance.now() - started);
  reparsed = result.parsed;
}
await checker.close();
console.log(
  `\nre-check after editing one file of ${first.files} (long-lived checker, 7 edits): median ${median(recheck).toFixed(1)} ms, max ${Math.max(...recheck).toFixed(1)} ms, ${reparsed} file re-parsed each time (first full check ${first.timings.total.toFixed(0)} ms)`,
);

// 5. Targets.
const depRatio = best('depcruise').ms / coldMs;
const coldRate = files / (coldMs / 1000);
console.log('\ntargets:');
console.log(`  cold ≥ 1000 files/s: ${coldRate.toFixed(0)} files/s ${coldRate >= 1000 ? 'MET' : 'NOT MET'}`);
console.log(`  ≥ 5× faster than dependency-cruiser: ${depRatio.toFixed(2)}× ${depRatio >= 5 ? 'MET' : 'NOT MET'}`);
console.log(
  `  re-check after one edit < 300 ms: ${median(recheck).toFixed(1)} ms ${median(recheck) < 300 ? 'MET' : 'NOT MET'}`,
);

corpus.remove();
small.remove();

// 6. The Python corpus, with the same build of the checker.
benchPythonCorpus([cli, 'check']);
rmSync(work, { recursive: true, force: true });
