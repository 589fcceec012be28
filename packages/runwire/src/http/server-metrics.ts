import { monitorEventLoopDelay } from 'node:perf_hooks';
import { Counter, Gauge, Histogram, Registry } from 'prom-client';
import { type RunEvent, TERMINAL_EVENT_TYPES } from '../protocol/run-events.js';
import type { Runtime } from '../runtime/create-runtime.js';
import { blockedTrackerConstructions } from '../tracker/execution-tracker.js';
import { RUN_STATUSES } from '../tracker/run-status.js';
import { LabelCounter } from './label-counter.js';

/**
 * The server's Prometheus metrics, in a registry of its own (several servers in one process never share counters).
 * Labels are bounded: frame types, states, close codes; never user or run ids.
 */
export class ServerMetrics {
  readonly registry = new Registry();
  readonly connections = new Gauge({
    name: 'runwire_connections',
    help: 'Open WebSocket connections',
    registers: [this.registry],
  });
  readonly connectionsOpened = new Counter({
    name: 'runwire_connections_opened_total',
    help: 'WebSocket connections accepted',
    registers: [this.registry],
  });
  readonly upgradesRefused = new Counter({
    name: 'runwire_upgrades_refused_total',
    help: 'WebSocket upgrades refused, by HTTP status',
    labelNames: ['status'],
    registers: [this.registry],
  });
  readonly connectionsClosed = new Counter({
    name: 'runwire_connections_closed_total',
    help: 'WebSocket connections closed, by close code',
    labelNames: ['code'],
    registers: [this.registry],
  });
  readonly framesReceived = new LabelCounter({
    name: 'runwire_frames_received_total',
    help: 'Inbound frames, by type (invalid: not parseable or unknown type)',
    label: 'type',
    registry: this.registry,
  });
  readonly framesSent = new LabelCounter({
    name: 'runwire_frames_sent_total',
    help: 'Outbound frames, by type',
    label: 'type',
    registry: this.registry,
  });
  readonly frameErrors = new Counter({
    name: 'runwire_frame_errors_total',
    help: 'Inbound frames answered with an error, by code',
    labelNames: ['code'],
    registers: [this.registry],
  });
  readonly rateLimited = new Counter({
    name: 'runwire_rate_limited_frames_total',
    help: 'Inbound frames refused by the rate limit',
    registers: [this.registry],
  });
  readonly dispatchSeconds = new Histogram({
    name: 'runwire_dispatch_seconds',
    help: 'Time to handle one inbound frame, by type',
    labelNames: ['type'],
    buckets: [0.0001, 0.00025, 0.0005, 0.001, 0.0025, 0.005, 0.01, 0.025, 0.05, 0.1, 0.25, 1],
    registers: [this.registry],
  });
  readonly runDuration = new Histogram({
    name: 'runwire_run_duration_seconds',
    help: 'Duration of finished runs, by final status',
    labelNames: ['status'],
    buckets: [0.01, 0.05, 0.1, 0.5, 1, 5, 10, 30, 60, 300, 900],
    registers: [this.registry],
  });
  readonly timeToFirstEvent = new Histogram({
    name: 'runwire_time_to_first_event_seconds',
    help: 'Time from accepting a run to its first event',
    buckets: [0.0005, 0.001, 0.0025, 0.005, 0.01, 0.025, 0.05, 0.1, 0.5, 1],
    registers: [this.registry],
  });
  readonly events = new LabelCounter({
    name: 'runwire_events_total',
    help: 'Run events logged, by type',
    label: 'type',
    registry: this.registry,
  });

  /** Event-loop delay samples (10 ms resolution), read and reset by each scrape. */
  readonly #loopDelay = monitorEventLoopDelay({ resolution: 10 });

  /** Samples the runtime at scrape time (runs by state, tracker counters). */
  constructor(runtime: Runtime) {
    const tracker = runtime.tracker;
    const loopDelay = this.#loopDelay;
    loopDelay.enable();
    new Gauge({
      name: 'runwire_event_loop_delay_max_seconds',
      help: 'Longest event-loop delay since the previous scrape (how long the busiest turn held every socket up)',
      registers: [this.registry],
      collect() {
        this.set(loopDelay.count > 0 ? loopDelay.max / 1e9 : 0);
        loopDelay.reset();
      },
    });
    new Gauge({
      name: 'runwire_runs',
      help: 'Runs held by this node, by state',
      labelNames: ['state'],
      registers: [this.registry],
      collect() {
        const { byState } = tracker.stats();
        for (const state of RUN_STATUSES) this.set({ state }, byState[state]);
      },
    });
    new Counter({
      name: 'runwire_runs_ended_total',
      help: 'Runs that ended on this node, by final state',
      labelNames: ['state'],
      registers: [this.registry],
      collect() {
        const { ended } = tracker.stats();
        this.reset();
        for (const [state, n] of Object.entries(ended)) this.inc({ state }, n);
      },
    });
    new Counter({
      name: 'runwire_tracker_blocked_constructions_total',
      help: 'Attempts to construct AgentExecutionTracker directly (blocked)',
      registers: [this.registry],
      collect() {
        this.reset();
        this.inc(blockedTrackerConstructions());
      },
    });
    new Counter({
      name: 'runwire_denied_cross_user_access_total',
      help: "Reads or writes of another user's run, answered as not found",
      registers: [this.registry],
      collect() {
        this.reset();
        this.inc(tracker.deniedCrossUserAccesses);
      },
    });
    runtime.router.onDispatch((record) => {
      this.framesReceived.inc(record.type);
      this.dispatchSeconds.observe({ type: record.type }, record.durationMs / 1000);
      if (record.outcome !== 'ok') this.frameErrors.inc({ code: record.outcome });
    });
    runtime.publisher.onPublished((event) => this.#onEvent(event, runtime));
    // A run whose terminal event is never logged here (refused by the log's fence, or failed) still leaves the set.
    runtime.lifecycle.onEnded((record) => this.#queued.delete(record.runId));
  }

  /** Stops sampling the event loop. Idempotent. */
  close(): void {
    this.#loopDelay.disable();
  }

  /** Runs announced with `run_queued` that have not started or ended yet (their first event is already timed). */
  readonly #queued = new Set<string>();

  /** Times the first event of each run (`run_queued`, or `agent_started` of a run that never queued: rule 1). */
  #onEvent(event: RunEvent, runtime: Runtime): void {
    this.events.inc(event.type);
    const first = event.type === 'run_queued' || (event.type === 'agent_started' && !this.#queued.delete(event.runId));
    if (first) {
      const record = runtime.tracker.get(event.runId);
      if (record !== undefined) {
        this.timeToFirstEvent.observe(Math.max(0, Date.parse(event.ts) - record.createdAt) / 1000);
      }
      if (event.type === 'run_queued') this.#queued.add(event.runId);
    }
    if (TERMINAL_EVENT_TYPES.has(event.type) && 'durationMs' in event && 'status' in event) {
      this.#queued.delete(event.runId);
      this.runDuration.observe({ status: event.status }, event.durationMs / 1000);
    }
  }
}
