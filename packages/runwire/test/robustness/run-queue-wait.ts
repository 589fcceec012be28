import { readFileSync } from 'node:fs';

/**
 * How long the main thread of process `pid` has waited so far for a CPU while ready to run (Linux
 * `/proc/<pid>/schedstat`, second field), in ms; `undefined` where the kernel does not say. The difference over a
 * storm says how much of an event-loop delay was the machine's: a process that waited 300 ms in the run queue during
 * a 700 ms storm was held up by other processes, not by its own work.
 */
export function runQueueWaitMs(pid: number | 'self'): number | undefined {
  try {
    const waitedNs = Number(readFileSync(`/proc/${pid}/schedstat`, 'utf8').split(' ')[1]);
    return Number.isFinite(waitedNs) ? waitedNs / 1e6 : undefined;
  } catch {
    return undefined;
  }
}

/** What the server and the bystander (this process) waited for a CPU during a measurement, in ms. */
export interface RunQueueWait {
  readonly serverMs: number;
  readonly bystanderMs: number;
}

/** Starts counting the run-queue waits of the server and of this process; `read()` gives them since the start. */
export class RunQueueWaits {
  readonly #serverPid: number;
  readonly #server: number | undefined;
  readonly #self: number | undefined;

  constructor(serverPid: number) {
    this.#serverPid = serverPid;
    this.#server = runQueueWaitMs(serverPid);
    this.#self = runQueueWaitMs('self');
  }

  /** The waits since construction; `undefined` where the kernel does not report them. */
  read(): RunQueueWait | undefined {
    const server = runQueueWaitMs(this.#serverPid);
    const self = runQueueWaitMs('self');
    if (this.#server === undefined || this.#self === undefined || server === undefined || self === undefined) {
      return undefined;
    }
    return { serverMs: server - this.#server, bystanderMs: self - this.#self };
  }
}

/** E.g. `run-queue wait: server 42 ms, bystander 17 ms`. */
export function describeRunQueueWait(wait: RunQueueWait | undefined): string {
  if (wait === undefined) return 'run-queue wait: not reported';
  return `run-queue wait: server ${Math.round(wait.serverMs)} ms, bystander ${Math.round(wait.bystanderMs)} ms`;
}
