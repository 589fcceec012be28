import type { AgentDefinition } from '../agents/agent-definition.js';
import { echoAgent } from '../agents/builtin/echo-agent.js';
import { supervisorAgent } from '../agents/builtin/supervisor-agent.js';
import { NamedRegistry } from '../agents/named-registry.js';
import type { ToolDefinition } from '../agents/tool.js';
import { calculatorTool } from '../agents/tools/calculator-tool.js';
import { clockTool } from '../agents/tools/clock-tool.js';
import { myRunsTool } from '../agents/tools/my-runs-tool.js';
import { type Clock, systemClock, type Timer, within } from '../clock.js';
import { type DurationInput, toMs } from '../duration.js';
import { InvalidArgumentError, RunEndedError } from '../errors.js';
import { describeValue, newNodeId } from '../ids.js';
import { type Logger, silentLogger } from '../logger.js';
import { MessageRouter } from '../routing/message-router.js';
import { registerRunHandlers } from '../routing/run-handlers.js';
import { registerSessionHandlers } from '../routing/session-handlers.js';
import { AgentRunner } from '../runs/agent-runner.js';
import { ClusterAdmission } from '../runs/cluster-admission.js';
import { DeadRunReaper } from '../runs/dead-run-reaper.js';
import { EventPublisher } from '../runs/event-publisher.js';
import { endOrphanedRun } from '../runs/orphaned-run.js';
import { RunLeaseKeeper } from '../runs/run-lease-keeper.js';
import { DEFAULT_SCHEDULER_LIMITS, RunScheduler, type SchedulerLimits } from '../runs/run-scheduler.js';
import { RunService } from '../runs/run-service.js';
import { RunStoreWriter } from '../runs/run-store-writer.js';
import type { Bus } from '../stores/bus.js';
import { DEFAULT_EVENT_RETENTION, type EventLog, type EventRetention } from '../stores/event-log.js';
import { memoryStores } from '../stores/memory/memory-stores.js';
import type { RunStore } from '../stores/run-store.js';
import type { StoresFactory } from '../stores/stores.js';
import { type AgentExecutionTracker, constructExecutionTracker } from '../tracker/execution-tracker.js';
import { isTerminal } from '../tracker/run-status.js';
import { DEFAULT_TRACKER_OPTIONS } from '../tracker/tracker-options.js';
import type { UserExecutionScope } from '../tracker/user-execution-scope.js';

/** How long shutdown waits for the last event and record writes to reach the store. */
const SHUTDOWN_FLUSH_MS = 5_000;

/** Options of `createRuntime`. Durations accept milliseconds or strings such as `'30s'`. */
export interface RuntimeOptions {
  /** @default systemClock */
  readonly clock?: Clock;
  /** This node's id (random by default). */
  readonly nodeId?: string;
  /** Builds the stores; receives the compiled clock and event retention. @default memory stores and an in-process bus */
  readonly stores?: StoresFactory;
  /** @default '30s' */
  readonly heartbeatTimeout?: DurationInput;
  /** Default run deadline. @default '15m' */
  readonly runTimeout?: DurationInput;
  /** @default '1s' */
  readonly sweepInterval?: DurationInput;
  /** Interval of automatic heartbeats of running agents. @default '10s' */
  readonly heartbeatInterval?: DurationInput;
  /** Finished records kept in the tracker's memory. @default 10_000 */
  readonly maxFinishedRecords?: number;
  /** @default '1h' */
  readonly finishedRecordTtl?: DurationInput;
  readonly scheduler?: Partial<SchedulerLimits>;
  /** Event log retention. @default 24 h and 10,000 events per user */
  readonly eventRetention?: { readonly maxAge?: DurationInput; readonly maxEventsPerUser?: number };
  /** How long finished runs stay in the run store. @default '7d' */
  readonly runRetention?: DurationInput;
  /** Agents besides (or, with `builtins: false`, instead of) the built-ins. */
  readonly agents?: readonly AgentDefinition[];
  readonly tools?: readonly ToolDefinition[];
  /** Register `supervisor`, `echo` and their tools. @default true */
  readonly builtins?: boolean;
  /**
   * With stores that offer leases: a node that stops renewing the leases of its runs for this long is taken for dead,
   * and its runs end as `dead` (`node_lost`) within about `leaseTtl + reapInterval`. @default '15s'
   */
  readonly leaseTtl?: DurationInput;
  /** How often a node renews the leases of all its runs. @default a third of `leaseTtl` */
  readonly leaseRenewInterval?: DurationInput;
  /** How often each node looks for expired leases (each wait jittered by ±20 %). @default half of `leaseRenewInterval` */
  readonly reapInterval?: DurationInput;
  /** At start, end the non-terminal runs found in the store as `dead` (`node_restarted`). @default true */
  readonly recoverOnStart?: boolean;
  readonly logger?: Logger;
}

