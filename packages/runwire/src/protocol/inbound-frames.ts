import { z } from 'zod';
import { RUN_STATUSES } from '../tracker/run-status.js';

/** Client request id: echoed on every direct reply. */
export const requestIdSchema = z.string().min(1).max(64);
const idField = { id: requestIdSchema.optional() };
const runIdSchema = z.string().min(1).max(128);
const threadIdSchema = z.string().min(1).max(128);
const agentNameSchema = z.string().min(1).max(64);

/** The run states of the tracker's transition table. */
export const runStatusSchema = z.enum(RUN_STATUSES);

/** Longest `user_message.content` (docs/protocol.md §2). */
export const MAX_MESSAGE_CHARS = 32_000;

export const userMessageFrameSchema = z.strictObject({
  type: z.literal('user_message'),
  ...idField,
  content: z.string().min(1).max(MAX_MESSAGE_CHARS),
  threadId: threadIdSchema.optional(),
  agent: agentNameSchema.optional(),
});

export const startAgentFrameSchema = z.strictObject({
  type: z.literal('start_agent'),
  ...idField,
  agent: agentNameSchema,
  input: z.json(),
  threadId: threadIdSchema.optional(),
});

export const stopAgentFrameSchema = z.strictObject({
  type: z.literal('stop_agent'),
  ...idField,
  runId: runIdSchema,
});

export const getRunFrameSchema = z.strictObject({
  type: z.literal('get_run'),
  ...idField,
  runId: runIdSchema,
});

export const listRunsFrameSchema = z.strictObject({
  type: z.literal('list_runs'),
  ...idField,
  status: runStatusSchema.optional(),
  threadId: threadIdSchema.optional(),
  limit: z.number().int().min(1).max(100).optional(),
  before: z.string().min(1).max(256).optional(),
});

export const resumeFrameSchema = z.strictObject({
  type: z.literal('resume'),
  ...idField,
  after: z.number().int().min(0),
});

export const pingFrameSchema = z.strictObject({
  type: z.literal('ping'),
  ...idField,
});

export const getQualityMetricsFrameSchema = z.strictObject({
  type: z.literal('get_quality_metrics'),
  ...idField,
  agent: agentNameSchema.optional(),
  periodHours: z
    .number()
    .positive()
    .max(24 * 365)
    .optional(),
});

export const subscribeQualityAlertsFrameSchema = z.strictObject({
  type: z.literal('subscribe_quality_alerts'),
  ...idField,
  action: z.enum(['subscribe', 'unsubscribe']),
});

export const validateContentFrameSchema = z.strictObject({
  type: z.literal('validate_content'),
  ...idField,
  content: z.string().max(MAX_MESSAGE_CHARS),
  contentType: z.string().min(1).max(64).optional(),
  strict: z.boolean().optional(),
});

export const generateQualityReportFrameSchema = z.strictObject({
  type: z.literal('generate_quality_report'),
  ...idField,
  reportType: z.literal('summary').optional(),
  period: z.enum(['day', 'week']).optional(),
});

export const listThreadsFrameSchema = z.strictObject({
  type: z.literal('list_threads'),
  ...idField,
  limit: z.number().int().min(1).max(100).optional(),
  before: z.string().min(1).max(256).optional(),
});

export const getThreadFrameSchema = z.strictObject({
  type: z.literal('get_thread'),
  ...idField,
  threadId: threadIdSchema,
  limit: z.number().int().min(1).max(200).optional(),
  after: z.string().min(1).max(256).optional(),
});

/** Every client → server frame schema, by type. */
export const inboundFrameSchemas = {
  user_message: userMessageFrameSchema,
  start_agent: startAgentFrameSchema,
  stop_agent: stopAgentFrameSchema,
  get_run: getRunFrameSchema,
  list_runs: listRunsFrameSchema,
  list_threads: listThreadsFrameSchema,
  get_thread: getThreadFrameSchema,
  resume: resumeFrameSchema,
  ping: pingFrameSchema,
  get_quality_metrics: getQualityMetricsFrameSchema,
  subscribe_quality_alerts: subscribeQualityAlertsFrameSchema,
  validate_content: validateContentFrameSchema,
  generate_quality_report: generateQualityReportFrameSchema,
} as const;

export type InboundFrameType = keyof typeof inboundFrameSchemas;
export type InboundFrame<T extends InboundFrameType = InboundFrameType> = z.infer<(typeof inboundFrameSchemas)[T]>;
export type UserMessageFrame = z.infer<typeof userMessageFrameSchema>;
export type StartAgentFrame = z.infer<typeof startAgentFrameSchema>;
export type StopAgentFrame = z.infer<typeof stopAgentFrameSchema>;
export type GetRunFrame = z.infer<typeof getRunFrameSchema>;
export type ListRunsFrame = z.infer<typeof listRunsFrameSchema>;
export type ResumeFrame = z.infer<typeof resumeFrameSchema>;
export type PingFrame = z.infer<typeof pingFrameSchema>;
