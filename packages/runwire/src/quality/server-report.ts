import type { Percentiles, QualityFigures } from '../protocol/quality-frames.js';
import type { CheckHistory, CheckScore } from '../stores/check-history.js';
import { addDays, DAY_MS, dayOf, type QualityRollups, type RollupDay } from '../stores/quality-rollups.js';
import { agentsOf, figuresOf, serverCounter } from './quality-summary.js';
import type { ReportCheck, ServerReport } from './report-schema.js';
import { METRIC } from './rollup-metrics.js';

/** What the server-wide report is made of: the rollups of every user and node, and the check score history. */
export interface ReportSources {
  readonly rollups: QualityRollups;
  readonly checks: CheckHistory;
}

/**
 * Builds the server-wide report of the last `sinceMs` (rounded up to whole UTC days, today included) from the
 * rollups of every user and node, each figure with its change against the same number of days before; with
 * `checkPath`, the SSOT section: the latest check score of that path in each period.
 */
export async function buildServerReport(
  sources: ReportSources,
  now: number,
  sinceMs: number,
  checkPath?: string,
): Promise<ServerReport> {
  const { rollups, checks } = sources;
  const days = Math.max(1, Math.ceil(sinceMs / DAY_MS));
  const to = dayOf(now);
  const from = addDays(to, 1 - days);
  const previousFrom = addDays(from, -days);
  const previousTo = addDays(from, -1);
  const all = await rollups.read({ fromDay: previousFrom, toDay: to });
  const current = all.filter((d) => d.day >= from);
  const previous = all.filter((d) => d.day < from);
  const currentFigures = figuresOf(current);
  const before = figuresOf(previous);
  const beforeByAgent = new Map(agentsOf(previous).map((a) => [a.agent, a]));
  const check =
    checkPath === undefined
      ? undefined
      : compareChecks(
          checkPath,
          await checks.latest({ path: checkPath, fromDay: from, toDay: to }),
          await checks.latest({ path: checkPath, fromDay: previousFrom, toDay: previousTo }),
        );
  return {
    schema: 'runwire-report/v2',
    generatedAt: new Date(now).toISOString(),
    period: { from, to, days },
    previousPeriod: { from: previousFrom, to: previousTo },
    runs: {
      total: compareCounts(currentFigures.runs, before.runs),
      successRate: compareRates(currentFigures.successRate, before.successRate),
      outcomes: { current: currentFigures.outcomes, previous: before.outcomes },
      failedByCode: compareByKey(currentFigures.failedByCode, before.failedByCode),
    },
    agents: agentsOf(current).map(({ agent, ...figures }) => {
      const old = beforeByAgent.get(agent);
      return {
        agent,
        current: figures,
        runs: compareCounts(figures.runs, old?.runs ?? 0),
        successRate: compareRates(figures.successRate, old?.successRate ?? null),
      };
    }),
    latency: {
      timeToFirstEventMs: comparePercentiles(currentFigures.timeToFirstEventMs, before.timeToFirstEventMs),
      durationMs: comparePercentiles(currentFigures.durationMs, before.durationMs),
    },
    perDay: everyDay(from, to).map((day) => {
      const previousDay = addDays(day, -days);
      return perDay(
        day,
        current.find((d) => d.day === day),
        previousDay,
        previous.find((d) => d.day === previousDay),
      );
    }),
    isolation: {
      blockedConstructions: compareCounts(
        serverCounter(current, METRIC.blockedConstructions),
        serverCounter(previous, METRIC.blockedConstructions),
      ),
      deniedCrossUserAccesses: compareCounts(
        serverCounter(current, METRIC.deniedCrossUserAccesses),
        serverCounter(previous, METRIC.deniedCrossUserAccesses),
      ),
    },
    ...(check === undefined ? {} : { check }),
  };
}

function everyDay(from: string, to: string): string[] {
  const days: string[] = [];
  for (let day = from; day <= to; day = addDays(day, 1)) days.push(day);
  return days;
}

function perDay(
  day: string,
  rollup: RollupDay | undefined,
  previousDay: string,
  previousRollup: RollupDay | undefined,
): ServerReport['perDay'][number] {
  const figures: QualityFigures = figuresOf(rollup === undefined ? [] : [rollup]);
  const before = figuresOf(previousRollup === undefined ? [] : [previousRollup]);
  return {
    day,
    runs: compareCounts(figures.runs, before.runs),
    previousDay,
    outcomes: figures.outcomes,
    timeToFirstEventMs: figures.timeToFirstEventMs,
    durationMs: figures.durationMs,
  };
}

function compareCounts(current: number, previous: number): { current: number; previous: number; change: number } {
  return { current, previous, change: current - previous };
}

function compareRates(
  current: number | null,
  previous: number | null,
): { current: number | null; previous: number | null; change: number | null } {
  return { current, previous, change: current === null || previous === null ? null : current - previous };
}

function comparePercentiles(
  current: Percentiles | null,
  previous: Percentiles | null,
): { current: Percentiles | null; previous: Percentiles | null; change: Percentiles | null } {
  return {
    current,
    previous,
    change:
      current === null || previous === null
        ? null
        : { p50: current.p50 - previous.p50, p95: current.p95 - previous.p95, p99: current.p99 - previous.p99 },
  };
}

/** Every key of either side, sorted, with its count on both sides (0 where absent) and the change. */
function compareByKey(
  current: Readonly<Record<string, number>>,
  previous: Readonly<Record<string, number>>,
): Record<string, { current: number; previous: number; change: number }> {
  const keys = [...new Set([...Object.keys(current), ...Object.keys(previous)])].sort();
  return Object.fromEntries(keys.map((key) => [key, compareCounts(current[key] ?? 0, previous[key] ?? 0)]));
}

function compareChecks(path: string, current: CheckScore | undefined, previous: CheckScore | undefined): ReportCheck {
  const recorded = (score: CheckScore | undefined): ReportCheck['current'] =>
    score === undefined
      ? null
      : {
          recordedAt: new Date(score.recordedAt).toISOString(),
          score: score.score,
          concepts: score.concepts,
          violated: score.violated,
          findings: score.findings,
          byRule: { ...score.byRule },
        };
  return {
    path,
    current: recorded(current),
    previous: recorded(previous),
    change:
      current === undefined || previous === undefined
        ? null
        : {
            score: Math.round((current.score - previous.score) * 100) / 100,
            findings: current.findings - previous.findings,
            byRule: Object.fromEntries(
              Object.entries(compareByKey(current.byRule, previous.byRule)).map(([rule, c]) => [rule, c.change]),
            ),
          },
  };
}
