import { readFileSync } from 'node:fs';

/**
 * How long the main thread of process `pid` has waited so far for a CPU while ready to run (Linux
 * `/proc/<pid>/schedstat`, second field), in ms; `undefined` where the kernel does not say. The difference over a
 * storm says how much of an event-loop delay was the machine's: a process that waited 300 ms in the run queue during
 * a 700 ms storm was delayed by other processes, not by its own work.
 */
export function runQueueWaitMs(pid: number | 'self'): number | undefined {
  try {
    const waitedNs = Number(readFileSync(`/proc/${pid}/schedstat`, 'utf8').split(' ')[1]);
    return Number.isFinite(waitedNs) ? waitedNs / 1e6 : undefined;
  } catch {
    return undefined;
  }
}

/** Run-queue waits of the server and of this (the bystander's) process from the call on; `read()` says them in words. */
export class RunQueueWaits {
  readonly #serverPid: number;
  readonly #server: number | undefined;
  readonly #self: number | undefined;

  constructor(serverPid: number) {
    this.#serverPid = serverPid;
    this.#server = runQueueWaitMs(serverPid);
    this.#self = runQueueWaitMs('self');
  }

  /** E.g. `run-queue wait: server 42 ms, bystander 17 ms`, or `run-queue wait: not reported` off Linux. */
  read(): string {
    const server = since(this.#server, runQueueWaitMs(this.#serverPid));
    const self = since(this.#self, runQueueWaitMs('self'));
    if (server === undefined || self === undefined) return 'run-queue wait: not reported';
    return `run-queue wait: server ${Math.round(server)} ms, bystander ${Math.round(self)} ms`;
  }
}

function since(before: number | undefined, now: number | undefined): number | undefined {
  return before === undefined || now === undefined ? undefined : now - before;
}
