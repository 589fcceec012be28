import type { Percentiles, QualityFigures } from '../protocol/quality-frames.js';
import { addDays, dayOf, type QualityRollups, type RollupDay } from '../stores/quality-rollups.js';
import { agentsOf, figuresOf, serverCounter } from './quality-summary.js';
import type { ServerReport } from './report-schema.js';
import { METRIC } from './rollup-metrics.js';

const DAY_MS = 86_400_000;

/**
 * Builds the server-wide report of the last `sinceMs` (rounded up to whole UTC days, today included) from the
 * rollups of every user and node, each figure with its change against the same number of days before.
 */
export async function buildServerReport(rollups: QualityRollups, now: number, sinceMs: number): Promise<ServerReport> {
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
  return {
    schema: 'runwire-report/v1',
    generatedAt: new Date(now).toISOString(),
    period: { from, to, days },
    previousPeriod: { from: previousFrom, to: previousTo },
    runs: {
      total: compareCounts(currentFigures.runs, before.runs),
      successRate: compareRates(currentFigures.successRate, before.successRate),
      outcomes: { current: currentFigures.outcomes, previous: before.outcomes },
      failedByCode: currentFigures.failedByCode,
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
    perDay: everyDay(from, to).map((day) =>
      perDay(
        day,
        current.find((d) => d.day === day),
      ),
    ),
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
  };
}

function everyDay(from: string, to: string): string[] {
  const days: string[] = [];
  for (let day = from; day <= to; day = addDays(day, 1)) days.push(day);
  return days;
}

function perDay(day: string, rollup: RollupDay | undefined): ServerReport['perDay'][number] {
  const figures: QualityFigures = figuresOf(rollup === undefined ? [] : [rollup]);
  return {
    day,
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
