import { z } from 'zod';
import { outcomeCountsSchema, percentilesSchema, qualityFiguresSchema } from '../protocol/quality-frames.js';

const day = z.string().regex(/^\d{4}-\d{2}-\d{2}$/);
const count = z.number().int().nonnegative();

/** A figure this period, the previous period, and the difference (`null` when either side has none). */
const comparedCount = z.strictObject({ current: count, previous: count, change: z.number().int() });
const comparedRate = z.strictObject({
  current: z.number().min(0).max(1).nullable(),
  previous: z.number().min(0).max(1).nullable(),
  change: z.number().nullable(),
});
const comparedPercentiles = z.strictObject({
  current: percentilesSchema.nullable(),
  previous: percentilesSchema.nullable(),
  /** current − previous per percentile, when both exist. */
  change: percentilesSchema.nullable(),
});

/** The SSOT section: a `runwire check` of one path, with its findings by rule. */
export const reportCheckSchema = z.strictObject({
  path: z.string(),
  score: z.number().min(0).max(100),
  concepts: count,
  violated: count,
  findings: count,
  byRule: z.record(z.string(), count),
});

/**
 * The server-wide weekly report (`GET /api/admin/report`, `runwire report --format json`). Documented as JSON
 * Schema in `docs/report.schema.json`, generated from this schema (a test keeps the two equal).
 */
export const serverReportSchema = z.strictObject({
  schema: z.literal('runwire-report/v1'),
  generatedAt: z.iso.datetime(),
  /** The UTC days reported (today included) and the same number of days before them. */
  period: z.strictObject({ from: day, to: day, days: z.number().int().positive() }),
  previousPeriod: z.strictObject({ from: day, to: day }),
  runs: z.strictObject({
    total: comparedCount,
    successRate: comparedRate,
    outcomes: z.strictObject({ current: outcomeCountsSchema, previous: outcomeCountsSchema }),
    failedByCode: z.record(z.string(), count),
  }),
  agents: z.array(
    z.strictObject({
      agent: z.string(),
      current: qualityFiguresSchema,
      runs: comparedCount,
      successRate: comparedRate,
    }),
  ),
  latency: z.strictObject({ timeToFirstEventMs: comparedPercentiles, durationMs: comparedPercentiles }),
  perDay: z.array(
    z.strictObject({
      day,
      outcomes: outcomeCountsSchema,
      timeToFirstEventMs: percentilesSchema.nullable(),
      durationMs: percentilesSchema.nullable(),
    }),
  ),
  isolation: z.strictObject({ blockedConstructions: comparedCount, deniedCrossUserAccesses: comparedCount }),
  /** Present when the report was made with `--check PATH`. */
  check: reportCheckSchema.optional(),
});

export type ServerReport = z.infer<typeof serverReportSchema>;
export type ReportCheck = z.infer<typeof reportCheckSchema>;
