import { z } from 'zod';
import { requestIdSchema } from './inbound-frames.js';

const idField = { id: requestIdSchema.optional() };
const count = z.number().int().nonnegative();

/** p50/p95/p99 in ms, each the upper bound of its fixed latency bucket. */
export const percentilesSchema = z.strictObject({ p50: z.number(), p95: z.number(), p99: z.number() });

/** Runs by how they ended. */
export const outcomeCountsSchema = z.strictObject({
  completed: count,
  failed: count,
  cancelled: count,
  timeout: count,
  dead: count,
});

/** The quality figures of a set of runs (one agent's, or all of them). */
export const qualityFiguresSchema = z.strictObject({
  runs: count,
  outcomes: outcomeCountsSchema,
  /** Failed runs by error code. */
  failedByCode: z.record(z.string(), count),
  /** completed / (runs − cancelled); `null` without such runs. */
  successRate: z.number().min(0).max(1).nullable(),
  timeToFirstEventMs: percentilesSchema.nullable(),
  durationMs: percentilesSchema.nullable(),
  /** Per tool: calls and failed calls. */
  tools: z.record(z.string(), z.strictObject({ calls: count, failures: count })),
  /** Model tokens, where models report them. */
  tokens: z.strictObject({ input: count, output: count }).optional(),
});

export const agentQualitySchema = z.strictObject({ agent: z.string(), ...qualityFiguresSchema.shape });

/** `get_quality_metrics` → the caller's own runs that ended in the period, per agent. */
export const qualityMetricsFrameSchema = z.strictObject({
  type: z.literal('quality_metrics'),
  ...idField,
  periodHours: z.number().positive(),
  /** The period actually covered: rollups are per UTC day, so it starts at the start of the first day. */
  from: z.iso.datetime(),
  to: z.iso.datetime(),
  agents: z.array(agentQualitySchema),
});

/** Pushed to the connections that subscribed, for the subscriber's own runs only (no `seq`, no `id`). */
export const qualityAlertFrameSchema = z.strictObject({
  type: z.literal('quality_alert'),
  alert: z.enum(['run_dead', 'run_timeout', 'failure_rate']),
  agent: z.string(),
  runId: z.string().optional(),
  message: z.string(),
  /** `failure_rate`: failed, timed-out and dead runs over the last `windowRuns` runs of the agent. */
  failureRate: z.number().min(0).max(1).optional(),
  windowRuns: z.number().int().positive().optional(),
  ts: z.iso.datetime(),
});

export const contentIssueSchema = z.strictObject({
  /** The id of the rule (see `CONTENT_RULES`). */
  rule: z.string(),
  severity: z.enum(['error', 'warning']),
  message: z.string(),
  /** Where: UTF-16 offsets `[start, end)` into the content, and the 1-based line and column of `start`. */
  start: count,
  end: count,
  line: z.number().int().positive(),
  column: z.number().int().positive(),
});

export const contentValidationResultFrameSchema = z.strictObject({
  type: z.literal('content_validation_result'),
  ...idField,
  /** No issue of severity `error`. */
  valid: z.boolean(),
  /** 100 minus 25 per error and 10 per warning, at least 0. */
  score: z.number().int().min(0).max(100),
  issues: z.array(contentIssueSchema),
});

/** `generate_quality_report` → the caller's own summary for a day or a week, with the change against the one before. */
export const qualityReportFrameSchema = z.strictObject({
  type: z.literal('quality_report'),
  ...idField,
  reportType: z.literal('summary'),
  period: z.enum(['day', 'week']),
  from: z.iso.datetime(),
  to: z.iso.datetime(),
  summary: qualityFiguresSchema,
  agents: z.array(agentQualitySchema),
  previous: qualityFiguresSchema,
  /** This period minus the previous one: runs, and success rate (`null` when either has none). */
  change: z.strictObject({ runs: z.number().int(), successRate: z.number().nullable() }),
});

export type Percentiles = z.infer<typeof percentilesSchema>;
export type OutcomeCounts = z.infer<typeof outcomeCountsSchema>;
export type QualityFigures = z.infer<typeof qualityFiguresSchema>;
export type AgentQuality = z.infer<typeof agentQualitySchema>;
export type QualityMetricsFrame = z.infer<typeof qualityMetricsFrameSchema>;
export type QualityAlertFrame = z.infer<typeof qualityAlertFrameSchema>;
export type ContentIssue = z.infer<typeof contentIssueSchema>;
export type ContentValidationResultFrame = z.infer<typeof contentValidationResultFrameSchema>;
export type QualityReportFrame = z.infer<typeof qualityReportFrameSchema>;
