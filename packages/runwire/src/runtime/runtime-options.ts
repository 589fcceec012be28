import type { LanguageModel } from 'ai';
import type { AgentDefinition } from '../agents/agent-definition.js';
import type { ModelCallLimits } from '../agents/model/model-call-limits.js';
import type { ToolDefinition } from '../agents/tool.js';
import { type Clock, systemClock } from '../clock.js';
import { DEFAULTS } from '../config/defaults.js';
import { type DurationInput, toMs } from '../duration.js';
import { ConfigError } from '../errors.js';
import { newNodeId } from '../ids.js';
import { type Logger, silentLogger } from '../logger.js';
import type { AlertThresholds } from '../quality/quality-alerts.js';
import { DEFAULT_SCHEDULER_LIMITS, type SchedulerLimits } from '../runs/run-scheduler.js';
import type { EventRetention } from '../stores/event-log.js';
import { memoryStores } from '../stores/memory/memory-stores.js';
import type { StoresFactory } from '../stores/stores.js';
import type { TrackerOptions } from '../tracker/tracker-options.js';

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
  /** Quality rollups and alerts. */
  readonly quality?: {
    /** How long per-day rollups are kept. @default '90d' */
    readonly retention?: DurationInput;
    /**
     * How often the counters of the runs that ended are written to the store, in one batch (a crash loses at most
     * this much; shutdown writes everything). @default '1s'
     */
    readonly flushInterval?: DurationInput;
    /** Runs of one agent (per user) a failure-rate alert is judged on. @default 10 */
    readonly alertWindowRuns?: number;
    /** Share of failed, timed-out and dead runs over the window (0 to 1) that raises an alert. @default 0.5 */
    readonly alertFailureRate?: number;
  };
  /**
   * The server's model: `ctx.model` of every agent, the model of agents defined with `model: 'default'`, and with the
   * built-ins the `assistant` agent (then `user_message` without `agent` goes to it).
   */
  readonly model?: LanguageModel;
  /** Timeouts and retries of model calls. @default first token '2m', idle '30s', 2 retries, Retry-After cap '30s', tools '1m' */
  readonly modelLimits?: {
    readonly firstTokenTimeout?: DurationInput;
    readonly idleTimeout?: DurationInput;
    readonly maxRetries?: number;
    readonly retryBaseDelay?: DurationInput;
    readonly maxRetryAfter?: DurationInput;
    readonly toolTimeout?: DurationInput;
  };
  /** Earlier thread messages an LLM agent receives. @default 50 */
  readonly historyLimit?: number;
}

/** `RuntimeOptions` compiled: defaults applied (from `config/defaults.ts`), every duration in milliseconds. */
export interface RuntimeSettings {
  readonly clock: Clock;
  readonly nodeId: string;
  readonly logger: Logger;
  readonly stores: StoresFactory;
  readonly tracker: Omit<TrackerOptions, 'clock' | 'nodeId'>;
  readonly heartbeatIntervalMs: number;
  readonly limits: SchedulerLimits;
  readonly eventRetention: EventRetention;
  readonly runRetentionMs: number;
  readonly leaseTtlMs: number;
  readonly leaseRenewIntervalMs: number;
  readonly reapIntervalMs: number;
  readonly recoverOnStart: boolean;
  readonly builtins: boolean;
  readonly agents: readonly AgentDefinition[];
  readonly tools: readonly ToolDefinition[];
  readonly quality: {
    readonly retentionMs: number;
    readonly flushIntervalMs: number;
    readonly alerts: AlertThresholds;
  };
  readonly model: LanguageModel | undefined;
  readonly modelLimits: ModelCallLimits;
  readonly historyLimit: number;
  /** The agent of a `user_message` without `agent`: `assistant` with a model and the built-ins, else `supervisor`. */
  readonly defaultAgent: string;
}

