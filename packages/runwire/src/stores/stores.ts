import type { Clock } from '../clock.js';
import type { Bus } from './bus.js';
import type { CheckHistory } from './check-history.js';
import type { EventLog, EventRetention } from './event-log.js';
import type { QualityRollups } from './quality-rollups.js';
import type { RunLeases } from './run-leases.js';
import type { RunStore } from './run-store.js';
import type { ThreadStore } from './thread-store.js';

/** The storage of a runtime: one of each contract, from one backend (memory, SQLite or Redis). */
export interface Stores {
  readonly runs: RunStore;
  readonly events: EventLog;
  readonly bus: Bus;
  /** Per-day quality rollups beside the runs; absent (a custom factory): the runtime keeps them in memory. */
  readonly rollups?: QualityRollups;
  /** SSOT check scores beside the rollups; absent (a custom factory): the runtime keeps them in memory. */
  readonly checks?: CheckHistory;
  /** Thread history (user messages, answers, tool calls). @default a memory thread store (lost on exit) */
  readonly threads?: ThreadStore;
  /**
   * Run leases, for stores shared by many nodes (Redis): with them each node leases its runs and ends the runs of
   * nodes that died (`leaseTtl`). Single-node stores leave it out.
   */
  readonly leases?: RunLeases;
  /** Extra readiness checks (e.g. the Redis connection). */
  readonly health?: () => Promise<Record<string, boolean>>;
}

/** What a backend is built with: the runtime's clock, its compiled event retention and this node's id. */
export interface StoresEnv {
  readonly clock: Clock;
  readonly retention: EventRetention;
  readonly nodeId: string;
}

/** Builds a runtime's stores; `createRuntime({ stores })` calls it once. */
export type StoresFactory = (env: StoresEnv) => Stores;
