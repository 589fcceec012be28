import { type Clock, type Timer, within } from '../clock.js';
import type { EventLog } from '../stores/event-log.js';
import type { RunLeases } from '../stores/run-leases.js';
import type { RunStore } from '../stores/run-store.js';
import type { AgentExecutionTracker } from '../tracker/execution-tracker.js';
import type { RunRecord } from '../tracker/run-record.js';
import { isTerminal } from '../tracker/run-status.js';
import type { EventPublisher } from './event-publisher.js';
import { endOrphanedRun } from './orphaned-run.js';

/** Options of a `DeadRunReaper`. Durations in milliseconds. */
export interface DeadRunReaperOptions {
  readonly tracker: AgentExecutionTracker;
  readonly leases: RunLeases;
  readonly store: RunStore;
  readonly log: EventLog;
  readonly publisher: EventPublisher;
  readonly clock: Clock;
  /** The lease time to live: how long the store must have been reachable before an expired lease proves anything. */
  readonly ttlMs: number;
  /** Mean time between two rounds; each wait is jittered by ±20 % so nodes do not poll in step. */
  readonly intervalMs: number;
  /** Whether the store answers now. */
  readonly reachable: () => Promise<boolean>;
  /** Whether this node holds the run's lease itself (its keeper renews those; they are never claimed here). */
  readonly holds: (runId: string) => boolean;
  /** A run of a lost node that this node ended. */
  readonly onReaped: (record: RunRecord) => void;
  /** A store call that failed (the round goes on; a claimed run is ended at a later round). */
  readonly onError: (error: unknown, where: string) => void;
  /** @default Math.random */
  readonly random?: () => number;
}

/**
 * Ends the runs of nodes that died. Every node runs one: each round (every `intervalMs`, jittered) it lists the
 * leases that expired, claims each (`claimDeadRun` succeeds for exactly one node in the cluster), takes the run's
 * record into its own tracker and ends it as `dead` with error code `node_lost` (`endOrphanedRun`: tool calls the
 * lost node left open get their `tool_completed {success:false}` first, and a run whose end is already logged only
 * gets its record fixed), so the runner emits the one `agent_error {status:"dead"}` the owner gets.
 *
 * An expired lease only proves that its node is gone when the store was reachable for a whole lease time: after a
 * store outage every lease looks expired, so the reaper waits `ttlMs` of reachability before it claims anything and
 * lets live nodes renew first.
 */
export class DeadRunReaper {
  readonly #o: DeadRunReaperOptions;
  readonly #random: () => number;
  /** Runs this node claimed and has not ended yet (a failed read is retried at the next round). */
  readonly #claimed = new Set<string>();
  /** Since when the store has answered every round; `undefined` after a round that found it unreachable. */
  #reachableSince: number | undefined;
  #timer: Timer | undefined;
  #round: Promise<void> | undefined;
  #started = false;
  #closed = false;
  #closing: Promise<void> | undefined;

  constructor(options: DeadRunReaperOptions) {
    this.#o = options;
    this.#random = options.random ?? Math.random;
  }

  /** Starts the rounds (idempotent). */
  start(): void {
    if (this.#started || this.#closed) return;
    this.#started = true;
    this.#schedule();
  }

  /**
   * Runs one round now (the timer calls this) and returns the runs it ended. Rounds never overlap: a call while one
   * runs waits for it and then runs its own.
   */
  async reapNow(): Promise<RunRecord[]> {
    while (this.#round !== undefined) await this.#round;
    let ended: RunRecord[] = [];
    const round = (async () => {
      ended = await this.#reap();
    })();
    this.#round = round.then(
      () => undefined,
      () => undefined,
    );
    try {
      await round;
    } finally {
      this.#round = undefined;
    }
    return ended;
  }

  /**
   * Stops the rounds and waits (at most `waitMs`) for the one in flight, which stops at its next step. A round
   * waiting on a store that went away is left behind: what it would have claimed stays for the other nodes.
   * Idempotent.
   */
  close(waitMs = 1_000): Promise<void> {
    this.#closing ??= (async () => {
      this.#closed = true;
      this.#timer?.cancel();
      this.#timer = undefined;
      const round = this.#round;
      if (round === undefined) return;
      await within(this.#o.clock, round, waitMs);
    })();
    return this.#closing;
  }

  #schedule(): void {
    if (this.#closed) return;
    const wait = Math.max(1, Math.round(this.#o.intervalMs * (0.8 + 0.4 * this.#random())));
    this.#timer = this.#o.clock.setTimeout(() => {
      this.reapNow()
        .catch((error: unknown) => this.#o.onError(error, 'reap dead runs'))
        .finally(() => this.#schedule());
    }, wait);
  }

  async #reap(): Promise<RunRecord[]> {
    if (this.#closed) return [];
    const now = this.#o.clock.now();
    if (!(await this.#o.reachable().catch(() => false))) {
      this.#reachableSince = undefined;
      return [];
    }
    this.#reachableSince ??= now;
    if (now - this.#reachableSince >= this.#o.ttlMs) {
      for (const runId of await this.#o.leases.expiredLeases(now)) {
        if (this.#closed) break;
        if (this.#o.holds(runId)) continue;
        if (await this.#o.leases.claimDeadRun(runId)) this.#claimed.add(runId);
      }
    }
    const ended: RunRecord[] = [];
    // Claimed runs are ended even when closing: no other node can claim them any more.
    for (const runId of [...this.#claimed]) {
      try {
        const record = await this.#end(runId);
        this.#claimed.delete(runId);
        if (record !== undefined) {
          ended.push(record);
          this.#o.onReaped(record);
        }
      } catch (error) {
        this.#o.onError(error, `end dead run '${runId}'`);
      }
    }
    return ended;
  }

  /** Ends one claimed run as `dead`; returns its record after the change, or `undefined` when it had ended. */
  async #end(runId: string): Promise<RunRecord | undefined> {
    const { tracker, store, log, publisher, clock } = this.#o;
    const local = tracker.get(runId);
    if (local !== undefined && isTerminal(local.status)) return undefined;
    const record = local ?? (await store.get(runId));
    if (record === undefined) {
      this.#o.onError(new Error(`Run '${runId}' had a lease but no record; nothing to mark dead`), 'end dead run');
      return undefined;
    }
    if (isTerminal(record.status)) return undefined;
    const error = {
      code: 'node_lost',
      message: `Run '${runId}' was lost with its node '${record.nodeId}', which stopped renewing its lease`,
    };
    // A run still in this tracker has its runner here, which closes its own tool calls.
    if (local !== undefined) return tracker.transition(runId, 'dead', { error });
    const outcome = await endOrphanedRun({ tracker, events: log, runStore: store, publisher, clock }, record, error);
    return outcome === 'ended' ? tracker.get(runId) : undefined;
  }
}
