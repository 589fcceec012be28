/** Runwire's public API. Deep imports are not part of it. */

export type { AgentDefinition } from './agents/agent-definition.js';
export { defineAgent } from './agents/agent-definition.js';
export { echoAgent } from './agents/builtin/echo-agent.js';
export { supervisorAgent } from './agents/builtin/supervisor-agent.js';
export { NamedRegistry } from './agents/named-registry.js';
export type { ToolCallContext, ToolDefinition } from './agents/tool.js';
export { defineTool } from './agents/tool.js';
export { calculatorTool } from './agents/tools/calculator-tool.js';
export { clockTool } from './agents/tools/clock-tool.js';
export { ExpressionError, evaluateExpression } from './agents/tools/expression.js';
export { myRunsTool } from './agents/tools/my-runs-tool.js';
export type { Clock, Timer } from './clock.js';
export { FakeClock, systemClock } from './clock.js';
export type { UserExecutionContextInit } from './context/user-execution-context.js';
export { MAX_CONTEXT_DEPTH, UserExecutionContext } from './context/user-execution-context.js';
export { getDefaultRuntime, initDefaultRuntime } from './default-runtime.js';
export type { DurationInput } from './duration.js';
export { toMs } from './duration.js';
export type { RunErrorCode, WireErrorCode } from './errors.js';
export {
  BadRequestError,
  ConfigError,
  FactoryOnlyError,
  InvalidArgumentError,
  InvalidTransitionError,
  LeaseConflictError,
  RateLimitedError,
  RunEndedError,
  RunNotFoundError,
  RunwireError,
  StoreClosedError,
  StoreOpenError,
  ThreadBusyError,
  ToolCallError,
  TooManyRunsError,
  WIRE_ERROR_CODES,
} from './errors.js';
export type { Bus, BusHealth, ControlMessage, Subscription } from './events/bus.js';
export type { EventLog, EventRetention, LogBounds } from './events/event-log.js';
export { DEFAULT_EVENT_RETENTION } from './events/event-log.js';
export type { ConnectionId, RequestId, RunId, ThreadId, ToolCallId, UserId } from './ids.js';
export { newConnectionId, newRequestId, newRunId, newThreadId, PLACEHOLDER_IDS } from './ids.js';
export type { Logger } from './logger.js';
export type { InboundFrame, InboundFrameType } from './protocol/inbound-frames.js';
export { inboundFrameSchemas } from './protocol/inbound-frames.js';
export type { RunEvent, RunEventType } from './protocol/run-events.js';
export { RUN_EVENT_TYPES, runEventSchema, TERMINAL_EVENT_TYPES } from './protocol/run-events.js';
export type { ReplyFrame } from './protocol/server-frames.js';
export type { FrameHandler, HandlerCall, SessionControl } from './routing/handler.js';
export { MessageRouter } from './routing/message-router.js';
export type { RunContext } from './runs/run-context.js';
export type { RunRequest, SchedulerLimits, ThreadPolicy } from './runs/run-scheduler.js';
export { DEFAULT_SCHEDULER_LIMITS } from './runs/run-scheduler.js';
export type { Runtime, RuntimeOptions, RuntimeStores } from './runtime.js';
export { createRuntime, memoryStores } from './runtime.js';
export { InProcessBus } from './stores/memory/in-process-bus.js';
export { MemoryEventLog } from './stores/memory/memory-event-log.js';
export { MemoryRunStore } from './stores/memory/memory-run-store.js';
export type { PubSubMode, PubSubPreference } from './stores/redis/pubsub-mode.js';
export type { RedisBusOptions } from './stores/redis/redis-bus.js';
export { RedisBus } from './stores/redis/redis-bus.js';
export type { RedisConnectionOptions } from './stores/redis/redis-connection.js';
export { RedisConnection } from './stores/redis/redis-connection.js';
export type { RedisEventLogOptions } from './stores/redis/redis-event-log.js';
export { RedisEventLog } from './stores/redis/redis-event-log.js';
export { DEFAULT_REDIS_PREFIX, RedisKeys } from './stores/redis/redis-keys.js';
export type { RedisRunStoreOptions } from './stores/redis/redis-run-store.js';
export { RedisRunStore } from './stores/redis/redis-run-store.js';
export type { RedisRuntimeStores, RedisStoresOptions } from './stores/redis/redis-stores.js';
export { redisStores } from './stores/redis/redis-stores.js';
export type { RunLeases } from './stores/run-leases.js';
export type { RunPage, RunQuery, RunStore } from './stores/run-store.js';
export type { SqliteDatabaseOptions, SqliteSynchronous } from './stores/sqlite/sqlite-database.js';
export { SqliteDatabase } from './stores/sqlite/sqlite-database.js';
export { SqliteEventLog } from './stores/sqlite/sqlite-event-log.js';
export { SqliteRunStore } from './stores/sqlite/sqlite-run-store.js';
export type { SqliteStoresOptions } from './stores/sqlite/sqlite-stores.js';
export { DEFAULT_SQLITE_FILE, sqliteStores } from './stores/sqlite/sqlite-stores.js';
export type { RunChange, TrackerStats } from './tracker/execution-tracker.js';
export { AgentExecutionTracker } from './tracker/execution-tracker.js';
export { getExecutionTracker } from './tracker/get-execution-tracker.js';
export type { RunError, RunRecord, RunSnapshot } from './tracker/run-record.js';
export type { CancelReason, RunStatus } from './tracker/run-status.js';
export { isTerminal, RUN_STATUSES, RUN_TRANSITIONS } from './tracker/run-status.js';
export type { ScopedCreateExecutionInput } from './tracker/user-execution-scope.js';
export { UserExecutionScope } from './tracker/user-execution-scope.js';
