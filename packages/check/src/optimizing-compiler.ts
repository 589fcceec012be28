import { setFlagsFromString } from 'node:v8';
import { isPythonFile } from './python/python-file.js';

/**
 * Maglev optimizes by default from V8 13 on (Node 24). Node 22's V8 12 leaves it off, so there TurboFan is the only
 * optimizing compiler, and holding it back made a cold check slower (1.38 → 1.70 s on the same corpus).
 */
const MAGLEV_BY_DEFAULT = Number(process.versions.v8.split('.')[0]) >= 13;

/** Flags with which whoever started the process already chose how V8 optimizes: then it is left as they chose. */
const CHOSEN_TIERING = /--(?:no-)?(?:turbofan|maglev|jitless|max-opt|always-turbofan)\b/;

/**
 * Holds back V8's top optimizing compiler (TurboFan) until the returned function is called; Maglev, the mid-tier
 * compiler, still optimizes. For a one-shot check, and the first check of a watch (release it after). Only where
 * Maglev is on by default (Node 24), not when the process was started with flags that choose the tiers, and only
 * for `files` mostly TypeScript and JavaScript: a Python check's hot code is small functions around tree-sitter's
 * WebAssembly, which TurboFan compiles once and well (held back, the standard library took 5% longer).
 *
 * Why: a cold check runs each of a few large, branchy functions (the blanking scan, oxc's deserialisers) over
 * thousands of different files for about a second. TurboFan compiles them, the next file takes a branch the
 * compiled code never saw, the code is thrown away, and TurboFan compiles them again: on the 2,010-file benchmark
 * corpus, 79 TurboFan compilations of about 600 ms of CPU on V8's background threads (the blanking scan alone 10
 * times, 25–57 ms each), which then take the CPU the garbage collector and this thread needed. Held back: 1.19 →
 * 1.00 s wall, 1.82 → 1.35 s CPU (2 CPUs, means of four interleaved runs). On a longer check (8,974 files, 4 s) the
 * wall time is the same either way and the CPU time 10% less.
 *
 * While held, Maglev's code keeps the checks that let it move on to TurboFan, so after the release a long-lived
 * process (watch mode) still reaches TurboFan for what stays hot. It is a flag of the whole process: CLI only.
 *
 * @returns the release, idempotent
 */
export function holdOptimizingCompiler(
  files: readonly string[],
  startedWith: string = [...process.execArgv, process.env.NODE_OPTIONS ?? ''].join(' '),
): () => void {
  const python = files.reduce((count, file) => count + (isPythonFile(file) ? 1 : 0), 0);
  if (!MAGLEV_BY_DEFAULT || CHOSEN_TIERING.test(startedWith) || python * 2 >= files.length) return () => undefined;
  setFlagsFromString('--no-turbofan');
  setFlagsFromString('--force-emit-interrupt-budget-checks');
  let held = true;
  return () => {
    if (!held) return;
    held = false;
    setFlagsFromString('--turbofan');
    setFlagsFromString('--no-force-emit-interrupt-budget-checks');
  };
}
