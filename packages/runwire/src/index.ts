/**
 * Runwire's public API: the runtime, tracker, context, router, agents, tools, errors and protocol types. Backends by
 * subpath: `runwire/sqlite`, `runwire/redis`; `runwire/compat` for code migrating from several routers. Deep imports
 * are not part of the API.
 */

export type { AgentDefinition } from './agents/agent-definition.js';
export { defineAgent } from './agents/agent-definition.js';
export { assistantAgent } from './agents/builtin/assistant-agent.js';
export { echoAgent } from './agents/builtin/echo-agent.js';
export { supervisorAgent } from './agents/builtin/supervisor-agent.js';
export type { ModelAgentDefinition } from './agents/model/model-agent.js';
export type { ModelCallLimits } from './agents/model/model-call-limits.js';
export { DEFAULT_MODEL_CALL_LIMITS } from './agents/model/model-call-limits.js';
export { NamedRegistry } from './agents/named-registry.js';
export type { RunContext, TokenUsage, ToolCallOptions } from './agents/run-context.js';
export type { ToolCallContext, ToolDefinition } from './agents/tool.js';
export { defineTool } from './agents/tool.js';
export { calculatorTool } from './agents/tools/calculator-tool.js';
export { clockTool } from './agents/tools/clock-tool.js';
export { ExpressionError, evaluateExpression } from './agents/tools/expression.js';
export { myRunsTool } from './agents/tools/my-runs-tool.js';
export type { Clock, Timer } from './clock.js';
export { FakeClock, systemClock } from './clock.js';
export type { ThreadPolicy } from './config/defaults.js';
export type { LlmOptions, RunwireConfig } from './config/define-config.js';
export { defineConfig } from './config/define-config.js';
export type { UserExecutionContextInit } from './context/user-execution-context.js';
export { MAX_CONTEXT_DEPTH, UserExecutionContext } from './context/user-execution-context.js';
export type { CreateServerOptions } from './create-server.js';
export { createHandler, createServer, createServer as startServer } from './create-server.js';
export type { DurationInput } from './duration.js';
export { toMs } from './duration.js';
export type { RunwireHandler } from './embedded-server.js';
export type { ModelErrorCode, RunErrorCode, StallPhase, WireErrorCode } from './errors.js';
export {
  BadRequestError,
  ConfigError,
  FactoryOnlyError,
  InvalidArgumentError,
  InvalidTransitionError,
  LeaseConflictError,
  MODEL_ERROR_CODES,
  ModelCallError,
  ModelStalledError,
  RateLimitedError,
  RunEndedError,
  RunNotFoundError,
  RunwireError,
  StoreClosedError,
  StoreOpenError,
  ThreadBusyError,
  ThreadNotFoundError,
  ToolCallError,
  ToolTimeoutError,
  TooManyRunsError,
  WIRE_ERROR_CODES,
} from './errors.js';
export { runwireFastifyPlugin } from './fastify-plugin.js';
export type { ConnectionId, RequestId, RunId, ThreadId, ToolCallId, UserId } from './ids.js';
export { newConnectionId, newRequestId, newRunId, newThreadId, PLACEHOLDER_IDS } from './ids.js';
export type { Logger } from './logger.js';
export type { InboundFrame, InboundFrameType } from './protocol/inbound-frames.js';
export { inboundFrameSchemas } from './protocol/inbound-frames.js';
export type { RunEvent, RunEventType } from './protocol/run-events.js';
export { RUN_EVENT_TYPES, runEventSchema, TERMINAL_EVENT_TYPES } from './protocol/run-events.js';
export type {
  AckFrame,
  ConnectionEstablishedFrame,
  ErrorFrame,
  PongFrame,
  ReplyFrame,
  ResumedFrame,
  ResyncRequiredFrame,
  RunFrame,
  RunSnapshotFrame,
  RunsFrame,
  ThreadFrame,
  ThreadsFrame,
} from './protocol/server-frames.js';
export type { ContentInput, ContentRule, ContentRuleMatch } from './quality/content-rules.js';
export { CONTENT_RULES } from './quality/content-rules.js';
export type { ContentValidation } from './quality/content-validator.js';
export { validateContent } from './quality/content-validator.js';
export type { ReportOutputFormat } from './quality/render-report.js';
export { REPORT_OUTPUT_FORMATS, renderReport } from './quality/render-report.js';
export type { CheckSubmission, ServerReport } from './quality/report-schema.js';
export type { ReportSources } from './quality/server-report.js';
export { buildServerReport } from './quality/server-report.js';
export type { FrameHandler, HandlerCall, SessionControl } from './routing/handler.js';
export { MessageRouter } from './routing/message-router.js';
export type { RunRequest, SchedulerLimits } from './runs/run-scheduler.js';
export { DEFAULT_SCHEDULER_LIMITS } from './runs/run-scheduler.js';
export type { Runtime, RuntimeOptions } from './runtime/create-runtime.js';
export { createRuntime } from './runtime/create-runtime.js';
export { getDefaultRuntime, initDefaultRuntime } from './runtime/default-runtime.js';
export { getExecutionTracker } from './runtime/get-execution-tracker.js';
export type { RunwireServer } from './server.js';
export type { Bus, BusHealth, ControlMessage, Subscription } from './stores/bus.js';
export type { CheckHistory, CheckScore, CheckScoreQuery } from './stores/check-history.js';
export type { EventLog, EventRetention, LogBounds } from './stores/event-log.js';
export { DEFAULT_EVENT_RETENTION } from './stores/event-log.js';
export { InProcessBus } from './stores/memory/in-process-bus.js';
export { MemoryCheckHistory } from './stores/memory/memory-check-history.js';
export { MemoryEventLog } from './stores/memory/memory-event-log.js';
export { MemoryQualityRollups } from './stores/memory/memory-quality-rollups.js';
export { MemoryRunStore } from './stores/memory/memory-run-store.js';
export { memoryStores } from './stores/memory/memory-stores.js';
export { MemoryThreadStore } from './stores/memory/memory-thread-store.js';
export type { QualityRollups, RollupCell, RollupDay, RollupQuery } from './stores/quality-rollups.js';
export type { RunLeases } from './stores/run-leases.js';
export type { RunPage, RunQuery, RunStore } from './stores/run-store.js';
export type { Stores, StoresEnv, StoresFactory } from './stores/stores.js';
export type {
  ThreadMessagePage,
  ThreadMessageRecord,
  ThreadMessageRole,
  ThreadPage,
  ThreadRecord,
  ThreadStore,
} from './stores/thread-store.js';
export type { RunChange, TrackerStats } from './tracker/execution-tracker.js';
export { AgentExecutionTracker } from './tracker/execution-tracker.js';
export type { RunFailure, RunRecord, RunSnapshot } from './tracker/run-record.js';
export type { CancelReason, RunStatus } from './tracker/run-status.js';
export { isTerminal, RUN_STATUSES, RUN_TRANSITIONS } from './tracker/run-status.js';
export type { ScopedCreateExecutionInput } from './tracker/user-execution-scope.js';
export { UserExecutionScope } from './tracker/user-execution-scope.js';