/** A wired set of tracker, stores, bus, router, scheduler and agents. Build with `createRuntime()`. */
export interface Runtime {
  readonly nodeId: string;
  readonly clock: Clock;
  readonly tracker: AgentExecutionTracker;
  readonly router: MessageRouter;
  readonly scheduler: RunScheduler;
  readonly runner: AgentRunner;
  readonly runs: RunService;
  readonly agents: NamedRegistry<AgentDefinition>;
  readonly tools: NamedRegistry<ToolDefinition>;
  readonly events: EventLog;
  readonly runStore: RunStore;
  readonly bus: Bus;
  readonly publisher: EventPublisher;
  readonly logger: Logger;
  readonly eventRetention: EventRetention;
  /** Same contract as the global `getExecutionTracker`, for this runtime. */
  getExecutionTracker(): AgentExecutionTracker;
  getExecutionTracker(options: { userId: string }): UserExecutionScope;
  /** Recovers runs left by a previous process and starts the timers. Idempotent. */
  start(): Promise<void>;
  /** Readiness of the stores and bus. */
  health(): Promise<Record<string, boolean>>;
  /**
   * Stops accepting runs, lets running ones finish for `graceMs`, cancels the rest with reason `shutdown`, flushes and
   * closes the stores. Idempotent.
   */
  close(graceMs?: number): Promise<void>;
}

/**
 * Builds an independent runtime: for tests (with a `FakeClock` and memory stores), embedding, and the server.
 * This and `getExecutionTracker()` are the only ways to obtain a tracker.
 */
