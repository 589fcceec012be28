import { z } from 'zod';
import { requestIdSchema, runStatusSchema } from './inbound-frames.js';
import type { ContentValidationResultFrame, QualityMetricsFrame, QualityReportFrame } from './quality-frames.js';

const idField = { id: requestIdSchema.optional() };

export const runSnapshotSchema = z.strictObject({
  runId: z.string(),
  threadId: z.string(),
  agent: z.string(),
  status: runStatusSchema,
  createdAt: z.iso.datetime(),
  startedAt: z.iso.datetime().optional(),
  endedAt: z.iso.datetime().optional(),
  durationMs: z.number().int().nonnegative().optional(),
  lastSeq: z.number().int().nonnegative(),
  error: z.strictObject({ code: z.string(), message: z.string() }).optional(),
  finalResponse: z.string().optional(),
});

export const connectionEstablishedFrameSchema = z.strictObject({
  type: z.literal('connection_established'),
  connectionId: z.string(),
  userId: z.string(),
  heartbeatMs: z.number().int().positive(),
  serverTime: z.iso.datetime(),
  lastSeq: z.number().int().nonnegative(),
});

export const ackFrameSchema = z.strictObject({
  type: z.literal('ack'),
  ...idField,
  runId: z.string().optional(),
  threadId: z.string().optional(),
  status: runStatusSchema.optional(),
});

export const errorFrameSchema = z.strictObject({
  type: z.literal('error'),
  ...idField,
  code: z.string(),
  message: z.string(),
  details: z.record(z.string(), z.unknown()).optional(),
});

export const runFrameSchema = z.strictObject({ type: z.literal('run'), ...idField, run: runSnapshotSchema });
export const runsFrameSchema = z.strictObject({
  type: z.literal('runs'),
  ...idField,
  runs: z.array(runSnapshotSchema),
  next: z.string().optional(),
});
export const threadSummarySchema = z.strictObject({
  threadId: z.string(),
  title: z.string(),
  createdAt: z.iso.datetime(),
  updatedAt: z.iso.datetime(),
  lastRunId: z.string(),
});
export const threadsFrameSchema = z.strictObject({
  type: z.literal('threads'),
  ...idField,
  threads: z.array(threadSummarySchema),
  next: z.string().optional(),
});
export const threadMessageSchema = z.strictObject({
  role: z.enum(['user', 'assistant', 'tool']),
  content: z.string(),
  runId: z.string(),
  toolCallId: z.string().optional(),
  toolName: z.string().optional(),
  createdAt: z.iso.datetime(),
});
export const threadFrameSchema = z.strictObject({
  type: z.literal('thread'),
  ...idField,
  threadId: z.string(),
  messages: z.array(threadMessageSchema),
  next: z.string().optional(),
});
export const pongFrameSchema = z.strictObject({ type: z.literal('pong'), ...idField, ts: z.iso.datetime() });
export const resumedFrameSchema = z.strictObject({
  type: z.literal('resumed'),
  ...idField,
  after: z.number().int().nonnegative(),
  lastSeq: z.number().int().nonnegative(),
});
export const resyncRequiredFrameSchema = z.strictObject({
  type: z.literal('resync_required'),
  ...idField,
  oldestSeq: z.number().int().nonnegative(),
  lastSeq: z.number().int().nonnegative(),
});

export type RunSnapshotFrame = z.infer<typeof runSnapshotSchema>;
export type ConnectionEstablishedFrame = z.infer<typeof connectionEstablishedFrameSchema>;
export type AckFrame = z.infer<typeof ackFrameSchema>;
export type ErrorFrame = z.infer<typeof errorFrameSchema>;
export type RunFrame = z.infer<typeof runFrameSchema>;
export type RunsFrame = z.infer<typeof runsFrameSchema>;
export type PongFrame = z.infer<typeof pongFrameSchema>;
export type ThreadsFrame = z.infer<typeof threadsFrameSchema>;
export type ThreadFrame = z.infer<typeof threadFrameSchema>;
export type ResumedFrame = z.infer<typeof resumedFrameSchema>;
export type ResyncRequiredFrame = z.infer<typeof resyncRequiredFrameSchema>;

/** A direct reply to a request (never carries `seq`). */
export type ReplyFrame =
  | AckFrame
  | ErrorFrame
  | RunFrame
  | RunsFrame
  | ThreadsFrame
  | ThreadFrame
  | PongFrame
  | ResumedFrame
  | ResyncRequiredFrame
  | QualityMetricsFrame
  | ContentValidationResultFrame
  | QualityReportFrame;
