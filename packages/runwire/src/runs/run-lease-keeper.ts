import { type Clock, type Timer, within } from '../clock.js';
import { LeaseConflictError } from '../errors.js';
import type { RunLeases } from '../stores/run-leases.js';
import type { AgentExecutionTracker } from '../tracker/execution-tracker.js';
import type { RunRecord } from '../tracker/run-record.js';
import { isTerminal } from '../tracker/run-status.js';

/** Options of a `RunLeaseKeeper`. Durations in milliseconds. */
export interface RunLeaseKeeperOptions {
  readonly tracker: AgentExecutionTracker;
  readonly leases: RunLeases;
  /** This node: the keeper leases the runs created here. */
  readonly nodeId: string;
  readonly clock: Clock;
  /** How long a lease lives without renewal. */
  readonly ttlMs: number;
  /** How often every lease of this node is renewed (well below `ttlMs`). */
  readonly renewIntervalMs: number;
  /**
   * Called when a lease was found missing and taken again (the store lost it, e.g. Redis restarted without
   * persistence): the run's record may be gone too, so the caller writes it again.
   */
  readonly onRetaken: (runId: string) => void;
  /** A store call that failed (the keeper goes on and retries at the next renewal). */
  readonly onError: (error: unknown, where: string) => void;
}

/** A lease this node holds (or is taking) on one of its runs. */
interface HeldLease {
  /** The fencing token of the lease; `undefined` until it is taken. */
  token: number | undefined;
  /** Resolves when the first acquisition is settled. */
  readonly taken: Promise<void>;
}

/**
 * Keeps this node's run leases (DESIGN.md "Ports and adapters", `RunLeases`): a lease is taken when a run is created
 * here, one timer renews all of them every `renewIntervalMs`, and the lease is released when the run ends. While
 * the node lives, its runs are never taken for dead, however slow they are.
 *
 * Fencing: when a renewal finds that a lease is no longer this node's, the keeper tries to take it again. That works
 * when the lease simply vanished (a store that lost its data). When another node claimed the run as dead (this node
 * was silent for longer than the lease), the run is over for the cluster: the keeper ends it here as `dead`
 * (`node_lost`) so its agent stops; the event log refuses anything after the terminal event the other node wrote.
 */
export class RunLeaseKeeper {
  readonly #o: RunLeaseKeeperOptions;
  readonly #held = new Map<string, HeldLease>();
  readonly #pending = new Set<Promise<unknown>>();
  #timer: Timer | undefined;
  #renewing = false;
  #closed = false;
  #closing: Promise<void> | undefined;

  constructor(options: RunLeaseKeeperOptions) {
    this.#o = options;
  }

  /** Whether this node holds (or is taking) the lease of a run. */
  holds(runId: string): boolean {
    return this.#held.has(runId);
  }

  /**
   * Resolves when the first acquisition of a run's lease is settled: true when this node holds it, false when it was
   * not taken (unknown run, a store failure, or another node's claim).
   */
  async leased(runId: string): Promise<boolean> {
    const lease = this.#held.get(runId);
    if (lease === undefined) return false;
    await lease.taken;
    return lease.token !== undefined && this.#held.get(runId) === lease;
  }

  /** Number of leases held or being taken. */
  get size(): number {
    return this.#held.size;
  }

  /** Starts the renewal timer (idempotent). */
  start(): void {
    if (this.#closed) return;
    this.#timer ??= this.#o.clock.setInterval(() => void this.renewNow(), this.#o.renewIntervalMs);
  }

  /**
   * Renews every lease this node holds now (the timer calls this). At most one renewal runs at a time; a call while
   * one runs does nothing.
   */
  async renewNow(): Promise<void> {
    if (this.#renewing || this.#closed) return;
    const runIds = [...this.#held].filter(([, lease]) => lease.token !== undefined).map(([runId]) => runId);
    if (runIds.length === 0) return;
    this.#renewing = true;
    try {
      const lost = await this.#track(this.#o.leases.renewLeases(this.#o.nodeId, runIds, this.#o.ttlMs));
      for (const runId of lost) if (this.#held.has(runId)) await this.#retake(runId);
    } catch (error) {
      this.#o.onError(error, 'renew leases');
    } finally {
      this.#renewing = false;
    }
  }

  /**
   * Stops renewing and waits (at most `waitMs`) for the lease calls in flight, such as the releases of runs that just
   * ended. A release that does not make it (the store is away) only means another node claims an ended run later,
   * which changes nothing. Idempotent.
   */
  close(waitMs = 2_000): Promise<void> {
    this.#closing ??= (async () => {
      this.#closed = true;
      this.#timer?.cancel();
      this.#timer = undefined;
      if (this.#pending.size === 0) return;
      await within(this.#o.clock, Promise.allSettled([...this.#pending]), waitMs);
    })();
    return this.#closing;
  }

  /** Takes the lease of a run this node just created (called by `RunLifecycle`). */
  runCreated(record: RunRecord): void {
    if (record.nodeId === this.#o.nodeId && !isTerminal(record.status) && !this.#closed) this.#acquire(record.runId);
  }

  /** The keeper's part of a run's ending (called by `RunLifecycle`): gives the lease back. */
  runEnded(record: RunRecord): void {
    if (this.#closing !== undefined) return;
    this.#release(record.runId);
  }

  #acquire(runId: string): void {
    const lease: HeldLease = {
      token: undefined,
      taken: this.#track(this.#o.leases.acquireLease(runId, this.#o.nodeId, this.#o.ttlMs)).then(
        (token) => {
          lease.token = token;
        },
        (error: unknown) => {
          if (error instanceof LeaseConflictError) this.#fence(runId);
          else this.#o.onError(error, 'acquire lease');
        },
      ),
    };
    this.#held.set(runId, lease);
  }

  #release(runId: string): void {
    const lease = this.#held.get(runId);
    if (lease === undefined) return;
    this.#held.delete(runId);
    void this.#track(
      lease.taken.then(async () => {
        if (lease.token !== undefined) await this.#o.leases.releaseLease(runId, lease.token);
      }),
    ).catch((error: unknown) => this.#o.onError(error, 'release lease'));
  }

  /** A renewal said the lease is not ours: take it again, or stop the run when another node claimed it. */
  async #retake(runId: string): Promise<void> {
    let token: number;
    try {
      token = await this.#track(this.#o.leases.acquireLease(runId, this.#o.nodeId, this.#o.ttlMs));
    } catch (error) {
      if (error instanceof LeaseConflictError) this.#fence(runId);
      else this.#o.onError(error, 'retake lease');
      return;
    }
    const lease = this.#held.get(runId);
    if (lease === undefined) {
      // The run ended while the lease was being taken again: give the new one back.
      await this.#track(this.#o.leases.releaseLease(runId, token)).catch((e: unknown) =>
        this.#o.onError(e, 'release lease'),
      );
      return;
    }
    lease.token = token;
    this.#o.onRetaken(runId);
  }

  #fence(runId: string): void {
    this.#held.delete(runId);
    const record = this.#o.tracker.get(runId);
    if (record === undefined || isTerminal(record.status)) return;
    this.#o.tracker.transition(runId, 'dead', {
      error: {
        code: 'node_lost',
        message: `Run '${runId}' was taken over as dead by another node: node '${this.#o.nodeId}' did not renew its lease in time`,
      },
    });
  }

  #track<T>(work: Promise<T>): Promise<T> {
    this.#pending.add(work);
    void work.then(
      () => this.#pending.delete(work),
      () => this.#pending.delete(work),
    );
    return work;
  }
}
