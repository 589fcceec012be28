import { RunEndedError } from '../errors.js';
import { AgentRunner } from '../runs/agent-runner.js';
import { ClusterAdmission } from '../runs/cluster-admission.js';
import { DeadRunReaper } from '../runs/dead-run-reaper.js';
import { EventPublisher } from '../runs/event-publisher.js';
import { RunLeaseKeeper } from '../runs/run-lease-keeper.js';
import { RunLifecycle } from '../runs/run-lifecycle.js';
import { RunScheduler } from '../runs/run-scheduler.js';
import { RunService } from '../runs/run-service.js';
import { RunStoreWriter } from '../runs/run-store-writer.js';
import { ThreadHistory } from '../runs/thread-history.js';
import { MemoryThreadStore } from '../stores/memory/memory-thread-store.js';
import type { RunLeases } from '../stores/run-leases.js';
import type { Stores } from '../stores/stores.js';
import type { AgentExecutionTracker } from '../tracker/execution-tracker.js';
import type { Registries } from './build-registries.js';
import type { RuntimeSettings } from './runtime-options.js';

/** Everything between a frame's handler and the agent: publishing, running, scheduling, leases and the ending. */
export interface RunPath {
  readonly writer: RunStoreWriter;
  readonly publisher: EventPublisher;
  readonly runner: AgentRunner;
  readonly scheduler: RunScheduler;
  readonly service: RunService;
  readonly lifecycle: RunLifecycle;
  /** Thread history: written as runs go, read by LLM agents and the thread frames and routes. */
  readonly history: ThreadHistory;
  /** With stores that offer leases (Redis) only. */
  readonly cluster?: {
    readonly keeper: RunLeaseKeeper;
    readonly admission: ClusterAdmission;
    readonly reaper: DeadRunReaper;
  };
}

/** Builds the run path on a tracker and its stores. Nothing starts here: `createRuntime`'s `start()` does. */
export function buildRunPath(
  settings: RuntimeSettings,
  tracker: AgentExecutionTracker,
  stores: Stores,
  registries: Registries,
): RunPath {
  const { clock, logger } = settings;
  const writer = new RunStoreWriter(stores.runs, (error, record) =>
    logger.error({ err: error, runId: record.runId }, 'run store write failed'),
  );
  const publisher = new EventPublisher({
    log: stores.events,
    bus: stores.bus,
    tracker,
    clock,
    onError: (error, event) =>
      error instanceof RunEndedError
        ? logger.warn({ err: error, runId: event.runId, type: event.type }, 'event refused: the run already ended')
        : logger.error({ err: error, runId: event.runId, type: event.type }, 'event delivery failed'),
  });
  const history = new ThreadHistory({
    store: stores.threads ?? new MemoryThreadStore(),
    clock,
    limit: settings.historyLimit,
    onError: (error, threadId) => logger.error({ err: error, threadId }, 'thread history write failed'),
  });
  publisher.onPublished((event) => history.observe(event));
  const runner = new AgentRunner({
    tracker,
    agents: registries.agents,
    tools: registries.tools,
    publisher,
    clock,
    heartbeatIntervalMs: settings.heartbeatIntervalMs,
    ...(settings.model === undefined ? {} : { model: settings.model }),
    modelLimits: settings.modelLimits,
    history: (record) => history.earlier(record),
    onFault: (error, where) => logger.error({ err: error, where }, 'runner fault'),
  });
  const cluster = stores.leases && buildClusterParts(settings, tracker, stores, stores.leases, writer, publisher);
  const scheduler = new RunScheduler({
    tracker,
    runner,
    agents: registries.agents,
    publisher,
    limits: settings.limits,
    ...(cluster === undefined ? {} : { admission: cluster.admission }),
  });
  const lifecycle = new RunLifecycle(tracker, {
    writer,
    runner,
    scheduler,
    ...(cluster === undefined ? {} : { leases: cluster.keeper }),
  });
  const service = new RunService({
    tracker,
    store: stores.runs,
    log: stores.events,
    bus: stores.bus,
    scheduler,
    history,
  });
  return {
    writer,
    publisher,
    runner,
    scheduler,
    service,
    lifecycle,
    history,
    ...(cluster === undefined ? {} : { cluster }),
  };
}

/** Leases, the cluster-wide per-user cap and the reaper of dead nodes' runs: for stores shared by many nodes. */
function buildClusterParts(
  settings: RuntimeSettings,
  tracker: AgentExecutionTracker,
  stores: Stores,
  leases: RunLeases,
  writer: RunStoreWriter,
  publisher: EventPublisher,
): NonNullable<RunPath['cluster']> {
  const { clock, logger, nodeId } = settings;
  const keeper = new RunLeaseKeeper({
    tracker,
    leases,
    nodeId,
    clock,
    ttlMs: settings.leaseTtlMs,
    renewIntervalMs: settings.leaseRenewIntervalMs,
    onRetaken: (runId) => {
      const record = tracker.get(runId);
      if (record !== undefined) void writer.write(record);
      logger.warn({ runId }, 'run lease was gone from the store; took it again and rewrote the run');
    },
    onError: (error, where) => logger.error({ err: error, where }, 'run lease failure'),
  });
  // The per-user cap holds across the cluster: user slots are tied to the runs' leases.
  const admission = new ClusterAdmission({
    leases,
    limit: settings.limits.maxConcurrentRunsPerUser,
    leased: (runId) => keeper.leased(runId),
    clock,
    onError: (error, runId) =>
      logger.error({ err: error, runId }, 'cluster concurrency slot unavailable; the node cap alone applies'),
  });
  const reaper = new DeadRunReaper({
    tracker,
    leases,
    store: stores.runs,
    log: stores.events,
    publisher,
    clock,
    ttlMs: settings.leaseTtlMs,
    intervalMs: settings.reapIntervalMs,
    reachable: async () => (await stores.health?.())?.store ?? true,
    holds: (runId) => keeper.holds(runId),
    onReaped: (record) => logger.warn({ runId: record.runId, nodeId: record.nodeId }, 'ended a run of a lost node'),
    onError: (error, where) => logger.error({ err: error, where }, 'dead run reaper failure'),
  });
  return { keeper, admission, reaper };
}