/** Applies the defaults and compiles every duration. @throws ConfigError naming the option with a bad value. */
export function compileRuntimeOptions(options: RuntimeOptions): RuntimeSettings {
  const leaseTtlMs = toMs(options.leaseTtl ?? DEFAULTS.leaseTtlMs, 'leaseTtl');
  const leaseRenewIntervalMs = toMs(options.leaseRenewInterval ?? Math.round(leaseTtlMs / 3), 'leaseRenewInterval');
  return {
    clock: options.clock ?? systemClock,
    nodeId: options.nodeId ?? newNodeId(),
    logger: options.logger ?? silentLogger,
    stores: options.stores ?? memoryStores,
    tracker: {
      heartbeatTimeoutMs: toMs(options.heartbeatTimeout ?? DEFAULTS.runHeartbeatTimeoutMs, 'heartbeatTimeout'),
      defaultRunTimeoutMs: toMs(options.runTimeout ?? DEFAULTS.runTimeoutMs, 'runTimeout'),
      sweepIntervalMs: toMs(options.sweepInterval ?? DEFAULTS.sweepIntervalMs, 'sweepInterval'),
      maxFinishedRecords: options.maxFinishedRecords ?? DEFAULTS.maxFinishedRecords,
      finishedRecordTtlMs: toMs(options.finishedRecordTtl ?? DEFAULTS.finishedRecordTtlMs, 'finishedRecordTtl'),
    },
    heartbeatIntervalMs: toMs(options.heartbeatInterval ?? DEFAULTS.runHeartbeatIntervalMs, 'heartbeatInterval'),
    limits: { ...DEFAULT_SCHEDULER_LIMITS, ...options.scheduler },
    eventRetention: {
      maxAgeMs: toMs(options.eventRetention?.maxAge ?? DEFAULTS.eventRetentionMs, 'eventRetention.maxAge'),
      maxEventsPerUser: options.eventRetention?.maxEventsPerUser ?? DEFAULTS.eventRetentionCount,
    },
    runRetentionMs: toMs(options.runRetention ?? DEFAULTS.runRetentionMs, 'runRetention'),
    leaseTtlMs,
    leaseRenewIntervalMs,
    reapIntervalMs: toMs(options.reapInterval ?? Math.round(leaseRenewIntervalMs / 2), 'reapInterval'),
    recoverOnStart: options.recoverOnStart ?? true,
    builtins: options.builtins ?? true,
    agents: options.agents ?? [],
    tools: options.tools ?? [],
    quality: {
      retentionMs: toMs(options.quality?.retention ?? DEFAULTS.qualityRetentionMs, 'quality.retention'),
      flushIntervalMs: positiveInteger(
        toMs(options.quality?.flushInterval ?? DEFAULTS.qualityFlushIntervalMs, 'quality.flushInterval'),
        'quality.flushInterval (ms)',
      ),
      alerts: {
        windowRuns: positiveInteger(
          options.quality?.alertWindowRuns ?? DEFAULTS.alertWindowRuns,
          'quality.alertWindowRuns',
        ),
        failureRate: share(options.quality?.alertFailureRate ?? DEFAULTS.alertFailurePercent / 100),
      },
    },
    model: options.model,
    modelLimits: compileModelLimits(options.modelLimits ?? {}),
    historyLimit: positiveInteger(options.historyLimit ?? DEFAULTS.historyLimit, 'historyLimit'),
    defaultAgent: options.model !== undefined && (options.builtins ?? true) ? DEFAULTS.llmAgent : DEFAULTS.agent,
  };
}

function share(value: number): number {
  if (!(value > 0 && value <= 1)) {
    throw new ConfigError(`quality.alertFailureRate must be above 0 and at most 1, got ${value}`);
  }
  return value;
}

function compileModelLimits(limits: NonNullable<RuntimeOptions['modelLimits']>): ModelCallLimits {
  return {
    firstTokenTimeoutMs: toMs(
      limits.firstTokenTimeout ?? DEFAULTS.llmFirstTokenTimeoutMs,
      'modelLimits.firstTokenTimeout',
    ),
    idleTimeoutMs: toMs(limits.idleTimeout ?? DEFAULTS.llmIdleTimeoutMs, 'modelLimits.idleTimeout'),
    maxRetries: nonNegativeInteger(limits.maxRetries ?? DEFAULTS.llmMaxRetries, 'modelLimits.maxRetries'),
    retryBaseDelayMs: toMs(limits.retryBaseDelay ?? DEFAULTS.llmRetryBaseDelayMs, 'modelLimits.retryBaseDelay'),
    maxRetryAfterMs: toMs(limits.maxRetryAfter ?? DEFAULTS.llmMaxRetryAfterMs, 'modelLimits.maxRetryAfter'),
    toolTimeoutMs: toMs(limits.toolTimeout ?? DEFAULTS.llmToolTimeoutMs, 'modelLimits.toolTimeout'),
  };
}

function nonNegativeInteger(value: number, name: string): number {
  if (!Number.isSafeInteger(value) || value < 0) {
    throw new ConfigError(`Invalid ${name}: expected an integer of 0 or more, got ${String(value)}`);
  }
  return value;
}

function positiveInteger(value: number, name: string): number {
  if (!Number.isSafeInteger(value) || value < 1) {
    throw new ConfigError(`Invalid ${name}: expected an integer of 1 or more, got ${String(value)}`);
  }
  return value;
}