export function createRuntime(options: RuntimeOptions = {}): Runtime {
  const clock = options.clock ?? systemClock;
  const nodeId = options.nodeId ?? newNodeId();
  const logger = options.logger ?? silentLogger;
  const eventRetention: EventRetention = {
    maxAgeMs: toMs(options.eventRetention?.maxAge ?? DEFAULT_EVENT_RETENTION.maxAgeMs, 'eventRetention.maxAge'),
    maxEventsPerUser: options.eventRetention?.maxEventsPerUser ?? DEFAULT_EVENT_RETENTION.maxEventsPerUser,
  };
  const stores = (options.stores ?? memoryStores)({ clock, retention: eventRetention, nodeId });
  const tracker = constructExecutionTracker({
    clock,
    nodeId,
    heartbeatTimeoutMs: toMs(
      options.heartbeatTimeout ?? DEFAULT_TRACKER_OPTIONS.heartbeatTimeoutMs,
      'heartbeatTimeout',
    ),
    defaultRunTimeoutMs: toMs(options.runTimeout ?? DEFAULT_TRACKER_OPTIONS.defaultRunTimeoutMs, 'runTimeout'),
    sweepIntervalMs: toMs(options.sweepInterval ?? DEFAULT_TRACKER_OPTIONS.sweepIntervalMs, 'sweepInterval'),
    maxFinishedRecords: options.maxFinishedRecords ?? DEFAULT_TRACKER_OPTIONS.maxFinishedRecords,
    finishedRecordTtlMs: toMs(
      options.finishedRecordTtl ?? DEFAULT_TRACKER_OPTIONS.finishedRecordTtlMs,
      'finishedRecordTtl',
    ),
  });
  const runRetentionMs = toMs(options.runRetention ?? '7d', 'runRetention');
  const builtins = options.builtins ?? true;
  const tools = new NamedRegistry<ToolDefinition>('tool', [
    ...(builtins ? [calculatorTool, clockTool, myRunsTool] : []),
    ...(options.tools ?? []),
  ] as ToolDefinition[]);
  const agents = new NamedRegistry<AgentDefinition>('agent', [
    ...(builtins ? [supervisorAgent, echoAgent] : []),
    ...(options.agents ?? []),
  ] as AgentDefinition[]);

  const writer = new RunStoreWriter(tracker, stores.runs, (error, record) =>
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
  const runner = new AgentRunner({
    tracker,
    agents,
    tools,
    publisher,
    clock,
    heartbeatIntervalMs: toMs(options.heartbeatInterval ?? 10_000, 'heartbeatInterval'),
    onFault: (error, where) => logger.error({ err: error, where }, 'runner fault'),
  });
  const limits: SchedulerLimits = { ...DEFAULT_SCHEDULER_LIMITS, ...options.scheduler };
  const leaseTtlMs = toMs(options.leaseTtl ?? DEFAULT_LEASE_TTL_MS, 'leaseTtl');
  const renewIntervalMs = toMs(options.leaseRenewInterval ?? Math.round(leaseTtlMs / 3), 'leaseRenewInterval');
  const keeper =
    stores.leases &&
    new RunLeaseKeeper({
      tracker,
      leases: stores.leases,
      nodeId,
      clock,
      ttlMs: leaseTtlMs,
      renewIntervalMs,
      onRetaken: (runId) => {
        const record = tracker.get(runId);
        if (record !== undefined) void writer.write(record);
        logger.warn({ runId }, 'run lease was gone from the store; took it again and rewrote the run');
      },
      onError: (error, where) => logger.error({ err: error, where }, 'run lease failure'),
    });
  // With leases, the per-user cap holds across the cluster (user slots tied to the runs' leases).
  const admission =
    stores.leases &&
    keeper &&
    new ClusterAdmission({
      leases: stores.leases,
      limit: limits.maxConcurrentRunsPerUser,
      leased: (runId) => keeper.leased(runId),
      clock,
      onError: (error, runId) =>
        logger.error({ err: error, runId }, 'cluster concurrency slot unavailable; the node cap alone applies'),
    });
  const scheduler = new RunScheduler({
    tracker,
    runner,
    agents,
    publisher,
    limits,
    ...(admission === undefined ? {} : { admission }),
  });
  const reaper =
    stores.leases &&
    keeper &&
    new DeadRunReaper({
      tracker,
      leases: stores.leases,
      store: stores.runs,
      log: stores.events,
      publisher,
      clock,
      ttlMs: leaseTtlMs,
      intervalMs: toMs(options.reapInterval ?? Math.round(renewIntervalMs / 2), 'reapInterval'),
      reachable: async () => (await stores.health?.())?.store ?? true,
      holds: (runId) => keeper.holds(runId),
      onReaped: (record) => logger.warn({ runId: record.runId, nodeId: record.nodeId }, 'ended a run of a lost node'),
      onError: (error, where) => logger.error({ err: error, where }, 'dead run reaper failure'),
    });
  const runs = new RunService({ tracker, store: stores.runs, log: stores.events, bus: stores.bus, scheduler });
  const router = new MessageRouter();
  registerRunHandlers(router, runs);
  registerSessionHandlers(router, clock);
  router.onInternalError((error, type) => logger.error({ err: error, frameType: type }, 'handler fault'));

  let started: Promise<void> | undefined;
  let closed: Promise<void> | undefined;
  let retentionTimer: Timer | undefined;
  let controlSubscription: { unsubscribe(): Promise<void> } | undefined;

  function getExecutionTracker(): AgentExecutionTracker;
  function getExecutionTracker(opts: { userId: string }): UserExecutionScope;
  function getExecutionTracker(opts?: unknown): AgentExecutionTracker | UserExecutionScope {
    return resolveTracker(tracker, opts);
  }

  async function recover(): Promise<void> {
    const leftovers = await stores.runs.listActive();
    for (const record of leftovers) {
      if (tracker.has(record.runId) || isTerminal(record.status)) continue;
      await endOrphanedRun({ tracker, events: stores.events, runStore: stores.runs, publisher, clock }, record, {
        code: 'node_restarted',
        message: `The server restarted while run '${record.runId}' was ${record.status}`,
      });
    }
    if (leftovers.length > 0) logger.warn({ count: leftovers.length }, 'ended runs left by a previous process');
  }

  const runtime: Runtime = {
    nodeId,
    clock,
    tracker,
    router,
    scheduler,
    runner,
    runs,
    agents,
    tools,
    events: stores.events,
    runStore: stores.runs,
    bus: stores.bus,
    publisher,
    logger,
    eventRetention,
    getExecutionTracker,
    start() {
      started ??= (async () => {
        if (options.recoverOnStart ?? true) await recover();
        controlSubscription = await stores.bus.subscribeControl(nodeId, (message) => {
          if (message.type === 'cancel' && tracker.get(message.runId)?.userId === message.userId) {
            tracker.cancel(message.runId, message.reason);
          }
        });
        tracker.start();
        keeper?.start();
        reaper?.start();
        retentionTimer = clock.setInterval(() => {
          const now = clock.now();
          Promise.all([stores.events.prune(now), stores.runs.prune(now - runRetentionMs)]).catch((error: unknown) =>
            logger.error({ err: error }, 'retention failed'),
          );
        }, 60_000);
      })();
      return started;
    },
    async health() {
      const base: Record<string, boolean> = { store: true, bus: stores.bus.health().ok };
      if (stores.health === undefined) return base;
      const extra = await stores.health().catch(() => ({ store: false }));
      return { ...base, ...extra };
    },
    close(graceMs = 0) {
      closed ??= (async () => {
        await reaper?.close();
        scheduler.close();
        admission?.close();
        if (graceMs > 0) await runner.waitForIdle(graceMs);
        for (const record of tracker.activeRecords()) tracker.cancel(record.runId, 'shutdown');
        tracker.close();
        retentionTimer?.cancel();
        await keeper?.close();
        await controlSubscription?.unsubscribe();
        // Bounded: with the store unreachable (Redis down) pending writes never settle, and shutdown must not hang.
        const flushed =
          (await within(clock, publisher.flush(), SHUTDOWN_FLUSH_MS)) &&
          (await within(clock, writer.flush(), SHUTDOWN_FLUSH_MS));
        if (!flushed)
          logger.error({ waitedMs: SHUTDOWN_FLUSH_MS }, 'store did not accept the last writes before shutdown');
        runner.close();
        writer.close();
        await stores.bus.close();
        await stores.events.close();
        await stores.runs.close();
        await stores.threads?.close();
      })();
      return closed;
    },
  };
  return runtime;
}

/** Default `leaseTtl`: a node silent for 15 s is taken for dead (its runs end within about 18 s). */
export const DEFAULT_LEASE_TTL_MS = 15_000;

/** The shared logic of every `getExecutionTracker`: no argument → the tracker; `{ userId }` → that user's scope. */
export function resolveTracker(
  tracker: AgentExecutionTracker,
  opts: unknown,
): AgentExecutionTracker | UserExecutionScope {
  if (opts === undefined) return tracker;
  if (opts === null || typeof opts !== 'object' || Array.isArray(opts)) {
    throw new InvalidArgumentError(
      `getExecutionTracker() expects no argument or an object { userId: string }, got ${describeValue(opts)}`,
    );
  }
  if (!('userId' in opts)) {
    throw new InvalidArgumentError('getExecutionTracker() expects { userId: string }; the object has no userId');
  }
  return tracker.forUser((opts as { userId: string }).userId);
}
