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

/** What `runwire report --check PATH` submits (`POST /api/admin/check-scores`): one run of the checker. */
export const checkSubmissionSchema = z.strictObject({
  /** The path the checker was given, as written: the key its history is kept under. */
  path: z.string().min(1).max(1024),
  score: z.number().min(0).max(100),
  concepts: count,
  violated: count,
  findings: count,
  /** Rule id → findings of that rule. */
  byRule: z.record(z.string().min(1).max(128), count),
});

/** One recorded score of a path: a submission and when the server recorded it. */
const recordedCheckSchema = checkSubmissionSchema.omit({ path: true }).extend({ recordedAt: z.iso.datetime() });

/**
 * The SSOT section: the latest check score of one path recorded in the period and the latest of the previous
 * period (`null`: none recorded then), with `change` (current − previous, by rule too) when both exist.
 */
export const reportCheckSchema = z.strictObject({
  path: z.string(),
  current: recordedCheckSchema.nullable(),
  previous: recordedCheckSchema.nullable(),
  change: z
    .strictObject({ score: z.number(), findings: z.number().int(), byRule: z.record(z.string(), z.number().int()) })
    .nullable(),
});

/**
 * The server-wide weekly report (`GET /api/admin/report`, `runwire report --format json`). Documented as JSON
 * Schema in `docs/report.schema.json`, generated from this schema (a test keeps the two equal).
 */
export const serverReportSchema = z.strictObject({
  schema: z.literal('runwire-report/v2'),
  generatedAt: z.iso.datetime(),
  /** The UTC days reported (today included) and the same number of days before them. */
  period: z.strictObject({ from: day, to: day, days: z.number().int().positive() }),
  previousPeriod: z.strictObject({ from: day, to: day }),
  runs: z.strictObject({
    total: comparedCount,
    successRate: comparedRate,
    outcomes: z.strictObject({ current: outcomeCountsSchema, previous: outcomeCountsSchema }),
    /** Failed runs by error code, this period against the previous one. */
    failedByCode: z.record(z.string(), comparedCount),
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
      /** Runs of the day against the day at the same place in the previous period (`previousDay`). */
      runs: comparedCount,
      previousDay: day,
      outcomes: outcomeCountsSchema,
      timeToFirstEventMs: percentilesSchema.nullable(),
      durationMs: percentilesSchema.nullable(),
    }),
  ),
  isolation: z.strictObject({ blockedConstructions: comparedCount, deniedCrossUserAccesses: comparedCount }),
  /** Present when the report was asked with `check=PATH` (`runwire report --check PATH`). */
  check: reportCheckSchema.optional(),
});

export type ServerReport = z.infer<typeof serverReportSchema>;
export type ReportCheck = z.infer<typeof reportCheckSchema>;
export type CheckSubmission = z.infer<typeof checkSubmissionSchema>;
