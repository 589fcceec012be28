import { z } from 'zod';

const errorBodySchema = z.strictObject({
  code: z.string().min(1),
  message: z.string(),
  /** Only with `llm_stalled`: where the model went silent. */
  phase: z.enum(['first_token', 'between_chunks']).optional(),
});

/** Fields every run event carries (docs/protocol.md §3). */
const eventBase = {
  seq: z.number().int().positive(),
  runId: z.string().min(1),
  threadId: z.string().min(1),
  userId: z.string().min(1),
  agent: z.string().min(1),
  ts: z.iso.datetime(),
};

export const runQueuedEventSchema = z.strictObject({
  type: z.literal('run_queued'),
  ...eventBase,
  status: z.literal('pending'),
  reason: z.enum(['thread_busy', 'user_concurrency']),
  position: z.number().int().positive(),
});

export const agentStartedEventSchema = z.strictObject({
  type: z.literal('agent_started'),
  ...eventBase,
  status: z.literal('running'),
});

export const agentThinkingEventSchema = z.strictObject({
  type: z.literal('agent_thinking'),
  ...eventBase,
  reasoning: z.string().min(1),
  step: z.number().int().positive(),
});

export const toolExecutingEventSchema = z.strictObject({
  type: z.literal('tool_executing'),
  ...eventBase,
  toolCallId: z.string().min(1),
  toolName: z.string().min(1),
  parameters: z.record(z.string(), z.json()),
});

export const toolCompletedEventSchema = z.strictObject({
  type: z.literal('tool_completed'),
  ...eventBase,
  toolCallId: z.string().min(1),
  toolName: z.string().min(1),
  success: z.boolean(),
  results: z.json(),
  durationMs: z.number().int().nonnegative(),
  error: errorBodySchema.optional(),
});

export const partialResultEventSchema = z.strictObject({
  type: z.literal('partial_result'),
  ...eventBase,
  delta: z.string(),
});

export const agentCompletedEventSchema = z.strictObject({
  type: z.literal('agent_completed'),
  ...eventBase,
  status: z.literal('completed'),
  finalResponse: z.string(),
  durationMs: z.number().int().nonnegative(),
  /** Tokens of the run's model calls, when the model reported them. */
  usage: z
    .strictObject({ inputTokens: z.number().int().nonnegative(), outputTokens: z.number().int().nonnegative() })
    .optional(),
});

export const agentErrorEventSchema = z.strictObject({
  type: z.literal('agent_error'),
  ...eventBase,
  status: z.enum(['failed', 'timeout', 'dead']),
  error: errorBodySchema,
  durationMs: z.number().int().nonnegative(),
});

export const agentCancelledEventSchema = z.strictObject({
  type: z.literal('agent_cancelled'),
  ...eventBase,
  status: z.literal('cancelled'),
  reason: z.enum(['user', 'interrupted', 'shutdown']),
  durationMs: z.number().int().nonnegative(),
});

/** Any run event. */
export const runEventSchema = z.discriminatedUnion('type', [
  runQueuedEventSchema,
  agentStartedEventSchema,
  agentThinkingEventSchema,
  toolExecutingEventSchema,
  toolCompletedEventSchema,
  partialResultEventSchema,
  agentCompletedEventSchema,
  agentErrorEventSchema,
  agentCancelledEventSchema,
]);

export type RunEvent = z.infer<typeof runEventSchema>;
export type RunEventType = RunEvent['type'];
export type RunQueuedEvent = z.infer<typeof runQueuedEventSchema>;
export type ToolCompletedEvent = z.infer<typeof toolCompletedEventSchema>;

/** The fields common to all run events, before `seq` is assigned. */
type EventBaseKeys = 'seq' | 'runId' | 'threadId' | 'userId' | 'agent' | 'ts';

/** A run event without the base fields: what a run emits. */
export type RunEventBody = RunEvent extends infer E ? (E extends RunEvent ? Omit<E, EventBaseKeys> : never) : never;

/** A run event before the log has given it a `seq`. */
export type UnsequencedRunEvent = RunEvent extends infer E ? (E extends RunEvent ? Omit<E, 'seq'> : never) : never;

export const RUN_EVENT_TYPES: readonly RunEventType[] = runEventSchema.options.map((o) => o.shape.type.value);
export const TERMINAL_EVENT_TYPES: ReadonlySet<RunEventType> = new Set([
  'agent_completed',
  'agent_error',
  'agent_cancelled',
]);
