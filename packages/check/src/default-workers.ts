import { availableParallelism, loadavg } from 'node:os';

/**
 * Worker threads for a cold scan when none are asked for: one per CPU but one (the main thread reads the files
 * meanwhile), less one per CPU other processes keep busy (the one-minute load average), so 0 on a loaded machine.
 * A worker without a free CPU only adds its start-up, a second copy of the parser's compiled code and the copying of
 * every file and its facts between threads: measured on a shared 2-CPU machine, the main thread alone was faster.
 *
 * @example
 * defaultWorkers(8, 0.5); // 7
 * defaultWorkers(2, 1.7); // 0
 */
export function defaultWorkers(cpus: number = availableParallelism(), load: number = loadavg()[0] ?? 0): number {
  return Math.max(0, Math.min(cpus - 1, Math.floor(cpus - load)));
}
