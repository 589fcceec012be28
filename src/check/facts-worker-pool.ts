import { availableParallelism } from 'node:os';
import { Worker } from 'node:worker_threads';
import type { FileFacts } from './facts.js';

/** One file to extract facts from. */
export interface FactsJob {
  readonly file: string;
  readonly source: string;
}

/** A batch sent to a worker. */
export interface FactsBatch {
  readonly id: number;
  readonly jobs: readonly FactsJob[];
}

/** A worker's answer to a batch, facts in job order. */
export interface FactsBatchResult {
  readonly id: number;
  readonly facts: readonly FileFacts[];
}

/** Jobs per message: large enough to amortise messaging, small enough to balance the workers. */
const BATCH_SIZE = 32;

/** One worker and the batches it has been sent and not yet answered. */
interface WorkerSlot {
  readonly worker: Worker;
  readonly waiting: Map<number, { resolve: (facts: readonly FileFacts[]) => void; reject: (error: Error) => void }>;
  /** Jobs sent and not yet answered: new batches go to the least loaded worker. */
  queued: number;
}

/**
 * A pool of worker threads that extract facts in parallel. Started lazily (or early with {@link start}), so a warm
 * re-check that parses a handful of files never pays for it. Several {@link extract} calls may run at once, so a
 * caller can hand over files while it is still reading others. {@link close} is idempotent.
 */
export class FactsWorkerPool {
  readonly #size: number;
  #slots: WorkerSlot[] | undefined;
  #nextId = 0;
  #closed = false;

  /** @param size - number of workers; @default the number of CPUs */
  constructor(size: number = availableParallelism()) {
    this.#size = Math.max(1, size);
  }

  /** Extracts facts for every job, in job order. `onDone` is called with the number of these jobs finished so far. */
  async extract(jobs: readonly FactsJob[], onDone?: (done: number) => void): Promise<FileFacts[]> {
    if (this.#closed) throw new Error('FactsWorkerPool is closed; create a new pool');
    const slots = this.#start();
    let done = 0;
    const batches: Promise<readonly FileFacts[]>[] = [];
    for (let start = 0; start < jobs.length; start += BATCH_SIZE) {
      const batch: FactsBatch = { id: this.#nextId++, jobs: jobs.slice(start, start + BATCH_SIZE) };
      const slot = slots.reduce((least, candidate) => (candidate.queued < least.queued ? candidate : least));
      batches.push(
        send(slot, batch).then((facts) => {
          done += facts.length;
          onDone?.(done);
          return facts;
        }),
      );
    }
    return (await Promise.all(batches)).flat();
  }

  /** Starts the workers now, so they boot while the caller is still reading files. Idempotent. */
  start(): void {
    if (!this.#closed) this.#start();
  }

  /** Stops the workers. */
  async close(): Promise<void> {
    this.#closed = true;
    const slots = this.#slots ?? [];
    this.#slots = undefined;
    await Promise.all(slots.map((slot) => slot.worker.terminate()));
  }

  #start(): WorkerSlot[] {
    if (this.#slots !== undefined) return this.#slots;
    this.#slots = Array.from({ length: this.#size }, () => {
      const slot: WorkerSlot = { worker: startWorker(), waiting: new Map(), queued: 0 };
      const failAll = (error: Error): void => {
        for (const { reject } of slot.waiting.values()) reject(error);
        slot.waiting.clear();
        slot.queued = Number.POSITIVE_INFINITY; // never chosen again
      };
      slot.worker.on('message', (result: FactsBatchResult) => {
        const waiter = slot.waiting.get(result.id);
        if (waiter === undefined) return;
        slot.waiting.delete(result.id);
        slot.queued -= result.facts.length;
        if (slot.waiting.size === 0) slot.worker.unref();
        waiter.resolve(result.facts);
      });
      slot.worker.on('error', failAll);
      slot.worker.on('exit', (code) => failAll(new Error(`facts worker exited with code ${code}`)));
      slot.worker.unref(); // an idle pool never keeps the process alive
      return slot;
    });
    return this.#slots;
  }
}

/**
 * Starts one facts worker. From dist it is the compiled .js file. From the TypeScript sources (tests, tsx) the
 * worker must register tsx itself first: loader hooks registered on the main thread do not reach worker threads.
 */
function startWorker(): Worker {
  if (!import.meta.url.endsWith('.ts')) return new Worker(new URL('./facts-worker.js', import.meta.url));
  const tsxApi = import.meta.resolve('tsx/esm/api');
  const entry = new URL('./facts-worker.ts', import.meta.url).href;
  const bootstrap = `import(${JSON.stringify(tsxApi)}).then((tsx) => { tsx.register(); return import(${JSON.stringify(entry)}); });`;
  return new Worker(bootstrap, { eval: true });
}

function send(slot: WorkerSlot, batch: FactsBatch): Promise<readonly FileFacts[]> {
  if (slot.queued === Number.POSITIVE_INFINITY) return Promise.reject(new Error('facts worker is not running'));
  return new Promise((resolve, reject) => {
    slot.waiting.set(batch.id, { resolve, reject });
    slot.queued += batch.jobs.length;
    slot.worker.ref(); // keep the process alive while an answer is due
    slot.worker.postMessage(batch);
  });
}
