// npm run bench:check — runs, in one run and on one corpus of real sources from installed npm packages:
// `runwire check` cold (no cache) and warm (facts cache on disk), jscpd, and dependency-cruiser, each as a child
// process, interleaved round by round (the machine is shared: a slow spell hits every tool alike), then the re-check
// time of a long-lived checker (the --watch engine) after editing one file of the same corpus. Also, for information,
// a cold check and jscpd both held to one CPU: jscpd spreads its work over the CPUs it finds, the checker does not.
// Prints files per second, the ratios to runwire cold, and the re-check times. Targets: cold faster than jscpd;
// ≥1,000 files/s cold; ≥5× faster than dependency-cruiser; a re-check after one edit under 100 ms. Then the Python
// corpus (see check/python-corpus.ts): ≥1,000 files/s cold.
import { spawnSync } from 'node:child_process';
import { appendFileSync, mkdtempSync, readFileSync, rmSync, writeFileSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { fileURLToPath } from 'node:url';
import { compileCheckConfig } from '../src/check-config.js';
import { Checker } from '../src/checker.js';
import { buildCorpus } from './check/corpus.js';
import { fasterOfTheTwo, JSCPD, jscpdArgs } from './check/jscpd.js';
import { median } from './check/median.js';
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

// 3. The tools, each as a child process, round by round (cold runs delete the cache first).
const rounds = 5;
const timings: Record<string, Timed[]> = { cold: [], warm: [], jscpd: [], depcruise: [] };
for (let round = 0; round < rounds; round++) {
  rmSync(cache, { force: true });
  timings.cold?.push(
    run('runwire check (cold)', process.execPath, [...checkArgs, '--output', join(work, 'cold.json')]),
  );
  timings.warm?.push(
    run('runwire check (warm)', process.execPath, [...checkArgs, '--output', join(work, 'warm.json')]),
  );
  timings.jscpd?.push(run('jscpd', JSCPD, jscpdArgs(corpus.dir, join(work, 'jscpd'))));
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
const middle = (key: string): Timed => ({
  ms: median((timings[key] ?? []).map((timed) => timed.ms)),
  cpuMs: median((timings[key] ?? []).map((timed) => timed.cpuMs)),
});
const tools: [string, string][] = [
  ['runwire check, cold (no cache)', 'cold'],
  ['runwire check, warm (facts cache)', 'warm'],
  ['jscpd', 'jscpd'],
  ['dependency-cruiser', 'depcruise'],
];
console.log(`machine load after the runs: ${readFileSync('/proc/loadavg', 'utf8').split(' ').slice(0, 3).join(' ')}`);
for (const [label, pick] of [
  [`best of ${rounds}`, best],
  [`median of ${rounds}`, middle],
] as const) {
  const coldMs = pick('cold').ms;
  console.log(`\n${label} by wall time, whole process including start-up, ${files} files:`);
  console.log(
    `${'tool'.padEnd(36)}${'wall ms'.padStart(9)}${'files/s'.padStart(9)}${'CPU ms'.padStart(9)}  ratio (wall)`,
  );
  for (const [tool, key] of tools) {
    const timed = pick(key);
    const ratio = timed.ms / coldMs;
    const ratioText =
      key === 'cold'
        ? '1.00'
        : ratio >= 1
          ? `runwire cold is ${ratio.toFixed(2)}× faster`
          : `${(1 / ratio).toFixed(2)}× faster than runwire cold`;
    const rate = files / (timed.ms / 1000);
    console.log(
      `${tool.padEnd(36)}${timed.ms.toFixed(0).padStart(9)}${rate.toFixed(0).padStart(9)}${timed.cpuMs.toFixed(0).padStart(9)}  ${ratioText}`,
    );
  }
}
console.log(
  `\nevery round, wall ms (cold / jscpd / dependency-cruiser): ${timings.cold
    ?.map(
      (cold, i) =>
        `${cold.ms.toFixed(0)}/${timings.jscpd?.[i]?.ms.toFixed(0)}/${timings.depcruise?.[i]?.ms.toFixed(0)}`,
    )
    .join('  ')}`,
);
// How many CPUs each tool kept busy: the wall-time ratio against jscpd, a native tool that spreads its work over the
// CPUs it finds, follows how many are free on the machine, while the CPU times compare the work each does.
console.log(
  `CPUs kept busy (CPU time / wall time, median round): ${tools
    .map(([tool, key]) => `${tool.replace(/ \(.*\)$/, '')} ${(middle(key).cpuMs / middle(key).ms).toFixed(2)}`)
    .join(', ')}`,
);

// How the two compare on equal CPU: both held to one CPU (taskset), interleaved. Not a target: it shows how much of
// the wall-time ratio above is the work each does and how much is jscpd using more CPUs.
const pinRounds = 3;
if (spawnSync('taskset', ['-c', '0', 'true']).status === 0) {
  const pinned: Record<'cold' | 'jscpd', number[]> = { cold: [], jscpd: [] };
  for (let round = 0; round < pinRounds; round++) {
    rmSync(cache, { force: true });
    pinned.cold.push(
      run('runwire check (cold, one CPU)', 'taskset', [
        '-c',
        '0',
        process.execPath,
        ...checkArgs,
        '--output',
        join(work, 'pinned.json'),
      ]).ms,
    );
    pinned.jscpd.push(
      run('jscpd (one CPU)', 'taskset', ['-c', '0', JSCPD, ...jscpdArgs(corpus.dir, join(work, 'jscpd-pinned'))]).ms,
    );
  }
  const [coldBest, jscpdBest] = [Math.min(...pinned.cold), Math.min(...pinned.jscpd)];
  const [coldMedian, jscpdMedian] = [median(pinned.cold), median(pinned.jscpd)];
  console.log(
    `both held to one CPU (taskset, ${pinRounds} rounds, best / median): runwire cold ${coldBest.toFixed(0)} / ${coldMedian.toFixed(0)} ms, jscpd ${jscpdBest.toFixed(0)} / ${jscpdMedian.toFixed(0)} ms: ${fasterOfTheTwo(coldBest, jscpdBest)} / ${fasterOfTheTwo(coldMedian, jscpdMedian)}`,
  );
} else {
  console.log('both held to one CPU: skipped (no taskset on this machine)');
}

// 4. Re-check after editing one file of the corpus in a long-lived checker, as --watch does: the watcher reports the
// path, the checker reads that file again and re-runs the rules. Timed from the write to the new result.
const checker = new Checker({
  paths: [corpus.dir],
  config: compileCheckConfig({ defaultExcludes: false }, corpus.dir),
  root: corpus.dir,
});
const first = await checker.check();
const edited = corpus.files.find((file) => file.endsWith('.ts') && !file.endsWith('.d.ts')) ?? corpus.files[0] ?? '';
const edits = 11;
const recheck: number[] = [];
for (let i = 0; i < edits; i++) {
  const started = performance.now();
  appendFileSync(edited, `\nexport function benchEdit${i}(value: number): number {\n  return value * ${i};\n}\n`);
  const result = await checker.recheck([edited]);
  recheck.push(performance.now() - started);
  if (result.parsed !== 1 || result.files !== first.files) {
    throw new Error(`a re-check after one edit parsed ${result.parsed} of ${result.files} files; expected 1`);
  }
}
await checker.close();
const recheckMedian = median(recheck);
console.log(
  `\nre-check after editing one file of ${first.files} (long-lived checker, ${edits} edits, 1 file re-parsed each): median ${recheckMedian.toFixed(1)} ms, min ${Math.min(...recheck).toFixed(1)} ms, max ${Math.max(...recheck).toFixed(1)} ms; each: ${recheck.map((ms) => ms.toFixed(0)).join(' ')} (first full check ${first.timings.total.toFixed(0)} ms)`,
);

// 5. Targets, on the best and on the median round.
console.log('\ntargets (best round / median round):');
const verdict = (met: readonly boolean[]): string => met.map((ok) => (ok ? 'MET' : 'NOT MET')).join(' / ');
const jscpdRatios = [best, middle].map((pick) => pick('jscpd').ms / pick('cold').ms);
const depRatios = [best, middle].map((pick) => pick('depcruise').ms / pick('cold').ms);
const coldRates = [best, middle].map((pick) => files / (pick('cold').ms / 1000));
console.log(
  `  cold faster than jscpd: jscpd takes ${jscpdRatios.map((ratio) => `${ratio.toFixed(2)}×`).join(' / ')} runwire cold's time: ${verdict(jscpdRatios.map((ratio) => ratio > 1))}`,
);
console.log(
  `  cold ≥ 1000 files/s: ${coldRates.map((rate) => rate.toFixed(0)).join(' / ')} files/s: ${verdict(coldRates.map((rate) => rate >= 1000))}`,
);
console.log(
  `  ≥ 5× faster than dependency-cruiser: ${depRatios.map((ratio) => `${ratio.toFixed(2)}×`).join(' / ')}: ${verdict(depRatios.map((ratio) => ratio >= 5))}`,
);
console.log(
  `  re-check after one edit < 100 ms (median of ${edits}): ${recheckMedian.toFixed(1)} ms: ${verdict([recheckMedian < 100])}`,
);

corpus.remove();

// The Python corpus, with the same build of the checker.
benchPythonCorpus([cli, 'check']);
rmSync(work, { recursive: true, force: true });
