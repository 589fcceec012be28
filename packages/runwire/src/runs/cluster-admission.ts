import type { Clock, Timer } from '../clock.js';
import type { RunLeases } from '../stores/run-leases.js';

/**
 * What the scheduler asks before a waiting run starts, when many nodes share one store: may this user's run take one
 * of the user's cluster-wide slots? Single-node stores have none (the scheduler's own per-user cap is the cap).
 */
export interface RunAdmission {
  /**
   * Asks for a slot for the run. True: the run holds one (it is freed when the run's lease is released, claimed or
   * expires, so the run's end, cancel or lost node frees it). False: the user is at the cap across the cluster; ask
   * again after `onRetry` fires.
   */
  admit(userId: string, runId: string): Promise<boolean>;
  /** Subscribes to "slots may have been freed elsewhere, ask again". Returns the unsubscribe function. */
  onRetry(listener: () => void): () => void;
}

/** Options of a `ClusterAdmission`. Durations in milliseconds. */
export interface ClusterAdmissionOptions {
  readonly leases: RunLeases;
  /** Slots per user across the cluster (the scheduler's `maxConcurrentRunsPerUser`). */
  readonly limit: number;
  /** Resolves when this node's lease on the run is taken (true) or could not be (false): slots need a live lease. */
  readonly leased: (runId: string) => Promise<boolean>;
  readonly clock: Clock;
  /** After a refusal, when to ask again: a random wait in this range, so nodes do not poll in step. @default [250, 500] */
  readonly retryMs?: readonly [number, number];
  /** A store call that failed: the run is admitted on this node's cap alone. */
  readonly onError: (error: unknown, runId: string) => void;
  /** @default Math.random */
  readonly random?: () => number;
}

/**
 * The cluster-wide per-user concurrency cap on `RunLeases` user slots. A slot counts only while its run's lease is
 * live, and the lease keeper releases the lease when the run ends, so nothing here has to give slots back.
 *
 * Slots freed on this node wake the scheduler itself (a run of the user ended); slots freed on other nodes are not
 * announced, so after a refusal a jittered timer fires `onRetry` once. A store that fails, or a run whose lease could
 * not be taken, is admitted: the node's own per-user cap still holds, and a run must not wait forever on a store
 * that is away.
 */
export class ClusterAdmission implements RunAdmission {
  readonly #o: ClusterAdmissionOptions;
  readonly #random: () => number;
  readonly #listeners = new Set<() => void>();
  #timer: Timer | undefined;
  #closed = false;

  constructor(options: ClusterAdmissionOptions) {
    this.#o = options;
    this.#random = options.random ?? Math.random;
  }

  async admit(userId: string, runId: string): Promise<boolean> {
    try {
      if (!(await this.#o.leased(runId))) return true;
      const granted = await this.#o.leases.acquireUserSlot(userId, runId, this.#o.limit);
      if (!granted) this.#armRetry();
      return granted;
    } catch (error) {
      this.#o.onError(error, runId);
      return true;
    }
  }

  onRetry(listener: () => void): () => void {
    this.#listeners.add(listener);
    return () => this.#listeners.delete(listener);
  }

  /** Stops the retry timer (idempotent). */
  close(): void {
    this.#closed = true;
    this.#timer?.cancel();
    this.#timer = undefined;
  }

  #armRetry(): void {
    if (this.#closed || this.#timer !== undefined) return;
    const [min, max] = this.#o.retryMs ?? [250, 500];
    this.#timer = this.#o.clock.setTimeout(
      () => {
        this.#timer = undefined;
        for (const listener of [...this.#listeners]) listener();
      },
      Math.round(min + (max - min) * this.#random()),
    );
  }
}
