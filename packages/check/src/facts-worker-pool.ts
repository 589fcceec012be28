import { availableParallelism } from 'node:os';
import { Worker } from 'node:worker_threads';
import type { FileFacts } from './facts.js';
import type { ShapeJob, ShapeResults } from './file-shapes.js';

/** One file to extract facts from. */
export interface FactsJob {
  readonly file: string;
  readonly source: string;
}

/** A batch sent to a worker: files to extract facts from, or declarations to give exact shapes. */
export type FactsBatch =
  | { readonly id: number; readonly kind: 'facts'; readonly jobs: readonly FactsJob[] }
  | { readonly id: number; readonly kind: 'shapes'; readonly jobs: readonly ShapeJob[] };

/** A worker's answer to a batch: one result per job, in job order. */
export interface FactsBatchResult {
  readonly id: number;
  readonly results: readonly (FileFacts | ShapeResults)[];
}

/** Files per message: large enough to amortise messaging, small enough to balance the workers. */
const BATCH_SIZE = 32;

/**
 * Batches sent to one worker and not yet answered. Enough that a worker never waits for its next batch and that the
 * texts leave this thread's heap soon after they are read (a posted message waits outside the heap, while a queued
 * batch is copied by every garbage collection until it is sent); few enough that the workers stay balanced.
 */
const MAX_IN_FLIGHT = 8;

/** A batch waiting for its answer. */
interface PendingBatch {
  readonly batch: FactsBatch;
  readonly resolve: (results: readonly unknown[]) => void;
  readonly reject: (error: Error) => void;
}

/** One worker and the batches it has been sent and not yet answered. */
interface WorkerSlot {
  readonly worker: Worker;
  readonly waiting: Map<number, PendingBatch>;
  alive: boolean;
}

/**
 * A pool of worker threads that extract facts in parallel. Started lazily (or early with {@link start}), so a warm
 * re-check that parses a handful of files never pays for it. Several {@link extract} calls may run at once, so a
 * caller can hand over files while it is still reading others. Batches wait in one queue and go to whichever worker
 * has fewest in flight as answers come back, so a worker that drew larger files never holds up the others.
 * {@link close} is idempotent.
 */
export class FactsWorkerPool {
  readonly #size: number;
  readonly #queue: PendingBatch[] = [];
  #slots: WorkerSlot[] | undefined;
  #nextId = 0;
  #closed = false;

  /**
   * @param size - number of workers; @default one per CPU but one (at least one): the main thread reads the files
   * and hands them over meanwhile, and a worker more than there are free CPUs only adds its start-up and its garbage
   */
  constructor(size: number = availableParallelism() - 1) {
    this.#size = Math.max(1, size);
  }

  /** True once the workers are started and until the pool is closed. */
  get running(): boolean {
    return this.#slots !== undefined;
  }

  /** Extracts facts for every job, in job order. `onDone` is called with the number of these jobs finished so far. */
  async extract(jobs: readonly FactsJob[], onDone?: (done: number) => void): Promise<FileFacts[]> {
    return (await this.#run('facts', jobs, BATCH_SIZE, onDone)) as FileFacts[];
  }

  /** Exact shapes for every job (a file's declarations), in job order, spread over all workers. */
  async shapes(jobs: readonly ShapeJob[]): Promise<ShapeResults[]> {
    return (await this.#run('shapes', jobs, Math.max(1, Math.ceil(jobs.length / (this.#size * 4))))) as ShapeResults[];
  }

  async #run(
    kind: FactsBatch['kind'],
    jobs: readonly (FactsJob | ShapeJob)[],
    batchSize: number,
    onDone?: (done: number) => void,
  ): Promise<unknown[]> {
    if (this.#closed) throw new Error('FactsWorkerPool is closed; create a new pool');
    this.#start();
    let done = 0;
    const batches: Promise<readonly unknown[]>[] = [];
    for (let start = 0; start < jobs.length; start += batchSize) {
      const slice = jobs.slice(start, start + batchSize);
      const batch = { id: this.#nextId++, kind, jobs: slice } as FactsBatch;
      batches.push(
        new Promise<readonly unknown[]>((resolve, reject) => this.#queue.push({ batch, resolve, reject })).then(
          (results) => {
            done += results.length;
            onDone?.(done);
            return results;
          },
        ),
      );
    }
    this.#pump();
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

  /** Sends queued batches to the live workers with fewest in flight; fails them all when no worker is left. */
  #pump(): void {
    const live = (this.#slots ?? []).filter((slot) => slot.alive);
    if (live.length === 0) {
      const error = new Error('facts worker is not running');
      for (const pending of this.#queue.splice(0)) pending.reject(error);
      return;
    }
    for (;;) {
      const pending = this.#queue[0];
      if (pending === undefined) return;
      const slot = live.reduce((least, candidate) => (candidate.waiting.size < least.waiting.size ? candidate : least));
      if (slot.waiting.size >= MAX_IN_FLIGHT) return;
      this.#queue.shift();
      slot.waiting.set(pending.batch.id, pending);
      slot.worker.ref(); // keep the process alive while an answer is due
      slot.worker.postMessage(pending.batch);
    }
  }

  #start(): WorkerSlot[] {
    if (this.#slots !== undefined) return this.#slots;
    this.#slots = Array.from({ length: this.#size }, () => {
      const slot: WorkerSlot = { worker: startWorker(), waiting: new Map(), alive: true };
      const failAll = (error: Error): void => {
        slot.alive = false; // never chosen again
        for (const { reject } of slot.waiting.values()) reject(error);
        slot.waiting.clear();
        if (!this.#closed) this.#pump();
      };
      slot.worker.on('message', (result: FactsBatchResult) => {
        const pending = slot.waiting.get(result.id);
        if (pending === undefined) return;
        slot.waiting.delete(result.id);
        if (!this.#closed) this.#pump();
        if (slot.waiting.size === 0) slot.worker.unref();
        pending.resolve(result.results);
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
