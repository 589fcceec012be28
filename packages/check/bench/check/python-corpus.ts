// The Python part of `npm run bench:check`: `runwire check` cold and warm on the Python standard library's own .py
// files (Debian's python3 package, /usr/lib/python3.X; else a pyenv Python's lib), each as a child process, best and
// median of five. Target: ≥1,000 files/s cold, whole process including start-up. On its own, against dist/ (after
// `npm run build`): npx tsx bench/check/python-corpus.ts
import { spawnSync } from 'node:child_process';
import {
  copyFileSync,
  existsSync,
  mkdirSync,
  mkdtempSync,
  readdirSync,
  readFileSync,
  rmSync,
  statSync,
  writeFileSync,
} from 'node:fs';
import { tmpdir } from 'node:os';
import { dirname, join, relative } from 'node:path';
import { fileURLToPath, pathToFileURL } from 'node:url';
import { fasterOfTheTwo, JSCPD, jscpdArgs } from './jscpd.js';
import { median } from './median.js';

/** Where a Python standard library may be: Debian's first (`apt-get install -y python3`), then pyenv's. */
function findStandardLibrary(): string | undefined {
  const candidates: string[] = [];
  for (const parent of ['/usr/lib', ...pyenvLibs()]) {
    let entries: string[] = [];
    try {
      entries = readdirSync(parent);
    } catch {
      continue;
    }
    for (const entry of entries.sort().reverse()) {
      if (/^python3\.\d+$/.test(entry) && existsSync(join(parent, entry, 'os.py')))
        candidates.push(join(parent, entry));
    }
  }
  return process.env.RUNWIRE_BENCH_PYTHON_LIB ?? candidates[0];
}

function pyenvLibs(): string[] {
  const versions = join(process.env.PYENV_ROOT ?? '/root/.pyenv', 'versions');
  try {
    return readdirSync(versions)
      .sort()
      .reverse()
      .map((version) => join(versions, version, 'lib'));
  } catch {
    return [];
  }
}

/** Every .py file under `dir` (site-packages, the installed third-party code, left out), copied into a fresh folder. */
function copyPythonFiles(dir: string): { dir: string; files: number; bytes: number } {
  const target = mkdtempSync(join(tmpdir(), 'runwire-check-bench-python-'));
  let files = 0;
  let bytes = 0;
  const walk = (folder: string): void => {
    for (const entry of readdirSync(folder).sort()) {
      if (entry === 'site-packages' || entry === 'dist-packages' || entry === '__pycache__') continue;
      const full = join(folder, entry);
      const stat = statSync(full, { throwIfNoEntry: false });
      if (stat?.isDirectory()) walk(full);
      else if (stat?.isFile() && entry.endsWith('.py')) {
        const copy = join(target, relative(dir, full));
        mkdirSync(dirname(copy), { recursive: true });
        copyFileSync(full, copy);
        files++;
        bytes += stat.size;
      }
    }
  };
  walk(dir);
  return { dir: target, files, bytes };
}

/**
 * Runs `runwire check` on the Python corpus and prints files per second, cold and warm, with jscpd on the same files
 * in the same rounds: the target is an absolute rate, which moves with the machine (the same checker measured 957
 * and 659 files/s on two machines of one kind), so the run also says how it compares with a baseline timed beside it.
 *
 * @param command - the check command to run, as `node` arguments (e.g. `[cli.js, 'check']`)
 */
