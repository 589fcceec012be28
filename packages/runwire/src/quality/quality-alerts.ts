import type { Clock } from '../clock.js';
import type { QualityAlertFrame } from '../protocol/quality-frames.js';
import type { RunQualitySample } from './quality-recorder.js';

/** When a failure-rate alert fires. */
export interface AlertThresholds {
  /** Runs of one agent (of one user) the failure rate is measured over. */
  readonly windowRuns: number;
  /** Failed, timed-out and dead runs over the window, 0 to 1, at or above which the alert fires. */
  readonly failureRate: number;
}

/** Where one subscribed connection takes its alerts. */
export type AlertSink = (frame: QualityAlertFrame) => void;

/** Windows kept at most (per user and agent); the oldest is dropped first. */
const MAX_WINDOWS = 10_000;

/**
 * The alert subscriptions of this node's connections and the recent outcomes they are judged on. An alert about a
 * run goes only to the connections of that run's user that subscribed (no other user ever sees it):
 * - `run_dead` / `run_timeout` when one of the user's runs ends so;
 * - `failure_rate` when, over the last `windowRuns` runs of one agent of the user, the share that failed, timed
 *   out or died reaches `failureRate`. It fires when the rate crosses the threshold, not again while it stays above.
 *
 * Runs are seen by the node that ends them, so a subscription hears of the runs that end on its node.
 */
export class QualityAlerts {
  readonly #thresholds: AlertThresholds;
  readonly #clock: Clock;
  /** userId → connectionId → sink. */
  readonly #subscriptions = new Map<string, Map<string, AlertSink>>();
  /** `userId agent` → the last outcomes and whether the alert is raised. */
  readonly #windows = new Map<string, OutcomeWindow>();

  constructor(thresholds: AlertThresholds, clock: Clock) {
    this.#thresholds = thresholds;
    this.#clock = clock;
  }

  /** Subscribes one connection (again: replaces its sink). Returns the unsubscribe. */
  subscribe(userId: string, connectionId: string, sink: AlertSink): () => void {
    let connections = this.#subscriptions.get(userId);
    if (connections === undefined) {
      connections = new Map();
      this.#subscriptions.set(userId, connections);
    }
    connections.set(connectionId, sink);
    return () => this.unsubscribe(userId, connectionId);
  }

  /** Ends one connection's subscription (idempotent). */
  unsubscribe(userId: string, connectionId: string): void {
    const connections = this.#subscriptions.get(userId);
    if (connections === undefined) return;
    connections.delete(connectionId);
    if (connections.size === 0) this.#subscriptions.delete(userId);
  }

  /** Subscribed connections, all users. */
  get subscriptions(): number {
    let n = 0;
    for (const connections of this.#subscriptions.values()) n += connections.size;
    return n;
  }

  /** Judges one finished run and sends what it raises to its user's subscribed connections. */
  runEnded(sample: RunQualitySample): void {
    const failure = sample.status === 'failed' || sample.status === 'timeout' || sample.status === 'dead';
    // Most runs raise nothing: the alert list and its timestamp are only made for one that does.
    let alerts: QualityAlertFrame[] | undefined;
    if (sample.status === 'dead' || sample.status === 'timeout') {
      alerts = [];
      alerts.push({
        type: 'quality_alert',
        alert: sample.status === 'dead' ? 'run_dead' : 'run_timeout',
        agent: sample.agent,
        runId: sample.runId,
        message:
          sample.status === 'dead'
            ? `Run '${sample.runId}' of agent '${sample.agent}' died: ${sample.error?.message ?? 'no heartbeat'}`
            : `Run '${sample.runId}' of agent '${sample.agent}' timed out after ${sample.durationMs} ms`,
        ts: this.#now(),
      });
    }
    if (sample.status !== 'cancelled') {
      const rate = this.#observe(sample.userId, sample.agent, failure);
      if (rate !== undefined) {
        const { windowRuns } = this.#thresholds;
        alerts ??= [];
        alerts.push({
          type: 'quality_alert',
          alert: 'failure_rate',
          agent: sample.agent,
          message: `Agent '${sample.agent}' failed ${Math.round(rate * 100)}% of your last ${windowRuns} runs (threshold ${Math.round(this.#thresholds.failureRate * 100)}%)`,
          failureRate: rate,
          windowRuns,
          ts: this.#now(),
        });
      }
    }
    if (alerts === undefined) return;
    const connections = this.#subscriptions.get(sample.userId);
    if (connections === undefined) return;
    for (const alert of alerts) for (const sink of connections.values()) sink(alert);
  }

  #now(): string {
    return new Date(this.#clock.now()).toISOString();
  }

  /** Records one outcome; returns the failure rate when it has just crossed the threshold. */
  #observe(userId: string, agent: string, failure: boolean): number | undefined {
    const key = `${userId}\u001f${agent}`;
    let window = this.#windows.get(key);
    if (window === undefined) {
      if (this.#windows.size >= MAX_WINDOWS) {
        const oldest = this.#windows.keys().next().value;
        if (oldest !== undefined) this.#windows.delete(oldest);
      }
      window = new OutcomeWindow(this.#thresholds.windowRuns);
    } else {
      this.#windows.delete(key);
    }
    this.#windows.set(key, window);
    window.push(failure);
    if (!window.full) return undefined;
    const rate = window.failures / window.size;
    const above = rate >= this.#thresholds.failureRate;
    const crossed = above && !window.raised;
    window.raised = above;
    return crossed ? rate : undefined;
  }
}

/** The last `size` outcomes of one user's agent, in a ring, with the failures among them counted as they pass. */
class OutcomeWindow {
  readonly size: number;
  readonly #failed: Uint8Array;
  #next = 0;
  #seen = 0;
  failures = 0;
  /** Whether the failure-rate alert is raised (it fires again only after the rate fell below the threshold). */
  raised = false;

  constructor(size: number) {
    this.size = size;
    this.#failed = new Uint8Array(size);
  }

  get full(): boolean {
    return this.#seen >= this.size;
  }

  push(failure: boolean): void {
    const value = failure ? 1 : 0;
    this.failures += value - (this.#failed[this.#next] ?? 0);
    this.#failed[this.#next] = value;
    this.#next = (this.#next + 1) % this.size;
    if (this.#seen < this.size) this.#seen++;
  }
}
