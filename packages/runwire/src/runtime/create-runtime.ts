import type { AgentDefinition } from '../agents/agent-definition.js';
import type { NamedRegistry } from '../agents/named-registry.js';
import type { ToolDefinition } from '../agents/tool.js';
import { type Clock, type Timer, within } from '../clock.js';
import { DEFAULTS } from '../config/defaults.js';
import { UserExecutionContext } from '../context/user-execution-context.js';
import type { Logger } from '../logger.js';
import type { MessageRouter } from '../routing/message-router.js';
import type { AgentRunner } from '../runs/agent-runner.js';
import type { EventPublisher } from '../runs/event-publisher.js';
import { endOrphanedRun } from '../runs/orphaned-run.js';
import type { RunLifecycle } from '../runs/run-lifecycle.js';
import type { RunScheduler } from '../runs/run-scheduler.js';
import type { RunService } from '../runs/run-service.js';
import type { ThreadHistory } from '../runs/thread-history.js';
import type { Bus } from '../stores/bus.js';
import type { EventLog, EventRetention } from '../stores/event-log.js';
import { dayOf } from '../stores/quality-rollups.js';
import type { RunStore } from '../stores/run-store.js';
import type { Stores } from '../stores/stores.js';
import { type AgentExecutionTracker, constructExecutionTracker } from '../tracker/execution-tracker.js';
import { isTerminal } from '../tracker/run-status.js';
import type { UserExecutionScope } from '../tracker/user-execution-scope.js';
import { buildQuality, type QualityParts } from './build-quality.js';
import { buildRegistries } from './build-registries.js';
import { buildRouter } from './build-router.js';
import { buildRunPath, type RunPath } from './build-run-path.js';
import { resolveTracker } from './resolve-tracker.js';
import { compileRuntimeOptions, type RuntimeOptions, type RuntimeSettings } from './runtime-options.js';

export type { RuntimeOptions } from './runtime-options.js';

/** How long shutdown waits for the last event and record writes to reach the store. */
const SHUTDOWN_FLUSH_MS = 5_000;

/** A wired set of tracker, stores, bus, router, scheduler and agents. Build with `createRuntime()`. */
export interface Runtime {
  readonly nodeId: string;
  readonly clock: Clock;
  readonly tracker: AgentExecutionTracker;
  readonly router: MessageRouter;
  readonly scheduler: RunScheduler;
  readonly runner: AgentRunner;
  readonly runs: RunService;
  /** Thread history (`list_threads`, `get_thread`, `/api/threads`). */
  readonly threads: ThreadHistory;
  /** The agent of a `user_message` (or `POST /api/runs {content}`) without `agent`. */
  readonly defaultAgent: string;
  /** The one step that ends a run (record, terminal event, lease, scheduler slot, observers). */
  readonly lifecycle: RunLifecycle;
  readonly agents: NamedRegistry<AgentDefinition>;
  readonly tools: NamedRegistry<ToolDefinition>;
  readonly events: EventLog;
  readonly runStore: RunStore;
  readonly bus: Bus;
  readonly publisher: EventPublisher;
  readonly logger: Logger;
  readonly eventRetention: EventRetention;
  /** Quality rollups (per day, merged across nodes), the recorder that writes each run's end, alert subscriptions. */
  readonly quality: QualityParts;
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
 * This and `getExecutionTracker()` are the only ways to obtain a tracker. The wiring is in small builders (options,
 * registries, run path, router); this function joins them and owns start and shutdown.
 */
export function createRuntime(options: RuntimeOptions = {}): Runtime {
  const settings = compileRuntimeOptions(options);
  const { clock, nodeId, logger } = settings;
  const stores = settings.stores({ clock, retention: settings.eventRetention, nodeId });
  const tracker = constructExecutionTracker({ clock, nodeId, ...settings.tracker });
  const registries = buildRegistries(settings);
  const path = buildRunPath(settings, tracker, stores, registries);
  const router = buildRouter(
    { runs: path.service, history: path.history, defaultAgent: settings.defaultAgent },
    clock,
    logger,
  );
  const quality = buildQuality(settings, tracker, stores, path, router);
  const lifetime = new RuntimeLifetime(settings, tracker, stores, path, quality);
  tracker.setRunStarter((userId, input) =>
    path.service.start(UserExecutionContext.create({ userId }), {
      agent: input.agent,
      input:
        input.content === undefined
          ? { kind: 'input', value: input.input }
          : { kind: 'message', content: input.content },
      ...(input.threadId === undefined ? {} : { threadId: input.threadId }),
    }),
  );

  function getExecutionTracker(): AgentExecutionTracker;
  function getExecutionTracker(opts: { userId: string }): UserExecutionScope;
  function getExecutionTracker(opts?: unknown): AgentExecutionTracker | UserExecutionScope {
    return resolveTracker(tracker, opts);
  }

  return {
    nodeId,
    clock,
    tracker,
    router,
    scheduler: path.scheduler,
    runner: path.runner,
    runs: path.service,
    threads: path.history,
    defaultAgent: settings.defaultAgent,
    lifecycle: path.lifecycle,
    agents: registries.agents,
    tools: registries.tools,
    events: stores.events,
    runStore: stores.runs,
    bus: stores.bus,
    publisher: path.publisher,
    logger,
    eventRetention: settings.eventRetention,
    quality,
    getExecutionTracker,
    start: () => lifetime.start(),
    health: () => lifetime.health(),
    close: (graceMs = 0) => lifetime.close(graceMs),
  };
}

/** Start (recovery, cancels from other nodes, timers), readiness and shutdown of one runtime. */
class RuntimeLifetime {
  readonly #settings: RuntimeSettings;
  readonly #tracker: AgentExecutionTracker;
  readonly #stores: Stores;
  readonly #path: RunPath;
  readonly #quality: QualityParts;
  #started: Promise<void> | undefined;
  #closed: Promise<void> | undefined;
  #retentionTimer: Timer | undefined;
  #controlSubscription: { unsubscribe(): Promise<void> } | undefined;