export function benchPythonCorpus(command: readonly string[]): void {
  const library = findStandardLibrary();
  if (library === undefined) {
    console.log('\npython corpus: no Python standard library found (apt-get install -y python3); skipped');
    return;
  }
  const corpus = copyPythonFiles(library);
  const work = mkdtempSync(join(tmpdir(), 'runwire-check-bench-python-work-'));
  try {
    const config = join(work, 'runwire.config.json');
    writeFileSync(config, JSON.stringify({ defaultExcludes: false })); // the standard library's own tests count too
    const cache = join(work, 'facts-cache.json');
    const output = join(work, 'report.json');
    const args = [...command, corpus.dir, '--config', config, '--cache', cache, '--format', 'json', '--output', output];
    const cpuFile = join(work, 'cpu.txt');
    const run = (): { ms: number; cpuMs: number; files: number; parsed: number } => {
      const started = performance.now();
      // --allow-parse-errors: a standard library may hold files of another Python (lib2to3's test data). GNU time
      // gives the CPU time of the process and its threads, which other load on the machine inflates far less.
      const result = spawnSync(
        '/usr/bin/time',
        ['-f', '%U %S', '-o', cpuFile, process.execPath, ...args, '--allow-parse-errors'],
        { encoding: 'utf8' },
      );
      const ms = performance.now() - started;
      if (result.status !== 0 && result.status !== 1) {
        throw new Error(`runwire check on Python failed (status ${result.status}): ${result.stderr.slice(0, 2000)}`);
      }
      const { summary } = JSON.parse(readFileSync(output, 'utf8')) as { summary: { files: number; parsed: number } };
      const [user = Number.NaN, system = Number.NaN] = (readFileSync(cpuFile, 'utf8').trim().split('\n').at(-1) ?? '')
        .split(/\s+/)
        .map(Number);
      return { ms, cpuMs: (user + system) * 1000, ...summary };
    };
    const runJscpd = (): number => {
      const started = performance.now();
      const result = spawnSync(JSCPD, jscpdArgs(corpus.dir, join(work, 'jscpd')));
      if (result.status !== 0) throw new Error(`jscpd on Python failed (status ${result.status}): ${result.stderr}`);
      return performance.now() - started;
    };
    const cold: number[] = [];
    const coldCpu: number[] = [];
    const warm: number[] = [];
    const jscpd: number[] = [];
    let lastCold = { files: 0, parsed: 0 };
    for (let round = 0; round < 5; round++) {
      rmSync(cache, { force: true });
      const first = run();
      cold.push(first.ms);
      coldCpu.push(first.cpuMs);
      lastCold = first;
      warm.push(run().ms);
      if (existsSync(JSCPD)) jscpd.push(runJscpd());
    }
    if (lastCold.files !== corpus.files || lastCold.parsed !== corpus.files) {
      throw new Error(`unexpected Python summary: ${JSON.stringify(lastCold)} for ${corpus.files} files`);
    }
    const rate = (ms: number): string => (corpus.files / (ms / 1000)).toFixed(0);
    const coldMedian = median(cold);
    const warmMedian = median(warm);
    const load = readFileSync('/proc/loadavg', 'utf8').split(' ').slice(0, 3).join(' ');
    console.log(
      `\npython corpus: ${corpus.files} files, ${(corpus.bytes / 1024 / 1024).toFixed(1)} MiB, from ${library} (Node ${process.versions.node}, load ${load})`,
    );
    console.log(
      `  cold (no cache): best ${Math.min(...cold).toFixed(0)} ms = ${rate(Math.min(...cold))} files/s, median ${coldMedian.toFixed(0)} ms = ${rate(coldMedian)} files/s (5 runs); CPU (user + system, all threads) best ${Math.min(...coldCpu).toFixed(0)} ms`,
    );
    console.log(
      `  warm (facts cache): best ${Math.min(...warm).toFixed(0)} ms = ${rate(Math.min(...warm))} files/s, median ${warmMedian.toFixed(0)} ms`,
    );
    if (jscpd.length > 0) {
      const jscpdMedian = median(jscpd);
      console.log(
        `  jscpd, same files, same rounds (for information): best ${Math.min(...jscpd).toFixed(0)} ms, median ${jscpdMedian.toFixed(0)} ms: ${fasterOfTheTwo(Math.min(...cold), Math.min(...jscpd))} / ${fasterOfTheTwo(coldMedian, jscpdMedian)}`,
      );
    }
    const best = corpus.files / (Math.min(...cold) / 1000);
    console.log(`  target: python cold ≥ 1000 files/s: ${best.toFixed(0)} files/s ${best >= 1000 ? 'MET' : 'NOT MET'}`);
  } finally {
    rmSync(corpus.dir, { recursive: true, force: true });
    rmSync(work, { recursive: true, force: true });
  }
}

if (process.argv[1] !== undefined && import.meta.url === pathToFileURL(process.argv[1]).href) {
  benchPythonCorpus([fileURLToPath(new URL('../../bin/runwire-check.js', import.meta.url))]);
}
