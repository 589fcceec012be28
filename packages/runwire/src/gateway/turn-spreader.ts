/**
 * Runs queued jobs at most `perTurn` at a time, each batch on its own turn of the event loop (`setImmediate`), so that
 * a burst of cheap-but-many jobs (refusing hundreds of upgrades of a connection storm) never holds up, in one turn,
 * the sockets that are already open: between two batches the event loop polls them.
 */
export class TurnSpreader {
  readonly #perTurn: number;
  readonly #jobs: Array<() => void> = [];
  #scheduled = false;

  constructor(perTurn: number) {
    this.#perTurn = perTurn;
  }

  /** Queues `job`; it runs on a later turn, after the jobs queued before it. */
  push(job: () => void): void {
    this.#jobs.push(job);
    this.#schedule();
  }

  /** Jobs waiting. */
  get size(): number {
    return this.#jobs.length;
  }

  #schedule(): void {
    if (this.#scheduled || this.#jobs.length === 0) return;
    this.#scheduled = true;
    setImmediate(this.#run);
  }

  readonly #run = (): void => {
    this.#scheduled = false;
    for (const job of this.#jobs.splice(0, this.#perTurn)) job();
    this.#schedule();
  };
}