  constructor(
    settings: RuntimeSettings,
    tracker: AgentExecutionTracker,
    stores: Stores,
    path: RunPath,
    quality: QualityParts,
  ) {
    this.#settings = settings;
    this.#tracker = tracker;
    this.#stores = stores;
    this.#path = path;
    this.#quality = quality;
  }

  /** Recovers runs left by a previous process and starts the timers. Idempotent. */
  start(): Promise<void> {
    this.#started ??= (async () => {
      const { clock, nodeId, logger, runRetentionMs } = this.#settings;
      const tracker = this.#tracker;
      const stores = this.#stores;
      if (this.#settings.recoverOnStart) await this.#recover();
      this.#controlSubscription = await stores.bus.subscribeControl(nodeId, (message) => {
        if (message.type === 'cancel' && tracker.get(message.runId)?.userId === message.userId) {
          tracker.cancel(message.runId, message.reason);
        }
      });
      tracker.start();
      this.#path.cluster?.keeper.start();
      this.#path.cluster?.reaper.start();
      this.#retentionTimer = clock.setInterval(() => {
        const now = clock.now();
        Promise.all([
          stores.events.prune(now),
          stores.runs.prune(now - runRetentionMs),
          this.#quality.rollups.prune(dayOf(now - this.#settings.quality.retentionMs)),
          this.#quality.checks.prune(dayOf(now - this.#settings.quality.retentionMs)),
        ]).catch((error: unknown) => logger.error({ err: error }, 'retention failed'));
      }, DEFAULTS.retentionIntervalMs);
    })();
    return this.#started;
  }

  async health(): Promise<Record<string, boolean>> {
    const base: Record<string, boolean> = { store: true, bus: this.#stores.bus.health().ok };
    if (this.#stores.health === undefined) return base;
    const extra = await this.#stores.health().catch(() => ({ store: false }));
    return { ...base, ...extra };
  }

  /**
   * Stops accepting runs, lets running ones finish for `graceMs`, cancels the rest with reason `shutdown`, flushes
   * and closes the stores. Idempotent.
   */
  close(graceMs: number): Promise<void> {
    this.#closed ??= (async () => {
      const { clock, logger } = this.#settings;
      const { scheduler, runner, publisher, writer, lifecycle, cluster } = this.#path;
      await cluster?.reaper.close();
      scheduler.close();
      cluster?.admission.close();
      if (graceMs > 0) await runner.waitForIdle(graceMs);
      for (const record of this.#tracker.activeRecords()) this.#tracker.cancel(record.runId, 'shutdown');
      this.#tracker.close();
      this.#retentionTimer?.cancel();
      await cluster?.keeper.close();
      await this.#controlSubscription?.unsubscribe();
      // Bounded: with the store unreachable (Redis down) pending writes never settle, and shutdown must not hang.
      const flushed =
        (await within(clock, publisher.flush(), SHUTDOWN_FLUSH_MS)) &&
        (await within(clock, writer.flush(), SHUTDOWN_FLUSH_MS));
      if (!flushed)
        logger.error({ waitedMs: SHUTDOWN_FLUSH_MS }, 'store did not accept the last writes before shutdown');
      await within(clock, this.#quality.recorder.close(), SHUTDOWN_FLUSH_MS);
      lifecycle.close();
      runner.close();
      writer.close();
      // History follows the events just flushed; bounded like them.
      await within(clock, this.#path.history.flush(), SHUTDOWN_FLUSH_MS);
      await this.#stores.bus.close();
      await this.#stores.events.close();
      await this.#stores.runs.close();
      await this.#quality.rollups.close();
      await this.#quality.checks.close();
      await this.#stores.threads?.close();
    })();
    return this.#closed;
  }

  /** Ends, as `dead` (`node_restarted`), the unfinished runs a previous process left in the store. */
  async #recover(): Promise<void> {
    const { clock, logger } = this.#settings;
    const tracker = this.#tracker;
    const stores = this.#stores;
    const leftovers = await stores.runs.listActive();
    for (const record of leftovers) {
      if (tracker.has(record.runId) || isTerminal(record.status)) continue;
      const parts = { tracker, events: stores.events, runStore: stores.runs, publisher: this.#path.publisher, clock };
      await endOrphanedRun(parts, record, {
        code: 'node_restarted',
        message: `The server restarted while run '${record.runId}' was ${record.status}`,
      });
    }
    if (leftovers.length > 0) logger.warn({ count: leftovers.length }, 'ended runs left by a previous process');
  }
}
