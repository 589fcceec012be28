/**
 * Every default of Runwire, defined once. The option table (`--help`, the README table, docs), the config compiler,
 * the runtime builder and the library classes all read these; none writes a default of its own. Durations are in
 * milliseconds. This module imports nothing, so every layer may read it.
 */

/** What a new run on a busy thread does (docs/protocol.md §6). */
export type ThreadPolicy =
  /** The new run waits for the thread (`run_queued {reason:"thread_busy"}`). */
  | 'enqueue'
  /** The new run is refused with `thread_busy`. */
  | 'reject'
  /** The running run is cancelled (`reason:"interrupted"`) and the new one starts. */
  | 'interrupt';

/** The thread policies, in the order `--help` lists them. */
export const THREAD_POLICIES: readonly ThreadPolicy[] = ['enqueue', 'reject', 'interrupt'];

const SECOND = 1_000;
const MINUTE = 60 * SECOND;
const HOUR = 60 * MINUTE;
const DAY = 24 * HOUR;

export const DEFAULTS = {
  /** Interface the server listens on: loopback, so a dev server is never reachable from outside by accident. */
  host: '127.0.0.1',
  port: 8080,
  store: 'sqlite',
  /** The SQLite file, relative to the working directory. */
  sqliteFile: './.runwire/runwire.db',
  redisUrl: 'redis://127.0.0.1:6379',
  redisPrefix: 'runwire:',
  /** A node that renews no run lease for this long is taken for dead (its runs end within about 1.2 × this). */
  leaseTtlMs: 15 * SECOND,
  /** WebSocket ping interval. */
  socketHeartbeatMs: 30 * SECOND,
  maxFrameBytes: 128 * 1024,
  rateLimitPerSecond: 50,
  rateBurst: 100,
  maxBufferedBytes: 4 * 1024 * 1024,
  /** WebSocket upgrades verified and set up at the same time, over all clients (the others wait their turn). */
  maxHandshakes: 4,
  /** Upgrades of one client address in progress or waiting. */
  maxHandshakesPerIp: 64,
  /** Upgrades of one user being set up at the same time. */
  maxHandshakesPerUser: 16,
  /** Open WebSocket connections of one client address. */
  maxConnectionsPerIp: 1024,
  /** Open WebSocket connections of one user. */
  maxConnectionsPerUser: 64,
  shutdownGraceMs: 10 * SECOND,
  threadPolicy: 'enqueue' as ThreadPolicy,
  maxRunsPerUser: 4,
  maxQueuedPerUser: 32,
  /** Running runs on one node, all users together. */
  maxRunsPerNode: 256,
  runTimeoutMs: 15 * MINUTE,
  /** A running run with no heartbeat for this long is marked dead. */
  runHeartbeatTimeoutMs: 30 * SECOND,
  /** How often a running agent heartbeats on its own. */
  runHeartbeatIntervalMs: 10 * SECOND,
  /** How often the tracker's sweeper looks for dead and overdue runs. */
  sweepIntervalMs: SECOND,
  /** Finished records kept in the tracker's memory. */
  maxFinishedRecords: 10_000,
  finishedRecordTtlMs: HOUR,
  eventRetentionMs: DAY,
  eventRetentionCount: 10_000,
  /** How long finished runs stay in the run store. */
  runRetentionMs: 7 * DAY,
  /** How often retention prunes the event log and the run store. */
  retentionIntervalMs: MINUTE,
  logLevel: 'info',
  /** The agent a `user_message` without `agent` goes to. */
  agent: 'supervisor',
  /** How long per-day quality rollups are kept. */
  qualityRetentionMs: 90 * DAY,
  /** How often buffered quality counters are written to the store (a crash loses at most this much). */
  qualityFlushIntervalMs: SECOND,
  /** The period of `get_quality_metrics` without `periodHours`. */
  qualityPeriodHours: 24,
  /** Runs of one agent (per user) a failure-rate alert is judged on. */
  alertWindowRuns: 10,
  /** Share (in %) of failed, timed-out and dead runs over the window that raises a failure-rate alert. */
  alertFailurePercent: 50,
  /** The period of `runwire report` and `GET /api/admin/report` without `since`. */
  reportSinceMs: 7 * DAY,
  /** The agent a `user_message` without `agent` goes to when a model is configured (`--llm-model`). */
  llmAgent: 'assistant',
  /** Nothing from the model for this long after a request: `llm_stalled` (`first_token`). */
  llmFirstTokenTimeoutMs: 2 * MINUTE,
  /** Silence between two chunks of a model's stream longer than this: `llm_stalled` (`between_chunks`). */
  llmIdleTimeoutMs: 30 * SECOND,
  /** Retries of a model request that failed before anything of it reached the user (429, 5xx, unreachable). */
  llmMaxRetries: 2,
  /** First retry delay without `Retry-After`; doubles per retry. */
  llmRetryBaseDelayMs: SECOND,
  /** `Retry-After` is honoured up to this (never past the run's deadline); a longer one ends the run at once. */
  llmMaxRetryAfterMs: 30 * SECOND,
  /** A tool call of an LLM agent that takes longer ends the run with `tool_timeout`. */
  llmToolTimeoutMs: MINUTE,
  /** Model calls per LLM-agent run, tool rounds included. */
  llmMaxSteps: 8,
  /** Earlier thread messages an LLM agent receives (oldest dropped first). */
  historyLimit: 50,
} as const;
